package dev.vmcore.dump;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PhysicalMemory;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random corruption of kdump-compressed and flattened files: every outcome must be a dump
 * that opens and reads, a FormatException, or a MemoryFault; never another exception, a hang or an
 * OutOfMemoryError.
 */
class KdumpMutationTest {
    private static final int CASES = 10_000;
    private static final long[] INTERESTING = {0, 1, 2, -1, 24, 4096, 8192, 0x7fffffffL, 0x80000000L, 0xffffffffL,
        1L << 32, 1L << 40, 1L << 60, Long.MAX_VALUE, Long.MIN_VALUE};

    record Outcome(int ok, int format, int fault) {
    }

    @Test
    @Timeout(120)
    void corruptKdumpFilesFailCleanly() {
        KdumpWriter w = small(1);
        byte[] base = w.build();
        int headerEnd = (int) w.bitmapOffset;
        int bitmapEnd = (int) w.descriptorOffset;
        int descEnd = (int) w.dataStart;
        Outcome o = run(base, (rnd) -> {
            int r = rnd.nextInt(100);
            if (r < 40) {
                return rnd.nextInt(headerEnd);
            } else if (r < 55) {
                return headerEnd + rnd.nextInt(bitmapEnd - headerEnd);
            } else if (r < 85) {
                return bitmapEnd + rnd.nextInt(descEnd - bitmapEnd);
            }
            return rnd.nextInt(base.length);
        }, bytes -> KdumpDump.open(List.of(Path.of("fuzz.kdump")), ByteSource.of("fuzz.kdump", bytes), false));
        // the mutations must reach every outcome, or they test nothing
        assertTrue(o.ok() > 100 && o.format() > 100, o.toString());
    }

    @Test
    @Timeout(120)
    void corruptFlattenedFilesFailCleanly() {
        byte[] plain = small(2).build();
        byte[] flat = KdumpWriter.flatten(plain, new Random(2), true);
        List<Integer> recordHeaders = recordHeaders(flat);
        Outcome o = run(flat, (rnd) -> {
            int r = rnd.nextInt(100);
            if (r < 60) {
                return recordHeaders.get(rnd.nextInt(recordHeaders.size())) + rnd.nextInt(16);
            } else if (r < 70) {
                return rnd.nextInt(32);
            }
            return rnd.nextInt(flat.length);
        }, bytes -> {
            FlattenedSource f = FlattenedSource.index(ByteSource.of("fuzz.flat", bytes));
            return KdumpDump.open(List.of(Path.of("fuzz.flat")), f, true);
        });
        assertTrue(o.ok() > 100 && o.format() > 100, o.toString());
    }

    /** A small dump (a few pages of each compression) so that 10,000 cases run in seconds. */
    private static KdumpWriter small(long seed) {
        Random rnd = new Random(seed);
        KdumpWriter w = new KdumpWriter();
        w.maxMapnr = 40;
        KdumpWriter.Compression[] all = KdumpWriter.Compression.values();
        for (long pfn = 0; pfn < 12; pfn++) {
            w.addPages(rnd, pfn);
            w.compression.put(pfn, all[(int) (pfn % all.length)]);
        }
        w.pages.put(14L, new byte[w.blockSize]);
        w.excluded.addAll(List.of(15L, 16L));
        w.vmcoreinfo = "OSRELEASE=6.1\nNUMBER(phys_base)=16777216\n";
        w.notes = KdumpDumpTest.notes();
        return w;
    }

    private static List<Integer> recordHeaders(byte[] flat) {
        List<Integer> at = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(flat);
        int pos = 4096;
        while (pos + 16 <= flat.length) {
            at.add(pos);
            long off = b.getLong(pos);
            long len = b.getLong(pos + 8);
            if (off == -1) {
                break;
            }
            pos += 16 + (int) len;
        }
        return at;
    }

    private static Outcome run(byte[] base, Function<Random, Integer> where, Function<byte[], DumpFile> opener) {
        int ok = 0;
        int format = 0;
        int fault = 0;
        long slowest = 0;
        for (int seed = 0; seed < CASES; seed++) {
            Random rnd = new Random(seed * 7919L + base.length);
            byte[] bytes = mutate(base, rnd, where);
            long t = System.nanoTime();
            try {
                exercise(opener.apply(bytes), rnd);
                ok++;
            } catch (FormatException e) {
                format++;
            } catch (MemoryFault e) {
                fault++;
            } catch (Throwable e) {
                throw new AssertionError("mutation seed " + seed + ": " + e, e);
            }
            slowest = Math.max(slowest, System.nanoTime() - t);
        }
        assertEquals(CASES, ok + format + fault);
        System.out.printf("%d mutations: %d opened and read, %d FormatException, %d MemoryFault; slowest %d ms%n",
                CASES, ok, format, fault, slowest / 1_000_000);
        assertTrue(slowest < 2_000_000_000L, "slowest case took " + slowest / 1_000_000 + " ms");
        return new Outcome(ok, format, fault);
    }

    private static byte[] mutate(byte[] base, Random rnd, Function<Random, Integer> where) {
        byte[] b = base.clone();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(10);
            int at = Math.min(where.apply(rnd), b.length - 1);
            ByteBuffer bb = ByteBuffer.wrap(b).order(rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            switch (kind) {
                case 0, 1, 2 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 3, 4 -> b[at] = (byte) rnd.nextInt(256);
                case 5, 6 -> {
                    int p = at & ~3;
                    if (p + 4 <= b.length) {
                        bb.putInt(p, (int) INTERESTING[rnd.nextInt(INTERESTING.length)]);
                    }
                }
                case 7, 8 -> {
                    int p = at & ~7;
                    if (p + 8 <= b.length) {
                        long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
                        bb.putLong(p, rnd.nextInt(4) == 0 ? v + base.length : v);
                    }
                }
                default -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            if (b.length == 0) {
                break;
            }
        }
        return b;
    }

    /** Uses the dump as a reader would: metadata, counts and some pages. */
    private static void exercise(DumpFile d, Random rnd) {
        try (d) {
            d.header();
            d.vmcoreInfo();
            d.warnings();
            d.format().describe();
            PhysicalMemory m = d.memory();
            byte[] buf = new byte[m.pageSize()];
            for (long pfn = 0; pfn < 20; pfn++) {
                m.state(pfn);
            }
            d.pageCounts();
            MemoryFault unexpected = null;
            for (int i = 0; i < 8; i++) {
                long pfn = rnd.nextInt(24);
                boolean readable = m.state(pfn).readable();
                try {
                    m.read(pfn * m.pageSize(), buf, 0, buf.length);
                } catch (MemoryFault e) {
                    if (readable) {
                        unexpected = e; // a page that said it was there but could not be had
                    }
                }
            }
            d.cpuNotes();
            if (unexpected != null) {
                throw unexpected;
            }
        }
    }
}
