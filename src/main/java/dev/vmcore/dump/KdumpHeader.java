package dev.vmcore.dump;

import dev.vmcore.dump.DumpFile.HeaderField;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The headers of a kdump-compressed or diskdump file: {@code struct disk_dump_header} in block 0 and,
 * for kdump-compressed, {@code struct kdump_sub_header} in block 1 (makedumpfile diskdump_mod.h;
 * x86-64 layout: disk_dump_header is 464 bytes, kdump_sub_header 104). Sub-header fields newer than
 * the file's header_version are not read and stay zero.
 *
 * @param diskdump true for the old "DISKDUMP" signature, which has no kdump sub-header
 * @param utsname sysname, nodename, release, version, machine, domainname
 * @param maxMapnr the page count in force: max_mapnr_64 from header_version 6, else the 32-bit field
 * @param startPfn start of this file's pfn range (split dumps): start_pfn_64 from version 6
 * @param endPfn end (exclusive) of this file's pfn range: end_pfn_64 from version 6
 */
record KdumpHeader(boolean diskdump, int headerVersion, List<String> utsname, long tvSec, long tvUsec, long status,
                   int blockSize, int subHdrSize, long bitmapBlocks, long maxMapnr32, long totalRamBlocks,
                   long deviceBlocks, long writtenBlocks, long currentCpu, int nrCpus,
                   long physBase, int dumpLevel, int split, long startPfn32, long endPfn32,
                   long offsetVmcoreinfo, long sizeVmcoreinfo, long offsetNote, long sizeNote,
                   long offsetEraseinfo, long sizeEraseinfo, long startPfn64, long endPfn64, long maxMapnr64,
                   long maxMapnr, long startPfn, long endPfn) {

    static final String KDUMP_SIGNATURE = "KDUMP   ";
    static final String DISKDUMP_SIGNATURE = "DISKDUMP";
    static final int HEADER_SIZE = 464;
    static final int SUB_HEADER_SIZE = 104;
    static final int MIN_BLOCK_SIZE = 1024;
    static final int MAX_BLOCK_SIZE = 1 << 18;
    /** Status flags (diskdump_mod.h). */
    static final long STATUS_INCOMPLETE = 0x8;
    static final long STATUS_EXCLUDED_VMEMMAP = 0x10;
    private static final String[] UTS_NAMES = {"sysname", "nodename", "release", "version", "machine", "domainname"};
    private static final int UTS_LEN = 65;

    /** Reads and checks both headers of {@code src}. */
    static KdumpHeader read(ByteSource src) {
        if (src.size() < HEADER_SIZE) {
            throw new FormatException(src.name(), 0, "file of " + src.size() + " bytes ends inside the "
                    + HEADER_SIZE + "-byte disk_dump_header");
        }
        ByteCursor c = src.cursor(0, HEADER_SIZE);
        String sig = new String(c.bytes(8), java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean diskdump;
        if (sig.equals(KDUMP_SIGNATURE)) {
            diskdump = false;
        } else if (sig.equals(DISKDUMP_SIGNATURE)) {
            diskdump = true;
        } else {
            throw new FormatException(src.name(), 0, "signature is not \"KDUMP   \" or \"DISKDUMP\"");
        }
        int version = c.s32();
        List<String> uts = new ArrayList<>();
        for (int i = 0; i < UTS_NAMES.length; i++) {
            uts.add(c.fixedString(UTS_LEN));
        }
        c.seek(408); // struct timeval is 8-aligned after the 390 bytes of utsname
        long tvSec = c.u64();
        long tvUsec = c.u64();
        long status = c.u32();
        int blockSize = c.s32();
        int subHdrSize = c.s32();
        long bitmapBlocks = c.u32();
        long maxMapnr32 = c.u32();
        long totalRam = c.u32();
        long device = c.u32();
        long written = c.u32();
        long currentCpu = c.u32();
        int nrCpus = c.s32();
        if (version < 0) {
            throw new FormatException(src.name(), 8, "negative header_version " + version);
        }
        if (Integer.bitCount(blockSize) != 1 || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new FormatException(src.name(), 428, "block_size " + blockSize
                    + " is not a power of two between " + MIN_BLOCK_SIZE + " and " + MAX_BLOCK_SIZE);
        }
        if (subHdrSize < 0) {
            throw new FormatException(src.name(), 432, "negative sub_hdr_size " + subHdrSize);
        }
        if (bitmapBlocks == 0) {
            throw new FormatException(src.name(), 436, "bitmap_blocks is 0");
        }
        if (diskdump) {
            return new KdumpHeader(true, version, List.copyOf(uts), tvSec, tvUsec, status, blockSize, subHdrSize,
                    bitmapBlocks, maxMapnr32, totalRam, device, written, currentCpu, nrCpus,
                    0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, maxMapnr32, 0, maxMapnr32);
        }
        if (src.size() < (long) blockSize + SUB_HEADER_SIZE) {
            throw new FormatException(src.name(), blockSize, "file ends inside the kdump_sub_header");
        }
        ByteCursor s = src.cursor(blockSize, SUB_HEADER_SIZE);
        long physBase = s.u64();
        int dumpLevel = version >= 1 ? s.s32() : -1;
        int split = 0;
        long startPfn = 0;
        long endPfn = 0;
        if (version >= 2) {
            split = s.seek(12).s32();
            startPfn = s.u64();
            endPfn = s.u64();
        }
        long[] v = new long[9];
        int[] minVersion = {3, 3, 4, 4, 5, 5, 6, 6, 6};
        s.seek(32);
        for (int i = 0; i < v.length; i++) {
            long x = s.u64();
            v[i] = version >= minVersion[i] ? x : 0;
        }
        long maxMapnr = version >= 6 ? v[8] : maxMapnr32;
        long start = version >= 6 ? v[6] : startPfn;
        long end = version >= 6 ? v[7] : endPfn;
        if (maxMapnr < 0) {
            throw new FormatException(src.name(), blockSize + 96L, "max_mapnr_64 0x" + Long.toHexString(maxMapnr)
                    + " is beyond any physical address");
        }
        return new KdumpHeader(false, version, List.copyOf(uts), tvSec, tvUsec, status, blockSize, subHdrSize,
                bitmapBlocks, maxMapnr32, totalRam, device, written, currentCpu, nrCpus, physBase, dumpLevel, split,
                startPfn, endPfn, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], maxMapnr, start, end);
    }

    /** True for one part of a {@code makedumpfile --split} set. */
    boolean isSplit() {
        return !diskdump && headerVersion >= 2 && split != 0;
    }

    boolean incomplete() {
        return (status & STATUS_INCOMPLETE) != 0;
    }

    /** File offset of the first bitmap. */
    long bitmapOffset() {
        return (long) blockSize * (1L + subHdrSize);
    }

    /** Size in bytes of both bitmaps together. */
    long bitmapBytes() {
        return (long) blockSize * bitmapBlocks;
    }

    /** File offset of the page descriptor array. */
    long descriptorOffset() {
        return bitmapOffset() + bitmapBytes();
    }

    /**
     * True when the file holds two bitmaps (RAM, then dumped); old diskdump files may hold one. Same
     * test as crash's dump_is_partial().
     */
    boolean twoBitmaps() {
        long perBitmap = ((maxMapnr + 7) / 8 + blockSize - 1) / blockSize;
        return bitmapBlocks >= perBitmap * 2;
    }

    /** Compression names from the status flags, "none" when no flag is set. */
    String compression() {
        List<String> n = PageDecompressor.names(status);
        return n.isEmpty() ? "none" : String.join("+", n);
    }

    /** The fields in file order with crash's names, for {@code help -D}. */
    List<HeaderField> fields() {
        List<HeaderField> f = new ArrayList<>();
        f.add(new HeaderField("signature", "\"" + (diskdump ? DISKDUMP_SIGNATURE : KDUMP_SIGNATURE) + "\""));
        f.add(new HeaderField("header_version", Integer.toString(headerVersion)));
        for (int i = 0; i < UTS_NAMES.length; i++) {
            f.add(new HeaderField("utsname." + UTS_NAMES[i], utsname.get(i)));
        }
        f.add(new HeaderField("timestamp", timestamp()));
        f.add(new HeaderField("status", "0x" + Long.toHexString(status) + statusNames()));
        f.add(new HeaderField("block_size", Integer.toString(blockSize)));
        f.add(new HeaderField("sub_hdr_size", Integer.toString(subHdrSize)));
        f.add(new HeaderField("bitmap_blocks", Long.toString(bitmapBlocks)));
        f.add(new HeaderField("max_mapnr", Long.toString(maxMapnr32)));
        f.add(new HeaderField("total_ram_blocks", Long.toString(totalRamBlocks)));
        f.add(new HeaderField("device_blocks", Long.toString(deviceBlocks)));
        f.add(new HeaderField("written_blocks", Long.toString(writtenBlocks)));
        f.add(new HeaderField("current_cpu", Long.toString(currentCpu)));
        f.add(new HeaderField("nr_cpus", Integer.toString(nrCpus)));
        if (diskdump) {
            return f;
        }
        f.add(new HeaderField("phys_base", hex(physBase)));
        if (headerVersion >= 1) {
            f.add(new HeaderField("dump_level", dumpLevel + " (0x" + Integer.toHexString(dumpLevel) + ")"
                    + dumpLevelNames(dumpLevel)));
        }
        if (headerVersion >= 2) {
            f.add(new HeaderField("split", Integer.toString(split)));
            f.add(new HeaderField("start_pfn", split != 0 && headerVersion < 6 ? hex(startPfn32) : "(unused)"));
            f.add(new HeaderField("end_pfn", split != 0 && headerVersion < 6 ? hex(endPfn32) : "(unused)"));
        }
        if (headerVersion >= 3) {
            f.add(new HeaderField("offset_vmcoreinfo", hex(offsetVmcoreinfo)));
            f.add(new HeaderField("size_vmcoreinfo", hex(sizeVmcoreinfo)));
        }
        if (headerVersion >= 4) {
            f.add(new HeaderField("offset_note", hex(offsetNote)));
            f.add(new HeaderField("size_note", hex(sizeNote)));
        }
        if (headerVersion >= 5) {
            f.add(new HeaderField("offset_eraseinfo", hex(offsetEraseinfo)));
            f.add(new HeaderField("size_eraseinfo", hex(sizeEraseinfo)));
        }
        if (headerVersion >= 6) {
            f.add(new HeaderField("start_pfn_64", split != 0 ? hex(startPfn64) : "(unused)"));
            f.add(new HeaderField("end_pfn_64", split != 0 ? hex(endPfn64) : "(unused)"));
            f.add(new HeaderField("max_mapnr_64", maxMapnr64 + " (0x" + Long.toHexString(maxMapnr64) + ")"));
        }
        return f;
    }

    private String timestamp() {
        if (tvSec == 0 && tvUsec == 0) {
            return "0 (not set)";
        }
        String when;
        try {
            when = Instant.ofEpochSecond(tvSec).toString();
        } catch (java.time.DateTimeException e) {
            when = "out of range";
        }
        return tvSec + "." + String.format("%06d", tvUsec) + " (" + when + ")";
    }

    private String statusNames() {
        String[] names = {"DUMP_DH_COMPRESSED_ZLIB", "DUMP_DH_COMPRESSED_LZO", "DUMP_DH_COMPRESSED_SNAPPY",
            "DUMP_DH_COMPRESSED_INCOMPLETE", "DUMP_DH_EXCLUDED_VMEMMAP", "DUMP_DH_COMPRESSED_ZSTD"};
        return flagNames(status, names);
    }

    /** makedumpfile's -d bits: zero, cache, cache_private, user, free pages. */
    private static String dumpLevelNames(int level) {
        String[] names = {"DUMP_EXCLUDE_ZERO", "DUMP_EXCLUDE_CACHE", "DUMP_EXCLUDE_CACHE_PRI", "DUMP_EXCLUDE_USER_DATA",
            "DUMP_EXCLUDE_FREE"};
        return flagNames(level & 0x1f, names);
    }

    private static String flagNames(long value, String[] names) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if ((value & (1L << i)) != 0) {
                set.add(names[i]);
            }
        }
        long unknown = value & ~((1L << names.length) - 1);
        if (unknown != 0) {
            set.add("0x" + Long.toHexString(unknown));
        }
        return set.isEmpty() ? "" : " (" + String.join("|", set) + ")";
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
