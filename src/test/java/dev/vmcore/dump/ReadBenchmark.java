package dev.vmcore.dump;

import dev.vmcore.memory.PageState;
import dev.vmcore.memory.PhysicalMemory;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FileByteSource;
import io.airlift.compress.lzo.LzoDecompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.DataFormatException;
import java.util.zip.CRC32;
import java.util.zip.Inflater;

/**
 * Read-throughput and open-time benchmark of the dump readers (run by {@code scripts/bench-read};
 * a benchmark, not a test: surefire does not pick it up). Prints Markdown tables.
 *
 * <pre>
 *   ReadBenchmark CASE_DIR [--big DIR] [--threads N] [--runs N] [--open-runs N]
 * </pre>
 *
 * <ol>
 *   <li>ELF: every PRESENT page of vmcore.elf read through {@link DumpFile#memory()} vs {@code cat FILE
 *       >/dev/null}, both with the file in the OS page cache.</li>
 *   <li>kdump-compressed: every PRESENT page read through {@link DumpFile#memory()}, one thread and N
 *       threads (the pfn range split into chunks the threads take in turn), vs the bare decompressor
 *       (Inflater / aircompressor) on the same pages' compressed bytes, read into memory beforehand.</li>
 *   <li>Open time (DumpOpener.open + pageCounts) of each file, median after a warm-up; for flattened
 *       files also the index pass alone.</li>
 *   <li>With --big: the same open times on a larger dump set, side by side.</li>
 * </ol>
 * Each timed read pass opens the dump afresh (outside the timing) so that our page cache starts
 * empty; times are medians of --runs passes after untimed warm-up passes (which also check the bytes
 * read: against the ELF file's bytes at the PT_LOAD offsets, against the bare decompressor's output).
 * Wall times suffer on a shared machine; the CPU-time columns (user+sys of the reading threads, of
 * cat) are the steadier comparison there.
 */
public final class ReadBenchmark {
    private static final int PAGE = 4096;
    private static final int CHUNK_PFNS = 1024;
    private static final List<String> KDUMP_FILES = List.of("vmcore.d31.zlib", "vmcore.d31.lzo", "vmcore.d31.zstd",
            "vmcore.d31.flat", "vmcore.kdump-zlib");
    private static final List<String> OPEN_FILES = List.of("vmcore.elf", "vmcore.kdump-zlib", "vmcore.d31.zlib",
            "vmcore.d31.lzo", "vmcore.d31.zstd", "vmcore.d31.elf", "vmcore.d31.flat");

    private static volatile long sink;

    private final int threads;
    private final int runs;
    private final int openRuns;

    private ReadBenchmark(int threads, int runs, int openRuns) {
        this.threads = threads;
        this.runs = runs;
        this.openRuns = openRuns;
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        Path big = null;
        int threads = Runtime.getRuntime().availableProcessors();
        int runs = 5;
        int openRuns = 11;
        String only = "abcd";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--big" -> big = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--open-runs" -> openRuns = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                default -> {
                    if (args[i].startsWith("-") || dir != null) {
                        System.err.println("usage: ReadBenchmark CASE_DIR [--big DIR] [--threads N] [--runs N]"
                                + " [--open-runs N] [--only abcd]");
                        System.exit(2);
                    }
                    dir = Path.of(args[i]);
                }
            }
        }
        if (dir == null || !Files.isDirectory(dir)) {
            System.err.println("ReadBenchmark: no case directory given (or not a directory): " + dir);
            System.exit(2);
        }
        ReadBenchmark b = new ReadBenchmark(threads, runs, openRuns);
        System.out.printf(Locale.ROOT, "Dump set: %s; %d threads for the all-cores rows; medians of %d timed passes"
                + " after warm-ups (open: %d)%n%n", dir, threads, runs, openRuns);
        if (only.contains("a")) {
            b.elf(dir.resolve("vmcore.elf"));
        }
        if (only.contains("b")) {
            b.kdump(dir);
        }
        if (only.contains("c") || only.contains("d")) {
            b.openTimes(dir, only.contains("d") ? big : null);
        }
    }

    // ------------------------------------------------------------------ a. ELF

    private void elf(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            System.out.println("(a) no " + file + ": skipped\n");
            return;
        }
        long size = Files.size(file);
        cat(file); // warm the OS page cache
        Timing cat = measure(runs, () -> cat(file));
        double catS = cat.wall;
        Pass warm = readAll(file, 1, true);
        long direct = elfDirectChecksum(file);
        if (warm.checksum != direct) {
            throw new IllegalStateException(file + ": pages read through memory() differ from the file's bytes");
        }
        readAll(file, 1);
        Pass warmMt = readAll(file, threads, true);
        if (warmMt.checksum != direct) {
            throw new IllegalStateException(file + ": pages read by " + threads + " threads differ from the file's");
        }
        Timing st = measure(runs, () -> readAll(file, 1).timing());
        Timing mt = measure(runs, () -> readAll(file, threads).timing());
        double oursS = st.wall;
        double oursMt = mt.wall;
        double catMBs = mb(size) / (catS / 1e9);
        double oursMBs = mb(warm.bytes) / (oursS / 1e9);
        double mtMBs = mb(warm.bytes) / (oursMt / 1e9);
        System.out.println("### (a) ELF: every present page through DumpFile.memory() vs cat (warm OS cache)");
        System.out.println();
        System.out.printf(Locale.ROOT, "%s: %.1f MB file, %d present pages (%.1f MB)%n%n", file.getFileName(), mb(size),
                warm.pages, mb(warm.bytes));
        System.out.println("| reader | time ms | MB/s | vs cat | CPU ms (user+sys) | vs cat by CPU |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| cat FILE >/dev/null | %.0f | %.0f | 100%% | %.0f | 100%% |%n", catS / 1e6, catMBs,
                cat.cpu / 1e6);
        System.out.printf(Locale.ROOT, "| ours, 1 thread | %.0f | %.0f | %.0f%% | %.0f | %.0f%% |%n", oursS / 1e6, oursMBs,
                100 * oursMBs / catMBs, st.cpu / 1e6, 100 * cat.cpu / st.cpu * warm.bytes / size);
        System.out.printf(Locale.ROOT, "| ours, %d threads | %.0f | %.0f | %.0f%% | %.0f | %.0f%% |%n", threads,
                oursMt / 1e6, mtMBs, 100 * mtMBs / catMBs, mt.cpu / 1e6, 100 * cat.cpu / mt.cpu * warm.bytes / size);
        System.out.printf(Locale.ROOT, "%nChecked: the pages read (1 and %d threads) equal the file's bytes at their"
                + " PT_LOAD offsets. Target ours (1 thread) >= 70%% of cat: %s%n%n", threads,
                oursMBs >= 0.7 * catMBs ? "met" : "MISSED");
    }

    /** {@link #pageSum} over every PRESENT page, read straight from the file at its PT_LOAD offset. */
    private static long elfDirectChecksum(Path file) {
        try (ElfCoreDump d = (ElfCoreDump) DumpOpener.open(List.of(file));
             FileByteSource f = FileByteSource.open(file)) {
            long sum = 0;
            byte[] page = new byte[PAGE];
            for (ElfCoreDump.Segment s : d.segments()) {
                for (long pfn = (s.paddr() + PAGE - 1) / PAGE; (pfn + 1) * PAGE <= s.paddr() + s.availableInFile(); pfn++) {
                    f.readFully(s.offset() + pfn * PAGE - s.paddr(), page, 0, PAGE);
                    sum += pageSum(pfn, page);
                }
            }
            return sum;
        }
    }

    /** Runs {@code cat FILE >/dev/null}; wall time, and cat's user+sys time when /usr/bin/time is there. */
    private static long[] cat(Path file) {
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        List<String> cmd = timed ? List.of("/usr/bin/time", "-f", "%U %S", "cat", file.toString())
                : List.of("cat", file.toString());
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("cat " + file + " failed: " + err);
            }
            long wall = System.nanoTime() - t0;
            long cpu = -1;
            if (timed) {
                String[] f = err.substring(err.lastIndexOf('\n') + 1).trim().split("\\s+");
                cpu = (long) ((Double.parseDouble(f[0]) + Double.parseDouble(f[1])) * 1e9);
            }
            return new long[] {wall, cpu};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Pages and bytes read and the time taken. */
    record Pass(long pages, long bytes, long nanos, long cpuNanos, long checksum) {
        long[] timing() {
            return new long[] {nanos, cpuNanos};
        }
    }

    /** Medians of wall time and CPU time (user+sys, all threads) in ns. */
    record Timing(double wall, double cpu) {
    }

    private static Timing measure(int n, java.util.function.Supplier<long[]> run) {
        double[] wall = new double[n];
        double[] cpu = new double[n];
        for (int i = 0; i < n; i++) {
            long[] t = run.get();
            wall[i] = t[0];
            cpu[i] = t[1];
        }
        return new Timing(med(wall), med(cpu));
    }

    private static long threadCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Order-independent checksum of one page: CRC32 of its bytes mixed with its pfn. */
    static long pageSum(long pfn, byte[] page) {
        CRC32 crc = new CRC32();
        crc.update(page, 0, PAGE);
        return (crc.getValue() + 1) * 0x9E3779B97F4A7C15L ^ pfn;
    }

    /** Opens {@code file} (untimed) and reads every PRESENT page with {@code n} threads. */
    private static Pass readAll(Path file, int n) {
        return readAll(file, n, false);
    }

    /** As {@link #readAll(Path, int)}; with {@code verify} the checksum is {@link #pageSum} over all pages. */
    private static Pass readAll(Path file, int n, boolean verify) {
        try (DumpFile d = DumpOpener.open(List.of(file))) {
            PhysicalMemory mem = d.memory();
            long max = mem.maxPfn();
            AtomicLong next = new AtomicLong();
            long[] pages = new long[n];
            long[] sums = new long[n];
            long[] cpu = new long[n];
            Thread[] ts = new Thread[n];
            long t0 = System.nanoTime();
            for (int t = 0; t < n; t++) {
                int me = t;
                ts[t] = new Thread(() -> {
                    long c0 = threadCpu();
                    byte[] buf = new byte[PAGE];
                    long count = 0;
                    long sum = 0;
                    for (long start = next.getAndAdd(CHUNK_PFNS); start < max; start = next.getAndAdd(CHUNK_PFNS)) {
                        long end = Math.min(max, start + CHUNK_PFNS);
                        for (long pfn = start; pfn < end; pfn++) {
                            if (mem.state(pfn) == PageState.PRESENT) {
                                mem.read(pfn * PAGE, buf, 0, PAGE);
                                sum += verify ? pageSum(pfn, buf) : buf[(int) (pfn & (PAGE - 1))];
                                count++;
                            }
                        }
                    }
                    pages[me] = count;
                    sums[me] = sum;
                    cpu[me] = threadCpu() - c0;
                });
                ts[t].start();
            }
            join(ts);
            long nanos = System.nanoTime() - t0;
            long checksum = Arrays.stream(sums).sum();
            sink += checksum;
            long total = Arrays.stream(pages).sum();
            return new Pass(total, total * PAGE, nanos, Arrays.stream(cpu).sum(), checksum);
        }
    }

    private static void join(Thread[] ts) {
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // ------------------------------------------------------------------ b. kdump-compressed

    private void kdump(Path dir) {
        System.out.println("### (b) kdump-compressed: every present page through DumpFile.memory() vs the bare"
                + " decompressor on the same pages");
        System.out.println();
        System.out.println("Raw = the pages' compressed bytes read into memory first, then only decompression timed"
                + " (zlib: one java.util.zip.Inflater per thread, reset per page; lzo/snappy/zstd: aircompressor).");
        System.out.println();
        System.out.println("| file | pages | compressed MB | threads | ours ms | ours pages/s | ours MB/s |"
                + " raw ms | raw pages/s | raw MB/s | ours/raw | ours CPU ms | raw CPU ms | ours/raw by CPU |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<String> missed = new ArrayList<>();
        for (String name : KDUMP_FILES) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            RawPages raw = RawPages.collect(file);
            cat(file); // warm the OS page cache
            long want = raw.checksum();
            for (int n : new int[] {1, threads, 1, threads}) { // warm-ups, checked against the bare decompressor
                if (readAll(file, n, true).checksum != want) {
                    throw new IllegalStateException(file + ": pages read through memory() (" + n
                            + " threads) differ from the bare decompressor's");
                }
            }
            for (int n : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
                Timing o = measure(runs, () -> readAll(file, n).timing());
                raw.decompress(n); // warm-ups
                raw.decompress(n);
                Timing r = measure(runs, () -> raw.decompress(n));
                double ours = o.wall;
                double rawNs = r.wall;
                double ratio = rawNs / ours;
                System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f%% |"
                                + " %.0f | %.0f | %.0f%% |%n",
                        name, raw.count, mb(raw.compressedBytes), n, ours / 1e6, raw.count / (ours / 1e9),
                        mb((long) raw.count * PAGE) / (ours / 1e9), rawNs / 1e6, raw.count / (rawNs / 1e9),
                        mb((long) raw.count * PAGE) / (rawNs / 1e9), 100 * ratio, o.cpu / 1e6, r.cpu / 1e6,
                        100 * r.cpu / o.cpu);
                if (ratio < 0.7) {
                    missed.add(name + " (" + n + " thread" + (n > 1 ? "s" : "") + ")");
                }
            }
        }
        System.out.println();
        System.out.println("Checked: the pages read through memory() (1 and " + threads + " threads) equal the bare"
                + " decompressor's output.");
        System.out.println("Target ours >= 70% of raw: " + (missed.isEmpty() ? "met everywhere" : "MISSED for "
                + String.join(", ", missed)));
        System.out.println();
    }

    /** The compressed bytes and flags of every PRESENT page of a kdump file, in pfn order. */
    private static final class RawPages {
        final byte[][] data;
        final int[] flags;
        final long[] pfns;
        final int count;
        final long compressedBytes;

        private RawPages(byte[][] data, int[] flags, long[] pfns, int count, long compressedBytes) {
            this.data = data;
            this.flags = flags;
            this.pfns = pfns;
            this.count = count;
            this.compressedBytes = compressedBytes;
        }

        static RawPages collect(Path file) {
            boolean flattened = FileProbe.probe(file) == FileKind.FLATTENED;
            try (DumpFile d = DumpOpener.open(List.of(file));
                 FileByteSource f = FileByteSource.open(file);
                 ByteSource src = flattened ? FlattenedSource.index(f) : f) {
                KdumpPart part = ((KdumpDump) d).parts().get(0);
                KdumpHeader h = part.header();
                long half = h.twoBitmaps() ? h.bitmapBytes() / 2 : h.bitmapBytes();
                DumpBitmap dumped = DumpBitmap.read(src, h.bitmapOffset() + (h.twoBitmaps() ? half : 0), half,
                        part.maxPfn());
                PhysicalMemory mem = d.memory();
                List<byte[]> data = new ArrayList<>();
                List<Integer> flags = new ArrayList<>();
                List<Long> pfns = new ArrayList<>();
                long bytes = 0;
                for (long pfn = 0; pfn < mem.maxPfn(); pfn++) {
                    if (mem.state(pfn) != PageState.PRESENT) {
                        continue;
                    }
                    KdumpPart.Descriptor desc = part.descriptor(dumped.rank(pfn));
                    data.add(src.readBytes(desc.offset(), (int) desc.size()));
                    flags.add(desc.flags());
                    pfns.add(pfn);
                    bytes += desc.size();
                }
                return new RawPages(data.toArray(new byte[0][]), flags.stream().mapToInt(Integer::intValue).toArray(),
                        pfns.stream().mapToLong(Long::longValue).toArray(), data.size(), bytes);
            }
        }

        /** Decompresses every page with {@code n} threads; returns wall and CPU nanoseconds. */
        long[] decompress(int n) {
            return decompress(n, false);
        }

        /** {@link #pageSum} over every page, decompressed. */
        long checksum() {
            decompress(1, true);
            return lastChecksum;
        }

        private long lastChecksum;

        private long[] decompress(int n, boolean verify) {
            AtomicLong next = new AtomicLong();
            long[] sums = new long[n];
            long[] cpu = new long[n];
            Thread[] ts = new Thread[n];
            long t0 = System.nanoTime();
            for (int t = 0; t < n; t++) {
                int me = t;
                ts[t] = new Thread(() -> {
                    long c0 = threadCpu();
                    byte[] page = new byte[PAGE];
                    Inflater inf = new Inflater();
                    LzoDecompressor lzo = new LzoDecompressor();
                    SnappyDecompressor snappy = new SnappyDecompressor();
                    ZstdDecompressor zstd = new ZstdDecompressor();
                    long sum = 0;
                    try {
                        for (long s = next.getAndAdd(CHUNK_PFNS / 8); s < count; s = next.getAndAdd(CHUNK_PFNS / 8)) {
                            int end = (int) Math.min(count, s + CHUNK_PFNS / 8);
                            for (int i = (int) s; i < end; i++) {
                                byte[] in = data[i];
                                int f = flags[i];
                                int got;
                                if ((f & PageDecompressor.ZLIB) != 0) {
                                    inf.reset();
                                    inf.setInput(in);
                                    got = inf.inflate(page);
                                } else if ((f & PageDecompressor.LZO) != 0) {
                                    got = lzo.decompress(in, 0, in.length, page, 0, PAGE);
                                } else if ((f & PageDecompressor.SNAPPY) != 0) {
                                    got = snappy.decompress(in, 0, in.length, page, 0, PAGE);
                                } else if ((f & PageDecompressor.ZSTD) != 0) {
                                    got = zstd.decompress(in, 0, in.length, page, 0, PAGE);
                                } else {
                                    System.arraycopy(in, 0, page, 0, PAGE);
                                    got = PAGE;
                                }
                                if (got != PAGE) {
                                    throw new IllegalStateException("page " + i + " decompressed to " + got);
                                }
                                sum += verify ? pageSum(pfns[i], page) : page[i & (PAGE - 1)];
                            }
                        }
                    } catch (DataFormatException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        inf.end();
                    }
                    sums[me] = sum;
                    cpu[me] = threadCpu() - c0;
                });
                ts[t].start();
            }
            join(ts);
            long nanos = System.nanoTime() - t0;
            lastChecksum = Arrays.stream(sums).sum();
            sink += lastChecksum;
            return new long[] {nanos, Arrays.stream(cpu).sum()};
        }
    }

    // ------------------------------------------------------------------ c/d. open time

    /** Open times of one file: open, pageCounts, their sum, and the flattened index pass alone (or NaN). */
    record OpenTime(long size, long frames, double openMs, double countMs, double totalMs, double indexMs,
                    String format) {
    }

    private void openTimes(Path dir, Path big) {
        System.out.println("### (c) Open time: DumpOpener.open + pageCounts (median of " + openRuns
                + " after a warm-up, one JVM)");
        System.out.println();
        List<String> names = OPEN_FILES.stream().filter(n -> Files.isRegularFile(dir.resolve(n))).toList();
        // Warm-up: every file of both sets, several rounds, so that no file is timed with cold JIT code.
        for (int round = 0; round < 5; round++) {
            for (String n : names) {
                for (Path d : big != null && Files.isDirectory(big) ? List.of(dir, big) : List.of(dir)) {
                    if (Files.isRegularFile(d.resolve(n))) {
                        try (DumpFile f = DumpOpener.open(List.of(d.resolve(n)))) {
                            sink += f.pageCounts().present();
                        }
                    }
                }
            }
        }
        List<OpenTime> small = new ArrayList<>();
        System.out.println("| file | format | size MB | open ms | pageCounts ms | total ms | flattened index pass ms |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (String n : names) {
            OpenTime t = openTime(dir.resolve(n));
            small.add(t);
            row(n, t);
        }
        System.out.println();
        if (big == null) {
            return;
        }
        if (!Files.isDirectory(big)) {
            System.out.println("(d) no " + big + ": skipped (run scripts/bench-bigdump)\n");
            return;
        }
        System.out.println("### (d) Open time vs dump size: " + dir + " vs " + big);
        System.out.println();
        System.out.println("| file | page frames | size MB | total ms | big: page frames | big: size MB | big: open ms |"
                + " big: pageCounts ms | big: total ms | big: index pass ms | time ratio | frames ratio | size ratio |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < names.size(); i++) {
            Path f = big.resolve(names.get(i));
            if (!Files.isRegularFile(f)) {
                continue;
            }
            OpenTime s = small.get(i);
            OpenTime b = openTime(f);
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.2f | %d | %.1f | %.2f | %.2f | %.2f | %s | %.1fx | %.1fx |"
                            + " %.1fx |%n",
                    names.get(i), s.frames, mb(s.size), s.totalMs, b.frames, mb(b.size), b.openMs, b.countMs, b.totalMs,
                    Double.isNaN(b.indexMs) ? "-" : String.format(Locale.ROOT, "%.2f", b.indexMs),
                    b.totalMs / s.totalMs, (double) b.frames / s.frames, (double) b.size / s.size);
        }
        System.out.println();
    }

    private static void row(String name, OpenTime t) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.2f | %.2f | %.2f | %s |%n", name, t.format, mb(t.size),
                t.openMs, t.countMs, t.totalMs, Double.isNaN(t.indexMs) ? "-"
                        : String.format(Locale.ROOT, "%.2f", t.indexMs));
    }

    private OpenTime openTime(Path file) {
        boolean flattened = FileProbe.probe(file) == FileKind.FLATTENED;
        String format;
        long frames;
        try (DumpFile d = DumpOpener.open(List.of(file))) {
            format = d.format().describe();
            frames = d.memory().maxPfn();
        }
        for (int i = 0; i < 3; i++) { // warm-up of this file (file system caches)
            try (DumpFile d = DumpOpener.open(List.of(file))) {
                d.pageCounts();
            }
        }
        double[] open = new double[openRuns];
        double[] count = new double[openRuns];
        double[] total = new double[openRuns];
        double[] index = new double[openRuns];
        for (int i = 0; i < openRuns; i++) {
            long t0 = System.nanoTime();
            try (DumpFile d = DumpOpener.open(List.of(file))) {
                long t1 = System.nanoTime();
                DumpFile.PageCounts c = d.pageCounts();
                long t2 = System.nanoTime();
                sink += c.present();
                open[i] = (t1 - t0) / 1e6;
                count[i] = (t2 - t1) / 1e6;
                total[i] = (t2 - t0) / 1e6;
            }
            if (flattened) {
                try (FileByteSource f = FileByteSource.open(file)) {
                    long t3 = System.nanoTime();
                    FlattenedSource s = FlattenedSource.index(f);
                    index[i] = (System.nanoTime() - t3) / 1e6;
                    sink += s.ranges();
                }
            }
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new OpenTime(size, frames, med(open), med(count), med(total), flattened ? med(index) : Double.NaN, format);
    }

    // ------------------------------------------------------------------ helpers

    private static double med(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }
}
