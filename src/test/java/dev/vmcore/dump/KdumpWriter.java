package dev.vmcore.dump;

import io.airlift.compress.Compressor;
import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.Deflater;

/**
 * Writes kdump-compressed files the way makedumpfile does (makedumpfile.c write_kdump_header,
 * write_kdump_bitmap, write_kdump_pages): header block, sub-header with notes and VMCOREINFO,
 * both bitmaps, page descriptors, then page data with the shared zero page first. Test code only.
 */
final class KdumpWriter {
    enum Compression {
        NONE(0), ZLIB(0x1), LZO(0x2), SNAPPY(0x4), ZSTD(0x20);

        final int flag;

        Compression(int flag) {
            this.flag = flag;
        }
    }

    int blockSize = 4096;
    int headerVersion = 6;
    boolean diskdump;
    /** Write one bitmap (old diskdump without filtering): RAM and dumped are the same set. */
    boolean oneBitmap;
    long maxMapnr = 64;
    /** Value written to the 32-bit max_mapnr when different from maxMapnr (to test which field is used). */
    Long maxMapnr32Override;
    int dumpLevel = 31;
    long extraStatus;
    boolean sharedZeroPage = true;
    Compression defaultCompression = Compression.ZLIB;
    final Map<Long, Compression> compression = new HashMap<>();
    /** Dumped pages (in the 2nd bitmap), pfn to contents. */
    final TreeMap<Long, byte[]> pages = new TreeMap<>();
    /** RAM pages left out (1st bitmap only). */
    final TreeSet<Long> excluded = new TreeSet<>();
    byte[] notes = new byte[0];
    String vmcoreinfo;
    boolean split;
    long startPfn;
    long endPfn;
    String[] utsname = {"Linux", "testhost", "6.1.0-test", "#1 SMP", "x86_64", "(none)"};
    long timestamp = 1_700_000_000L;
    long physBase = 0x1000000;
    int nrCpus = 2;

    /** Where things landed in the last {@link #build}, for tests that corrupt them. */
    final Map<Long, Long> descriptorAt = new HashMap<>();
    final Map<Long, Long> dataAt = new HashMap<>();
    final Map<Long, Integer> dataSize = new HashMap<>();
    long descriptorOffset;
    long dataStart;
    long bitmapOffset;

    /** Fills {@code pfns} with compressible pseudo-random contents. */
    KdumpWriter addPages(Random rnd, long... pfns) {
        for (long pfn : pfns) {
            pages.put(pfn, content(rnd, pfn, blockSize));
        }
        return this;
    }

    static byte[] content(Random rnd, long pfn, int size) {
        byte[] b = new byte[size];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 8 <= size; i += 8) {
            bb.putLong(i, rnd.nextInt(4) == 0 ? rnd.nextLong() : pfn * 0x1000 + i / 64);
        }
        return b;
    }

    byte[] build() {
        descriptorAt.clear();
        dataAt.clear();
        dataSize.clear();
        int subHdrBytes = 104 + notes.length + (vmcoreinfo == null ? 0 : vmcoreinfo.length());
        int subHdrBlocks = diskdump ? 1 : (subHdrBytes + blockSize - 1) / blockSize;
        long bitmapBytesPerHalf = ((maxMapnr + 7) / 8 + blockSize - 1) / blockSize * blockSize;
        int halves = oneBitmap ? 1 : 2;
        long bitmapBlocks = bitmapBytesPerHalf * halves / blockSize;
        bitmapOffset = (long) blockSize * (1 + subHdrBlocks);
        descriptorOffset = bitmapOffset + bitmapBytesPerHalf * halves;
        long lo = split ? startPfn : 0;
        long hi = split ? endPfn : maxMapnr;
        List<Long> dumpedInRange = new ArrayList<>(pages.subMap(lo, hi).keySet());
        dataStart = descriptorOffset + 24L * dumpedInRange.size();

        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer desc = ByteBuffer.allocate(24 * dumpedInRange.size()).order(ByteOrder.LITTLE_ENDIAN);
        long zeroAt = -1;
        if (sharedZeroPage) {
            zeroAt = dataStart;
            data.writeBytes(new byte[blockSize]);
        }
        for (long pfn : dumpedInRange) {
            byte[] page = pages.get(pfn);
            long at;
            int size;
            int flags;
            descriptorAt.put(pfn, descriptorOffset + desc.position());
            if (zeroAt >= 0 && isZero(page)) {
                at = zeroAt;
                size = blockSize;
                flags = 0;
            } else {
                Compression c = compression.getOrDefault(pfn, defaultCompression);
                byte[] out = compress(c, page);
                if (out.length >= blockSize) {
                    out = page;
                    flags = 0;
                } else {
                    flags = c.flag;
                }
                at = dataStart + data.size();
                size = out.length;
                data.writeBytes(out);
            }
            dataAt.put(pfn, at);
            dataSize.put(pfn, size);
            desc.putLong(at).putInt(size).putInt(flags).putLong(0);
        }

        long total = dataStart + data.size();
        ByteBuffer f = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
        f.put((diskdump ? "DISKDUMP" : "KDUMP   ").getBytes(StandardCharsets.ISO_8859_1));
        f.putInt(headerVersion);
        for (int i = 0; i < 6; i++) {
            byte[] s = utsname[i].getBytes(StandardCharsets.ISO_8859_1);
            f.put(12 + 65 * i, s, 0, Math.min(64, s.length));
        }
        f.position(408);
        f.putLong(timestamp).putLong(0);
        int status = (int) extraStatus;
        for (Compression c : compressionsUsed()) {
            status |= c.flag;
        }
        f.putInt(status).putInt(blockSize).putInt(subHdrBlocks).putInt((int) bitmapBlocks);
        f.putInt((int) (maxMapnr32Override != null ? maxMapnr32Override : Math.min(maxMapnr, 0xffffffffL)));
        f.putInt(0).putInt(0).putInt(0).putInt(0).putInt(nrCpus);

        if (!diskdump) {
            int sub = blockSize;
            long notesAt = sub + 104;
            long infoAt = notesAt + notes.length;
            f.position(sub);
            f.putLong(physBase).putInt(dumpLevel).putInt(split ? 1 : 0);
            f.putLong(startPfn).putLong(endPfn);
            f.putLong(vmcoreinfo == null ? 0 : infoAt).putLong(vmcoreinfo == null ? 0 : vmcoreinfo.length());
            f.putLong(notes.length == 0 ? 0 : notesAt).putLong(notes.length);
            f.putLong(0).putLong(0);
            f.putLong(startPfn).putLong(endPfn).putLong(maxMapnr);
            f.put((int) notesAt, notes);
            if (vmcoreinfo != null) {
                f.put((int) infoAt, vmcoreinfo.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        byte[] ram = new byte[(int) bitmapBytesPerHalf];
        byte[] dumped = new byte[(int) bitmapBytesPerHalf];
        for (long pfn : pages.keySet()) {
            set(ram, pfn);
            set(dumped, pfn);
        }
        for (long pfn : excluded) {
            set(ram, pfn);
        }
        if (oneBitmap) {
            f.put((int) bitmapOffset, dumped);
        } else {
            f.put((int) bitmapOffset, ram);
            f.put((int) (bitmapOffset + bitmapBytesPerHalf), dumped);
        }
        f.put((int) descriptorOffset, desc.array());
        f.put((int) dataStart, data.toByteArray());
        return f.array();
    }

    private List<Compression> compressionsUsed() {
        List<Compression> used = new ArrayList<>();
        for (long pfn : pages.keySet()) {
            Compression c = compression.getOrDefault(pfn, defaultCompression);
            if (c != Compression.NONE && !used.contains(c)) {
                used.add(c);
            }
        }
        return used;
    }

    private static void set(byte[] bitmap, long pfn) {
        bitmap[(int) (pfn >>> 3)] |= (byte) (1 << (pfn & 7));
    }

    static boolean isZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    static byte[] compress(Compression c, byte[] page) {
        return switch (c) {
            case NONE -> page;
            case ZLIB -> {
                Deflater d = new Deflater();
                d.setInput(page);
                d.finish();
                byte[] out = new byte[page.length * 2 + 64];
                int n = d.deflate(out);
                d.end();
                yield Arrays.copyOf(out, n);
            }
            case LZO -> air(new LzoCompressor(), page);
            case SNAPPY -> air(new SnappyCompressor(), page);
            case ZSTD -> air(new ZstdCompressor(), page);
        };
    }

    private static byte[] air(Compressor c, byte[] page) {
        byte[] out = new byte[c.maxCompressedLength(page.length)];
        int n = c.compress(page, 0, page.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    /** One ELF note: namesz, descsz, type, name and desc padded to 4. */
    static byte[] note(String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int nameLen = (n.length + 3) & ~3;
        int descLen = (desc.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + nameLen + descLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n.length).putInt(desc.length).putInt(type);
        b.put(n);
        b.position(12 + nameLen);
        b.put(desc);
        return b.array();
    }

    /**
     * makedumpfile's flattened form of {@code file}: the rearranged bytes cut into records of random
     * sizes, written in a shuffled order, with some ranges first written with garbage and rewritten
     * later (later records win), and the header written twice as makedumpfile does.
     */
    static byte[] flatten(byte[] file, Random rnd, boolean endMarker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(4096);
        h.put("makedumpfile".getBytes(StandardCharsets.ISO_8859_1));
        h.putLong(16, 1).putLong(24, 1);
        out.writeBytes(h.array());
        List<long[]> chunks = new ArrayList<>();
        long pos = 0;
        while (pos < file.length) {
            long len = Math.min(file.length - pos, 1 + rnd.nextInt(6000));
            chunks.add(new long[] {pos, len});
            pos += len;
        }
        java.util.Collections.shuffle(chunks, rnd);
        // a garbage version of the first 464 bytes first, as makedumpfile writes a provisional header
        byte[] junk = new byte[Math.min(464, file.length)];
        rnd.nextBytes(junk);
        record(out, 0, junk);
        for (long[] c : chunks) {
            if (rnd.nextInt(8) == 0) {
                // overlapping garbage written before the real bytes
                long s = Math.max(0, c[0] - rnd.nextInt(100));
                long e = Math.min(file.length, c[0] + c[1] + rnd.nextInt(100));
                byte[] g = new byte[(int) (e - s)];
                rnd.nextBytes(g);
                record(out, s, g);
            }
        }
        for (long[] c : chunks) {
            record(out, c[0], Arrays.copyOfRange(file, (int) c[0], (int) (c[0] + c[1])));
        }
        if (endMarker) {
            out.writeBytes(ByteBuffer.allocate(16).putLong(-1).putLong(0).array());
        }
        return out.toByteArray();
    }

    static void record(ByteArrayOutputStream out, long offset, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(16).putLong(offset).putLong(data.length).array());
        out.writeBytes(data);
    }
}
