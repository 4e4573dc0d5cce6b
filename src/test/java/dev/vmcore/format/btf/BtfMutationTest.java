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

    private static void exercise(Btf btf) {
        BtfTypeSource src = new BtfTypeSource(btf, "mutant");
        for (String n : new String[] {"struct node", "int", "unsigned long", "u64", "handler_t", "enum color", "node"}) {
            src.findType(n).ifPresent(BtfMutationTest::walk);
        }
        src.findVariable("printk").ifPresent(v -> walk(v.type()));
        for (int id = 1; id <= btf.lastId(); id++) {
            walk(src.type(id));
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
