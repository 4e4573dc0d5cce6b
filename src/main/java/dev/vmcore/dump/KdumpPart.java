package dev.vmcore.dump;

import dev.vmcore.format.elf.ElfNote;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PageCache;
import dev.vmcore.memory.PageState;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pages of one kdump-compressed or diskdump file (or one part of a split set): headers, both
 * bitmaps with their rank index, the page descriptor array and the page data. No cache of page
 * contents (the memory above it has one) but a small cache of descriptor blocks.
 *
 * <p>A page's descriptor index is the number of set bits of the 2nd (dumped) bitmap from the file's
 * first pfn up to the page, as crash's pfn_to_pos(). Descriptors are {off_t offset, u32 size,
 * u32 flags, u64 page_flags}; an offset of 0 marks a page makedumpfile never wrote (incomplete dump).
 */
final class KdumpPart {
    static final int DESC_SIZE = 24;
    /** Bound on the note area; real dumps hold a few KiB per CPU. */
    static final long MAX_NOTE_BYTES = 64L << 20;
    /** Bound on the VMCOREINFO text (the kernel's buffer is one page). */
    static final long MAX_VMCOREINFO_BYTES = 1L << 20;
    private static final int DESCS_PER_BLOCK = 170;
    private static final int DESC_BLOCK = DESCS_PER_BLOCK * DESC_SIZE;

    private final ByteSource src;
    private final KdumpHeader header;
    private final DumpBitmap ram;
    private final DumpBitmap dumped;
    private final long maxPfn;
    private final long firstPfn;
    private final long endPfn;
    private final long rankBase;
    private final long descCount;
    private final long zeroOffset;
    /** How far back from the last descriptor to look for page data when checking for a cut-short file. */
    private static final long MAX_DESCRIPTORS_BACK = 1 << 16;
    private final boolean cutShort;
    private final List<ElfNote> notes;
    private final Optional<String> subHeaderVmcoreinfo;
    private final List<String> warnings = new ArrayList<>();
    private final PageCache descBlocks = new PageCache(64);
    /**
     * Per thread: the last page looked up and its descriptor, and a buffer for compressed data. A read
     * asks {@link #state} and then {@link #load} for the same pfn; the memo spares the second rank and
     * descriptor-block lookup, the buffer an allocation per page.
     */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** One page descriptor, with where it was read for messages. */
    record Descriptor(long offset, long size, int flags, long pageFlags, long at) {
    }

    private static final class Scratch {
        long pfn = -1;
        Descriptor descriptor;
        byte[] data = new byte[0];
        byte[] span = new byte[0];
        Descriptor[] run = new Descriptor[0];
    }

    private KdumpPart(ByteSource src) {
        this.src = src;
        this.header = KdumpHeader.read(src);
        long bitmapOffset = header.bitmapOffset();
        long half = header.twoBitmaps() ? header.bitmapBytes() / 2 : header.bitmapBytes();
        this.maxPfn = Math.min(header.maxMapnr(), half * 8);
        this.ram = DumpBitmap.read(src, bitmapOffset, half, maxPfn);
        this.dumped = header.twoBitmaps() ? DumpBitmap.read(src, bitmapOffset + half, half, maxPfn) : ram;
        if (header.isSplit()) {
            this.firstPfn = Math.min(Math.max(0, header.startPfn()), maxPfn);
            this.endPfn = Math.max(firstPfn, Math.min(header.endPfn(), maxPfn));
        } else {
            this.firstPfn = 0;
            this.endPfn = maxPfn;
        }
        this.rankBase = dumped.rank(firstPfn);
        this.descCount = dumped.rank(endPfn) - rankBase;
        long descEnd = header.descriptorOffset() + descCount * DESC_SIZE;
        long knownEnd = Math.min(ram.knownBits(), dumped.knownBits());
        boolean shortFile = header.incomplete();
        if (knownEnd < endPfn) {
            shortFile = true;
            warnings.add(name() + ": the file ends inside the page bitmaps (cut short?): pages from pfn 0x"
                    + Long.toHexString(Math.max(knownEnd, firstPfn)) + " on cannot be read");
        }
        if (header.incomplete()) {
            warnings.add(name() + ": makedumpfile marked this dump incomplete (DUMP_DH_COMPRESSED_INCOMPLETE):"
                    + " pages it could not write read as missing");
        }
        if (descEnd > src.size()) {
            shortFile = true;
            long have = Math.max(0, (src.size() - header.descriptorOffset()) / DESC_SIZE);
            warnings.add(name() + ": the file ends inside the page descriptors (cut short?): " + have + " of "
                    + descCount + " present");
        } else if (descCount > 0) {
            Descriptor last = lastDataDescriptor(findZeroPage(descEnd));
            if (last != null && last.offset() > 0 && last.offset() + last.size() > src.size()) {
                shortFile = true;
                warnings.add(name() + ": the file is cut short: page data runs to 0x"
                        + Long.toHexString(last.offset() + last.size()) + " but the file ends at 0x"
                        + Long.toHexString(src.size()));
            }
        }
        this.cutShort = shortFile;
        this.zeroOffset = findZeroPage(descEnd);
        this.notes = readNotes();
        this.subHeaderVmcoreinfo = readVmcoreinfo();
    }

    /** Opens the headers and bitmaps of {@code src}; problems that leave it usable go to {@link #warnings}. */
    static KdumpPart open(ByteSource src) {
        return new KdumpPart(src);
    }

    String name() {
        return src.name();
    }

    KdumpHeader header() {
        return header;
    }

    /** The pfn range this file serves: [0, max_mapnr), or its part's range of a split set. */
    long firstPfn() {
        return firstPfn;
    }

    long endPfn() {
        return endPfn;
    }

    /** max_mapnr, cut to what the bitmaps can describe. */
    long maxPfn() {
        return maxPfn;
    }

    List<ElfNote> notes() {
        return notes;
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The sub-header's VMCOREINFO text, else the VMCOREINFO note's. */
    Optional<String> vmcoreInfo() {
        return subHeaderVmcoreinfo.isPresent() ? subHeaderVmcoreinfo : DumpFile.vmcoreInfoNote(notes);
    }

    void close() {
        src.close();
    }

    /** What the file holds for {@code pfn}. Reads the page's descriptor, not its data. */
    PageState state(long pfn) {
        PageState s = bitmapState(pfn);
        if (s != PageState.PRESENT) {
            return s;
        }
        return descriptorState(descriptorOf(pfn));
    }

    /** The descriptor of {@code pfn} (dumped per the bitmaps), or null when the file ends before it. */
    private Descriptor descriptorOf(long pfn) {
        Scratch s = scratch.get();
        if (s.pfn != pfn) {
            s.descriptor = descriptor(descIndex(pfn));
            s.pfn = pfn;
        }
        return s.descriptor;
    }

    /** Fills {@code page} with page frame {@code pfn}, whose state is PRESENT. */
    void load(long pfn, byte[] page) {
        long paddr = pfn * header.blockSize();
        Descriptor d = descriptorOf(pfn);
        if (d == null || d.offset() == 0) {
            throw new MemoryFault.Truncated(paddr, "its page descriptor is missing from " + name());
        }
        if (d.size() <= 0 || d.size() > 2L * header.blockSize()) {
            throw new FormatException(name(), d.at(), "page descriptor of pfn 0x" + Long.toHexString(pfn)
                    + " has impossible size " + d.size() + " (block size " + header.blockSize() + ")");
        }
        if (d.offset() < 0 || d.offset() > src.size() - d.size()) {
            if (cutShort && d.offset() > 0) {
                throw new MemoryFault.Truncated(paddr, "its data lies past the end of " + name() + " (cut short)");
            }
            throw new FormatException(name(), d.at(), "page descriptor of pfn 0x" + Long.toHexString(pfn)
                    + " points outside the file (data at 0x" + Long.toHexString(d.offset()) + ", " + d.size()
                    + " bytes; file size 0x" + Long.toHexString(src.size()) + ")");
        }
        int size = (int) d.size();
        Scratch s = scratch.get();
        if (s.data.length < size) {
            s.data = new byte[2 * header.blockSize()];
        }
        src.readFully(d.offset(), s.data, 0, size);
        PageDecompressor.decompress(name(), d.offset(), d.flags(), s.data, size, page);
    }

    /**
     * Read-ahead (PagedMemory.loadAhead): {@code pfn}, whose state is PRESENT, and the page frames right
     * after it in this file's range that are PRESENT with their data following on in the file (makedumpfile
     * and QEMU write page data in pfn order), or ZERO, into {@code buf}: one read for all their data,
     * then a decompression each. Stops at any other page, or at a descriptor that {@link #load} would
     * refuse. Returns the number of pages put in {@code buf}, 0 if {@code pfn} itself does not qualify.
     */
    int loadAhead(long pfn, byte[] buf, int maxPages) {
        int bs = header.blockSize();
        int max = (int) Math.min(Math.min(maxPages, buf.length / bs), endPfn - pfn);
        if (max <= 0 || bitmapState(pfn) != PageState.PRESENT) {
            return 0;
        }
        Scratch sc = scratch.get();
        if (sc.run.length < max) {
            sc.run = new Descriptor[max];
        }
        Descriptor[] run = sc.run;
        long first = descIndex(pfn);
        long spanStart = -1;
        long spanEnd = -1;
        int n = 0;
        for (; n < max; n++) {
            long p = pfn + n;
            if (n > 0 && bitmapState(p) != PageState.PRESENT) {
                break;
            }
            Descriptor d = descriptor(first + n);
            PageState st = descriptorState(d);
            if (st == PageState.ZERO) {
                run[n] = null;
                continue;
            }
            if (st != PageState.PRESENT || d.size() <= 0 || d.size() > 2L * bs || d.offset() < 0
                    || d.offset() > src.size() - d.size()) {
                break;
            }
            if (spanStart < 0) {
                spanStart = d.offset();
            } else if (d.offset() != spanEnd || spanEnd + d.size() - spanStart > 2L * bs * max) {
                break;
            }
            spanEnd = d.offset() + d.size();
            run[n] = d;
        }
        if (n == 0 || spanStart < 0) {
            return 0; // pfn itself is not readable this way (or all zero pages): load() says why
        }
        int spanLen = (int) (spanEnd - spanStart);
        if (sc.span.length < spanLen) {
            sc.span = new byte[(int) (2L * bs * Math.max(max, maxPages))];
        }
        src.readFully(spanStart, sc.span, 0, spanLen);
        for (int k = 0; k < n; k++) {
            Descriptor d = run[k];
            if (d == null) {
                java.util.Arrays.fill(buf, k * bs, (k + 1) * bs, (byte) 0);
            } else {
                try {
                    PageDecompressor.decompress(name(), d.offset(), d.flags(), sc.span, (int) (d.offset() - spanStart),
                            (int) d.size(), buf, k * bs, bs);
                } catch (FormatException e) {
                    if (k == 0) {
                        throw e;
                    }
                    n = k; // a bad page later in the run faults when it is read, not now
                    break;
                }
            }
        }
        java.util.Arrays.fill(run, 0, max, null);
        return n;
    }

    /** Counts of the pages in this file's range, by a sequential pass over bitmaps and descriptors. */
    DumpFile.PageCounts countPages() {
        long present = 0;
        long zero = 0;
        long truncated = 0;
        long known = Math.max(firstPfn, Math.min(endPfn, Math.min(ram.knownBits(), dumped.knownBits())));
        DescriptorStream stream = new DescriptorStream();
        long index = 0;
        for (long pfn = dumped.nextSet(firstPfn); pfn >= 0 && pfn < known; pfn = dumped.nextSet(pfn + 1)) {
            Descriptor d = stream.get(index++);
            if (!ram.get(pfn)) {
                continue;
            }
            switch (descriptorState(d)) {
                case ZERO -> zero++;
                case TRUNCATED -> truncated++;
                default -> present++;
            }
        }
        long ramPages = ram.rank(known) - ram.rank(firstPfn);
        long excluded = Math.max(0, ramPages - present - zero - truncated);
        truncated += endPfn - known;
        return new DumpFile.PageCounts(present, zero, excluded, truncated, 0);
    }

    private PageState bitmapState(long pfn) {
        if (pfn < firstPfn || pfn >= endPfn) {
            return PageState.ABSENT;
        }
        if (!ram.known(pfn) || !dumped.known(pfn)) {
            return PageState.TRUNCATED;
        }
        if (!ram.get(pfn)) {
            return PageState.ABSENT;
        }
        return dumped.get(pfn) ? PageState.PRESENT : PageState.EXCLUDED;
    }

    private PageState descriptorState(Descriptor d) {
        if (d == null || d.offset() == 0) {
            return PageState.TRUNCATED;
        }
        if (d.offset() == zeroOffset && d.size() == header.blockSize() && compression(d) == 0) {
            return PageState.ZERO;
        }
        if (cutShort && d.offset() > 0 && d.size() >= 0 && d.offset() > src.size() - d.size()) {
            return PageState.TRUNCATED;
        }
        return PageState.PRESENT;
    }

    private static int compression(Descriptor d) {
        return d.flags() & (PageDecompressor.ZLIB | PageDecompressor.LZO | PageDecompressor.SNAPPY
                | PageDecompressor.ZSTD);
    }

    private long descIndex(long pfn) {
        return dumped.rank(pfn) - rankBase;
    }

    /** The descriptor at {@code index}, or null when the file ends before it. */
    Descriptor descriptor(long index) {
        if (index < 0 || index >= descCount) {
            return null;
        }
        long block = index / DESCS_PER_BLOCK;
        byte[] bytes = descBlocks.get(block);
        if (bytes == null) {
            long at = header.descriptorOffset() + block * DESC_BLOCK;
            int n = (int) Math.max(0, Math.min(DESC_BLOCK, src.size() - at));
            bytes = new byte[n];
            if (n > 0) {
                src.readFully(at, bytes, 0, n);
            }
            descBlocks.put(block, bytes);
        }
        int in = (int) (index % DESCS_PER_BLOCK) * DESC_SIZE;
        if (in + DESC_SIZE > bytes.length) {
            return null;
        }
        return decode(bytes, in, header.descriptorOffset() + index * DESC_SIZE);
    }

    private static Descriptor decode(byte[] b, int p, long at) {
        return new Descriptor(ByteCursor.getLong(b, p), ByteCursor.getInt(b, p + 8) & 0xffffffffL,
                ByteCursor.getInt(b, p + 12), ByteCursor.getLong(b, p + 16), at);
    }

    /** Reads descriptors in order with large reads, for counting. */
    private final class DescriptorStream {
        private static final int BATCH = 4096;
        private final byte[] buf = new byte[BATCH * DESC_SIZE];
        private long first = -1;
        private int valid;

        Descriptor get(long index) {
            if (index >= descCount) {
                return null;
            }
            if (first < 0 || index < first || index >= first + BATCH) {
                first = index;
                long at = header.descriptorOffset() + index * DESC_SIZE;
                long avail = Math.max(0, Math.min(buf.length, Math.min(descCount - index, BATCH) * DESC_SIZE));
                avail = Math.max(0, Math.min(avail, src.size() - at));
                valid = (int) avail;
                if (valid > 0) {
                    src.readFully(at, buf, 0, valid);
                }
            }
            int p = (int) (index - first) * DESC_SIZE;
            if (p + DESC_SIZE > valid) {
                return null;
            }
            return decode(buf, p, header.descriptorOffset() + index * DESC_SIZE);
        }
    }

    /**
     * makedumpfile and QEMU write one all-zero block first in the data area and point every zero
     * page's descriptor at it (QEMU dump.c write_dump_pages, makedumpfile write_kdump_pages: pd_zero).
     * Returns that offset if the block there is all zeros, else -1.
     */
    /**
     * The last descriptor that is not the shared zero page: the one whose data ends the file.
     * makedumpfile -d 31 often ends with zero pages, whose shared block lies at the start of the
     * data and would hide a file cut short. Looks back a bounded number of descriptors.
     */
    private Descriptor lastDataDescriptor(long zeroPage) {
        long stop = Math.max(0, descCount - MAX_DESCRIPTORS_BACK);
        for (long i = descCount - 1; i >= stop; i--) {
            Descriptor d = descriptor(i);
            if (d != null && d.offset() != zeroPage) {
                return d;
            }
        }
        return null;
    }

    private long findZeroPage(long dataStart) {
        int bs = header.blockSize();
        if (dataStart <= 0 || dataStart > src.size() - bs) {
            return -1;
        }
        byte[] block = src.readBytes(dataStart, bs);
        for (byte b : block) {
            if (b != 0) {
                return -1;
            }
        }
        return dataStart;
    }

    private List<ElfNote> readNotes() {
        if (header.diskdump() || header.headerVersion() < 4 || header.offsetNote() == 0 || header.sizeNote() == 0) {
            return List.of();
        }
        long off = header.offsetNote();
        long size = header.sizeNote();
        if (off < 0 || size < 0 || size > MAX_NOTE_BYTES) {
            warnings.add(name() + ": ignoring the ELF notes: offset_note 0x" + Long.toHexString(off) + ", size_note "
                    + size + " are implausible");
            return List.of();
        }
        long avail = Math.max(0, Math.min(size, src.size() - off));
        if (avail < size) {
            warnings.add(name() + ": the ELF notes are cut short: " + avail + " of " + size + " bytes in the file");
        }
        try {
            return List.copyOf(ElfNote.parseAll(name(), src.readBytes(off, (int) avail), off));
        } catch (FormatException e) {
            warnings.add("ignoring the ELF notes: " + e.getMessage());
            return List.of();
        }
    }

    private Optional<String> readVmcoreinfo() {
        if (header.diskdump() || header.headerVersion() < 3 || header.offsetVmcoreinfo() == 0
                || header.sizeVmcoreinfo() == 0) {
            return Optional.empty();
        }
        long off = header.offsetVmcoreinfo();
        long size = header.sizeVmcoreinfo();
        if (off < 0 || size < 0 || size > MAX_VMCOREINFO_BYTES || off > src.size() - size) {
            warnings.add(name() + ": ignoring the sub-header's VMCOREINFO (offset 0x" + Long.toHexString(off)
                    + ", size " + size + " lie outside the file or are implausible)");
            return Optional.empty();
        }
        String text = new String(src.readBytes(off, (int) size), StandardCharsets.ISO_8859_1);
        return Optional.of(text.replaceAll("\0+$", ""));
    }
}
