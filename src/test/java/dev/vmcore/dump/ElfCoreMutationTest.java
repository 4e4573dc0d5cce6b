package dev.vmcore.dump;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile ELF cores: every mutation ends in success, FormatException or MemoryFault, quickly. */
class ElfCoreMutationTest {
    private static final int MUTATIONS = 10_000;

    @Test
    void mutatedHeadersProgramHeadersAndNotesNeverEscape() {
        byte[] base = new ElfCoreWriter().segment(0x1000, ElfCoreDumpTest.pages(2, 1))
                .segment(0x100000, ElfCoreDumpTest.pages(1, 2))
                .prstatus(1, new long[27]).vmcoreInfo("OSRELEASE=6.1.0\nPAGESIZE=4096\n")
                .note("QEMU", 0, new byte[432]).build();
        int headerEnd = 64 + 56 * 3 + 800; // ELF header, program headers, notes
        Random rnd = new Random(42);
        int opened = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] m = mutate(base, headerEnd, rnd);
            try {
                ElfCoreDump d = ElfCoreDumpTest.open(m);
                opened++;
                d.cpuNotes();
                d.pageCounts();
                d.header();
                byte[] buf = new byte[64];
                for (long addr : new long[] {0x1000, 0x2ff0, 0x100000, rnd.nextLong() & 0xffffffffffL}) {
                    try {
                        d.memory().read(addr, buf, 0, buf.length);
                    } catch (MemoryFault expected) {
                        // a fault is a correct answer for a damaged dump
                    }
                }
            } catch (FormatException expected) {
                // so is a format error
            }
        }
        assertTrue(opened > MUTATIONS / 10, "too few mutants opened (" + opened + "): mutations too destructive");
    }

    static byte[] mutate(byte[] base, int hotEnd, Random rnd) {
        byte[] m = base.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> m[rnd.nextInt(hotEnd)] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> m[rnd.nextInt(hotEnd)] = (byte) rnd.nextInt(256);
            case 2 -> {
                int at = rnd.nextInt(hotEnd - 8) & ~7;
                long v = rnd.nextBoolean() ? Long.MAX_VALUE >> rnd.nextInt(60) : -1L << rnd.nextInt(63);
                for (int k = 0; k < 8; k++) {
                    m[at + k] = (byte) (v >>> (8 * k));
                }
            }
            case 3 -> m = Arrays.copyOf(m, rnd.nextInt(m.length));
            default -> {
                for (int k = 0; k < 4; k++) {
                    m[rnd.nextInt(hotEnd)] = (byte) rnd.nextInt(256);
                }
            }
        }
        return m;
    }
}
