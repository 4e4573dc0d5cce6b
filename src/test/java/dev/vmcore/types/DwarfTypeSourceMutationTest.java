package dev.vmcore.types;

import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.dwarf.DwarfSections;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Corrupt DWARF under the type adapter: random byte changes to the sample's .debug_info and
 * .debug_abbrev, then every lookup and a walk over every type reached. Each must succeed or throw
 * {@link FormatException}; never another exception, a hang or a stack overflow.
 */
class DwarfTypeSourceMutationTest {
    private static final List<String> TYPES = List.of("struct list_head", "struct bits5", "struct bits4", "struct holder",
            "struct blob", "struct ops", "struct user", "struct opaque", "enum state", "mask", "u64", "unsigned long",
            "bits4_t", "shared", "struct sigstruct");
    private static final List<String> VARIABLES = List.of("jiffies", "init_list", "table", "do_thing", "printk",
            "schedule", "sigvar");

    @Test
    void corruptDwarfGivesFormatExceptionsOnly() {
        Map<String, byte[]> seed = DwarfTypeSourceTest.sampleSections();
        Random rnd = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 0; round < 600; round++) {
                Map<String, byte[]> m = new HashMap<>(seed);
                String section = rnd.nextInt(4) == 0 ? ".debug_abbrev" : ".debug_info";
                byte[] b = m.get(section).clone();
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int at = rnd.nextInt(b.length);
                    b[at] = switch (rnd.nextInt(3)) {
                        case 0 -> (byte) rnd.nextInt(256);
                        case 1 -> (byte) (b[at] ^ (1 << rnd.nextInt(8)));
                        default -> (byte) 0xff;
                    };
                }
                m.put(section, b);
                exercise(m, round);
            }
        });
    }

    private static void exercise(Map<String, byte[]> sections, int round) {
        DwarfTypeSource ts;
        try {
            ts = new DwarfTypeSource(Dwarf.open(DwarfSections.of(sections)), "mutant " + round);
        } catch (FormatException e) {
            return;
        }
        for (String n : TYPES) {
            try {
                ts.findType(n).ifPresent(DwarfTypeSourceMutationTest::walk);
            } catch (FormatException e) {
                // fine: corrupt input named
            }
        }
        for (String n : VARIABLES) {
            try {
                ts.findVariable(n).ifPresent(v -> walk(v.type()));
            } catch (FormatException e) {
                // fine
            }
        }
    }

    private static void walk(Type t) {
        RealDwarfBtfAgreementTest.walk(t);
        TypeNames.name(t);
        if (Types.strip(t) instanceof StructType s) {
            for (Member m : s.members()) {
                TypeNames.declaration(m.type(), m.name() == null ? "" : m.name());
            }
        }
    }
}
