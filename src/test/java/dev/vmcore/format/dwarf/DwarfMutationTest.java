package dev.vmcore.format.dwarf;

import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Random corruption of .debug_info, .debug_abbrev, .debug_line and .debug_aranges: only success or FormatException. */
class DwarfMutationTest {
    static final int MUTATIONS = 12_000;
    static final String[] TARGETS = {".debug_info", ".debug_abbrev", ".debug_line", ".debug_aranges"};

    @Test
    void mutationsFailCleanly() {
        Map<String, byte[]> seed = SampleDwarf.build();
        Random rnd = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int failures = 0;
            for (int i = 0; i < MUTATIONS; i++) {
                Map<String, byte[]> m = new HashMap<>(seed);
                String target = TARGETS[rnd.nextInt(TARGETS.length)];
                byte[] b = m.get(target).clone();
                int edits = 1 + rnd.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int at = rnd.nextInt(b.length);
                    b[at] = switch (rnd.nextInt(4)) {
                        case 0 -> (byte) rnd.nextInt(256);
                        case 1 -> (byte) (b[at] ^ (1 << rnd.nextInt(8)));
                        case 2 -> (byte) 0xff;
                        default -> 0;
                    };
                }
                if (rnd.nextInt(10) == 0) {
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                }
                m.put(target, b);
                try {
                    exercise(Dwarf.open(DwarfWriter.provider(m)));
                } catch (FormatException expected) {
                    failures++;
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    throw new AssertionError("mutation " + i + " of " + target + ": " + e, e);
                }
            }
            System.out.println(MUTATIONS + " mutations, " + failures + " FormatExceptions");
        });
    }

    static void exercise(Dwarf d) {
        for (Unit u : d.units()) {
            walk(u.root(), 0);
        }
        NameIndex idx = d.index();
        for (String n : List.of("point", "outer", "grab_bag", "main4", "counter")) {
            for (IndexEntry e : idx.find(n)) {
                walk(d.die(e.dieOffset()), 0);
            }
        }
        for (long a : new long[] {0x1005, 0x1015, 0x1020, 0x2018, 0x2008}) {
            d.lineAt(a);
            d.symbolize(a);
        }
    }

    private static void walk(Die die, int depth) {
        if (depth > 64) {
            return;
        }
        for (Attribute a : die.attributes()) {
            die.string(a.name());
            die.unsigned(a.name());
            die.signed(a.name());
            die.address(a.name());
            die.reference(a.name());
            die.block(a.name());
        }
        die.ranges();
        die.nameFollowingOrigins();
        for (Die c : die.children()) {
            walk(c, depth + 1);
        }
    }
}
