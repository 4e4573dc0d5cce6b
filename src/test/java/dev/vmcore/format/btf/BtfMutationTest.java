package dev.vmcore.format.btf;

import dev.vmcore.types.BtfTypeSource;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** 12,000 seeded mutations of a BTF blob: parsing and using the types either works or throws FormatException. */
class BtfMutationTest {
    private static final int MUTATIONS = 12_000;

    @Test
    void mutatedBtfFailsOnlyWithFormatException() {
        byte[] seed = BtfTest.everyKind();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random r = new Random(20261126);
            for (int i = 0; i < MUTATIONS; i++) {
                byte[] m = mutate(seed, r);
                try {
                    exercise(Btf.parse(ByteSource.of("mutant " + i, m)));
                } catch (FormatException expected) {
                    // the one allowed failure
                }
            }
        });
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] m = seed.clone();
        switch (r.nextInt(4)) {
            case 0 -> m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            case 1 -> {
                int at = r.nextInt(m.length - 4) & ~3;
                int v = r.nextBoolean() ? r.nextInt() : r.nextInt(64);
                for (int k = 0; k < 4; k++) {
                    m[at + k] = (byte) (v >>> (8 * k));
                }
            }
            case 2 -> m = java.util.Arrays.copyOf(m, r.nextInt(m.length));
            default -> {
                for (int k = 0; k < 1 + r.nextInt(8); k++) {
                    m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
        }
        return m;
    }

    /**
     * Decoding is lazy, so a corrupt record shows only when used: each step may throw
     * FormatException alone, and the steps after it still run.
     */
    private static void exercise(Btf btf) {
        BtfTypeSource src = new BtfTypeSource(btf, "mutant");
        for (String n : new String[] {"struct node", "int", "unsigned long", "u64", "handler_t", "enum color", "node"}) {
            tolerate(() -> src.findType(n).ifPresent(BtfMutationTest::walk));
        }
        tolerate(() -> src.findVariable("printk").ifPresent(v -> walk(v.type())));
        tolerate(() -> src.typeNames().forEach(src::findType));
        for (int id = 1; id <= btf.lastId(); id++) {
            int i = id;
            btf.kindOf(i);
            tolerate(() -> btf.nameOf(i));
            tolerate(() -> btf.nameHash(i));
            tolerate(() -> btf.sameName(i, 1));
            tolerate(() -> btf.type(i));
            tolerate(() -> walk(src.type(i)));
        }
        tolerate(() -> btf.ownTypes().forEach(t -> t.name()));
    }

    private static void tolerate(Runnable step) {
        try {
            step.run();
        } catch (FormatException expected) {
            // the one allowed failure
        }
    }

    private static void walk(Type t) {
        TypeNames.name(t);
        Types.sizeof(t);
        if (Types.strip(t) instanceof StructType s) {
            Types.flatMembers(s).forEach(l -> TypeNames.declaration(l.type(), "x"));
            Types.memberPath(s, "name");
        }
    }
}
