package dev.vmcore.dump;

import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import dev.vmcore.util.Unsigned;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * makedumpfile's flattened format (-F, and QEMU's kdump-* output) read in place: the rearranged
 * file as a {@link ByteSource}, without writing it anywhere.
 *
 * <p>Layout (makedumpfile.h: struct makedumpfile_header, makedumpfile_data_header): a 4096-byte
 * header {char signature[16] = "makedumpfile", be64 type = 1, be64 version = 1}, then records
 * {be64 offset, be64 size, size bytes of data that belong at offset of the rearranged file}, ended by
 * a record with offset -1. Opening reads only the 16-byte record headers (one pass, positional reads
 * that skip the data) and builds a sorted table of disjoint logical ranges; a record that overlaps
 * earlier ones wins (makedumpfile rewrites its headers at the end). Logical bytes no record wrote
 * read as zeros; {@link #size()} is the highest logical end.
 */
final class FlattenedSource implements ByteSource {
    static final int HEADER_SIZE = 4096;
    static final String SIGNATURE = "makedumpfile";
    static final int RECORD_HEADER = 16;
    /** Bound on the number of records; real files have one per write, a few per MiB of dump. */
    static final int MAX_RECORDS = 1 << 24;
    /** Bound on one record's data (makedumpfile writes at most a few MiB at once). */
    static final long MAX_RECORD = 1L << 31;
    /**
     * A rearranged dump is written densely (headers, bitmaps, descriptors, data back to back), so its
     * size stays near the flattened file's; allow unwritten gaps up to this much beyond twice the file.
     * This bounds what a hostile stream can make the readers above allocate.
     */
    static final long SPARSE_SLACK = 1L << 20;

    private final ByteSource file;
    private final long[] logical;
    private final long[] length;
    private final long[] fileOffset;
    private final int count;
    private final long size;
    private final int records;
    private final List<String> warnings;

    private FlattenedSource(ByteSource file, Table table, int records, List<String> warnings) {
        this.file = file;
        this.logical = table.logical;
        this.length = table.length;
        this.fileOffset = table.fileOffset;
        this.count = table.count;
        this.size = count == 0 ? 0 : logical[count - 1] + length[count - 1];
        this.records = records;
        this.warnings = List.copyOf(warnings);
    }

    /** Indexes {@code file} and returns the rearranged file it holds. */
    static FlattenedSource index(ByteSource file) {
        checkHeader(file);
        Table recs = new Table();
        List<String> warnings = new ArrayList<>();
        long pos = HEADER_SIZE;
        byte[] h = new byte[RECORD_HEADER];
        boolean ended = false;
        while (pos <= file.size() - RECORD_HEADER) {
            file.readFully(pos, h, 0, RECORD_HEADER);
            long offset = be64(h, 0);
            long len = be64(h, 8);
            if (offset == -1) {
                ended = true;
                break;
            }
            if (offset < 0 || len < 0 || len > MAX_RECORD || offset + len < 0) {
                throw new FormatException(file.name(), pos, "flattened record claims offset 0x"
                        + Long.toHexString(offset) + " and size 0x" + Long.toHexString(len));
            }
            long data = pos + RECORD_HEADER;
            long avail = Math.min(len, file.size() - data);
            if (avail < len) {
                warnings.add(file.name() + ": the flattened stream is cut short: the record at 0x"
                        + Long.toHexString(pos) + " has " + avail + " of " + len + " bytes");
            }
            if (recs.count >= MAX_RECORDS) {
                throw new FormatException(file.name(), pos, "more than " + MAX_RECORDS + " flattened records");
            }
            if (avail > 0) {
                recs.append(offset, avail, data);
            }
            pos = data + len;
        }
        if (!ended && warnings.isEmpty()) {
            warnings.add(file.name() + ": the flattened stream ends without its end marker (cut short?)");
        }
        Table table = resolve(recs);
        long end = table.count == 0 ? 0 : table.logical[table.count - 1] + table.length[table.count - 1];
        if (end > 2 * file.size() + SPARSE_SLACK) {
            throw new FormatException(file.name(), HEADER_SIZE, "flattened records reach logical offset 0x"
                    + Long.toHexString(end) + ", far beyond what a file of " + file.size() + " bytes can hold");
        }
        return new FlattenedSource(file, table, recs.count, warnings);
    }

    private static void checkHeader(ByteSource file) {
        if (file.size() < HEADER_SIZE) {
            throw new FormatException(file.name(), 0, "flattened file of " + file.size()
                    + " bytes is shorter than its " + HEADER_SIZE + "-byte header");
        }
        byte[] h = file.readBytes(0, 32);
        String sig = new String(h, 0, 16, StandardCharsets.ISO_8859_1);
        if (!sig.equals(SIGNATURE + "\0\0\0\0")) {
            throw new FormatException(file.name(), 0, "signature is not \"makedumpfile\"");
        }
        long type = be64(h, 16);
        long version = be64(h, 24);
        if (type != 1 || version != 1) {
            throw new FormatException(file.name(), 16, "flattened header type " + type + " version " + version
                    + " (only type 1 version 1 is known)");
        }
    }

    /** Problems found while indexing that leave the file usable (a cut-short stream). */
    List<String> warnings() {
        return warnings;
    }

    /** Number of data records in the stream. */
    int records() {
        return records;
    }

    /** Number of disjoint ranges after overlaps were resolved. */
    int ranges() {
        return count;
    }

    @Override
    public String name() {
        return file.name();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position < 0 || position >= size || len <= 0) {
            return 0;
        }
        int want = (int) Math.min(len, size - position);
        int done = 0;
        int i = find(position);
        while (done < want) {
            long at = position + done;
            while (i < count && logical[i] + length[i] <= at) {
                i++;
            }
            int n;
            if (i < count && logical[i] <= at) {
                n = (int) Math.min(want - done, logical[i] + length[i] - at);
                file.readFully(fileOffset[i] + (at - logical[i]), dst, off + done, n);
            } else {
                long next = i < count ? logical[i] : size;
                n = (int) Math.min(want - done, next - at);
                Arrays.fill(dst, off + done, off + done + n, (byte) 0);
            }
            done += n;
        }
        return done;
    }

    /** Index of the last range starting at or before {@code position}, or 0. */
    private int find(long position) {
        int lo = 0;
        int hi = count - 1;
        int best = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (logical[mid] <= position) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    @Override
    public void close() {
        file.close();
    }

    private static long be64(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
    }

    /**
     * Ranges of the logical file, each with the file offset of its data: the records in stream
     * order (as read), or, once resolved, disjoint ranges sorted by logical start (adjacent
     * ranges with adjacent data merged).
     */
    private static final class Table {
        long[] logical = new long[16];
        long[] length = new long[16];
        long[] fileOffset = new long[16];
        int count;

        /** Appends a record as read, never merged. */
        void append(long s, long l, long f) {
            grow();
            logical[count] = s;
            length[count] = l;
            fileOffset[count] = f;
            count++;
        }

        /** Adds a resolved range, merging it into the previous one when they continue each other. */
        void add(long s, long l, long f) {
            if (count > 0) {
                int p = count - 1;
                if (logical[p] + length[p] == s && fileOffset[p] + length[p] == f) {
                    length[p] += l;
                    return;
                }
            }
            append(s, l, f);
        }

        private void grow() {
            if (count == logical.length) {
                int n = count * 2;
                logical = Arrays.copyOf(logical, n);
                length = Arrays.copyOf(length, n);
                fileOffset = Arrays.copyOf(fileOffset, n);
            }
        }
    }

    /**
     * Resolves overlaps, later records winning: sweeps the records in order of start with a max-heap
     * of the active ones by stream position; the winner can only change where a record starts or the
     * winner ends.
     */
    private static Table resolve(Table r) {
        int n = r.count;
        int[] order = Unsigned.sortedOrder(r.logical, n);
        if (order == null) {
            order = java.util.stream.IntStream.range(0, n).toArray();
        }
        Table t = new Table();
        int[] heap = new int[Math.max(1, n)];
        int heapSize = 0;
        int next = 0;
        long pos = Long.MIN_VALUE;
        while (next < n || heapSize > 0) {
            if (heapSize == 0) {
                pos = Math.max(pos, r.logical[order[next]]);
            }
            while (next < n && r.logical[order[next]] <= pos) {
                heapSize = push(heap, heapSize, order[next++]);
            }
            while (heapSize > 0 && r.logical[heap[0]] + r.length[heap[0]] <= pos) {
                heapSize = pop(heap, heapSize);
            }
            if (heapSize == 0) {
                continue;
            }
            int top = heap[0];
            long end = r.logical[top] + r.length[top];
            if (next < n) {
                end = Math.min(end, r.logical[order[next]]);
            }
            if (end > pos) {
                t.add(pos, end - pos, r.fileOffset[top] + (pos - r.logical[top]));
                pos = end;
            }
        }
        return t;
    }

    /** Max-heap by record index (later records win). */
    private static int push(int[] heap, int size, int v) {
        int i = size;
        heap[i] = v;
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent] >= heap[i]) {
                break;
            }
            int tmp = heap[parent];
            heap[parent] = heap[i];
            heap[i] = tmp;
            i = parent;
        }
        return size + 1;
    }

    private static int pop(int[] heap, int size) {
        size--;
        heap[0] = heap[size];
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int max = i;
            if (l < size && heap[l] > heap[max]) {
                max = l;
            }
            if (r < size && heap[r] > heap[max]) {
                max = r;
            }
            if (max == i) {
                return size;
            }
            int tmp = heap[max];
            heap[max] = heap[i];
            heap[i] = tmp;
            i = max;
        }
    }
}
