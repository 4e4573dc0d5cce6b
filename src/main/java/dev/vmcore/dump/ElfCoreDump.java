package dev.vmcore.dump;

import dev.vmcore.format.elf.ElfHeader;
import dev.vmcore.format.elf.ElfNote;
import dev.vmcore.format.elf.ProgramHeader;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PageState;
import dev.vmcore.memory.PagedMemory;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An ELF core dump: the kernel's /proc/vmcore copy, QEMU's dump-guest-memory, makedumpfile -E.
 * PT_LOAD segments give physical ranges (p_filesz < p_memsz: the rest reads as zeros); PT_NOTE
 * segments give the notes.
 */
public final class ElfCoreDump implements DumpFile {
    /** Bound on a note segment, far above a real dump's (a few KiB per CPU plus VMCOREINFO). */
    private static final long MAX_NOTE_BYTES = 64L << 20;
    private static final int PAGE_SIZE = 4096;
    /** makedumpfile sets e_flags bit 0 when it could not write every page (makedumpfile.c). */
    private static final int ELF_FLAG_INCOMPLETE = 1;

    private final List<Path> files;
    private final ByteSource src;
    private final boolean flattened;
    private final ElfHeader header;
    private final List<Segment> segments;
    private final List<ElfNote> notes;
    private final List<String> warnings;
    private final Memory memory;

    /** A physical range backed by the file: [paddr, paddr+fileSize) from the file, then zeros to paddr+memSize. */
    record Segment(long paddr, long vaddr, long offset, long fileSize, long memSize, long availableInFile) {
        long end() {
            return paddr + memSize;
        }
    }

    ElfCoreDump(List<Path> files, ByteSource src, boolean flattened) {
        this.files = List.copyOf(files);
        this.src = src;
        this.flattened = flattened;
        this.header = ElfHeader.read(src);
        if (header.type() != ElfHeader.ET_CORE) {
            throw new FormatException(src.name(), 16, "ELF type " + header.type() + " is not a core dump");
        }
        if (header.machine() != ElfHeader.EM_X86_64) {
            throw new FormatException(src.name(), 18, "machine " + header.machine() + " is not x86-64");
        }
        List<ProgramHeader> phdrs = ProgramHeader.readAll(src, header);
        this.warnings = new ArrayList<>();
        this.segments = loadSegments(phdrs);
        this.notes = readNotes(phdrs);
        if ((header.flags() & ELF_FLAG_INCOMPLETE) != 0) {
            warnings.add(src.name() + ": makedumpfile marked this dump incomplete; missing pages read as faults");
        }
        this.memory = new Memory();
    }

    private List<Segment> loadSegments(List<ProgramHeader> phdrs) {
        List<Segment> list = new ArrayList<>();
        for (ProgramHeader p : phdrs) {
            if (p.type() != ProgramHeader.PT_LOAD || p.memsz() == 0) {
                continue;
            }
            if (p.filesz() > p.memsz() || p.offset() < 0 || p.paddr() < 0 || p.paddr() + p.memsz() < p.paddr()) {
                throw new FormatException(src.name(), header.phoff(), "PT_LOAD at paddr 0x" + Long.toHexString(p.paddr())
                        + " has impossible sizes (filesz 0x" + Long.toHexString(p.filesz()) + ", memsz 0x"
                        + Long.toHexString(p.memsz()) + ")");
            }
            long available = Math.max(0, Math.min(p.filesz(), src.size() - p.offset()));
            if (available < p.filesz()) {
                warnings.add(String.format("%s: segment at paddr 0x%x is cut short: %d of %d bytes in the file",
                        src.name(), p.paddr(), available, p.filesz()));
            }
            list.add(new Segment(p.paddr(), p.vaddr(), p.offset(), p.filesz(), p.memsz(), available));
        }
        // The kernel writes a text segment that overlaps a RAM segment; the earlier one wins.
        list.sort(Comparator.comparingLong(Segment::paddr));
        List<Segment> disjoint = new ArrayList<>();
        long covered = 0;
        for (Segment s : list) {
            if (s.end() <= covered) {
                continue;
            }
            if (s.paddr() < covered) {
                long cut = covered - s.paddr();
                s = new Segment(covered, s.vaddr() + cut, s.offset() + cut, Math.max(0, s.fileSize() - cut),
                        s.memSize() - cut, Math.max(0, s.availableInFile() - cut));
            }
            disjoint.add(s);
            covered = s.end();
        }
        return List.copyOf(disjoint);
    }

    private List<ElfNote> readNotes(List<ProgramHeader> phdrs) {
        List<ElfNote> all = new ArrayList<>();
        for (ProgramHeader p : phdrs) {
            if (p.type() != ProgramHeader.PT_NOTE) {
                continue;
            }
            if (p.filesz() < 0 || p.filesz() > MAX_NOTE_BYTES) {
                throw new FormatException(src.name(), p.offset(), "note segment of " + p.filesz() + " bytes is implausibly large");
            }
            byte[] area = src.readBytes(p.offset(), (int) p.filesz());
            all.addAll(ElfNote.parseAll(src.name(), area, p.offset()));
        }
        return List.copyOf(all);
    }

    /** The PT_LOAD segments after sorting and overlap removal. */
    List<Segment> segments() {
        return segments;
    }

    @Override
    public List<Path> files() {
        return files;
    }

    @Override
    public DumpFormat format() {
        return new DumpFormat(DumpFormat.Container.ELF, flattened, "none");
    }

    @Override
    public PagedMemory memory() {
        return memory;
    }

    @Override
    public List<ElfNote> notes() {
        return notes;
    }

    @Override
    public Optional<String> vmcoreInfo() {
        return DumpFile.vmcoreInfoNote(notes);
    }

    @Override
    public List<HeaderField> header() {
        List<HeaderField> f = new ArrayList<>();
        f.add(new HeaderField("e_type", "ET_CORE"));
        f.add(new HeaderField("e_machine", "EM_X86_64"));
        f.add(new HeaderField("e_flags", "0x" + Integer.toHexString(header.flags())
                + ((header.flags() & ELF_FLAG_INCOMPLETE) != 0 ? " (incomplete)" : "")));
        f.add(new HeaderField("e_phoff", "0x" + Long.toHexString(header.phoff())));
        f.add(new HeaderField("e_phnum", Long.toString(header.phnum())));
        f.add(new HeaderField("e_shoff", "0x" + Long.toHexString(header.shoff())));
        f.add(new HeaderField("PT_LOAD segments", Integer.toString(segments.size())));
        for (Segment s : segments) {
            f.add(new HeaderField("PT_LOAD", String.format("paddr 0x%016x vaddr 0x%016x offset 0x%x filesz 0x%x memsz 0x%x",
                    s.paddr(), s.vaddr(), s.offset(), s.fileSize(), s.memSize())));
        }
        f.add(new HeaderField("notes", Integer.toString(notes.size())));
        return f;
    }

    @Override
    public PageCounts pageCounts() {
        long present = 0;
        long zero = 0;
        long truncated = 0;
        for (Segment s : segments) {
            long pages = pagesIn(s.paddr(), s.end());
            long inFile = pagesIn(s.paddr(), s.paddr() + s.fileSize());
            long avail = pagesIn(s.paddr(), s.paddr() + s.availableInFile());
            present += avail;
            truncated += inFile - avail;
            zero += pages - inFile;
        }
        long total = segments.isEmpty() ? 0 : memory.maxPfn();
        return new PageCounts(present, zero, 0, truncated, total);
    }

    private static long pagesIn(long start, long end) {
        return end <= start ? 0 : ((end + PAGE_SIZE - 1) / PAGE_SIZE) - (start / PAGE_SIZE);
    }

    @Override
    public int dumpLevel() {
        return -1;
    }

    @Override
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
        src.close();
    }

    /** Index of the segment containing {@code paddr}, or -1. */
    private int find(long paddr) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Segment s = segments.get(mid);
            if (paddr < s.paddr()) {
                hi = mid - 1;
            } else if (paddr >= s.end()) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private final class Memory extends PagedMemory {
        Memory() {
            super(PAGE_SIZE, DEFAULT_CACHE_PAGES);
        }

        @Override
        public long maxPfn() {
            return segments.isEmpty() ? 0 : (segments.get(segments.size() - 1).end() + PAGE_SIZE - 1) / PAGE_SIZE;
        }

        @Override
        public PageState state(long pfn) {
            long start = pfn * PAGE_SIZE;
            int i = find(start);
            if (i < 0) {
                i = find(start + PAGE_SIZE - 1);
                if (i < 0) {
                    return PageState.ABSENT;
                }
            }
            Segment s = segments.get(i);
            long rel = Math.max(start, s.paddr()) - s.paddr();
            if (rel >= s.fileSize()) {
                return PageState.ZERO;
            }
            return rel >= s.availableInFile() ? PageState.TRUNCATED : PageState.PRESENT;
        }

        /**
         * Read-ahead for a sequential reader (see PagedMemory): {@code pfn} and the whole pages after it
         * that the same segment holds in the file, with one read.
         */
        @Override
        protected int loadAhead(long pfn, byte[] buf, int maxPages) {
            long start = pfn * PAGE_SIZE;
            int i = find(start);
            if (i < 0) {
                return 0;
            }
            Segment s = segments.get(i);
            long rel = start - s.paddr();
            long inFile = Math.min(s.fileSize(), s.availableInFile()) - rel;
            int n = (int) Math.min(Math.min(maxPages, buf.length / PAGE_SIZE), inFile / PAGE_SIZE);
            if (n <= 0) {
                return 0;
            }
            src.readFully(s.offset() + rel, buf, 0, n * PAGE_SIZE);
            return n;
        }

        @Override
        protected void loadPage(long pfn, byte[] page) {
            long start = pfn * PAGE_SIZE;
            int done = 0;
            while (done < PAGE_SIZE) {
                long addr = start + done;
                int i = find(addr);
                if (i < 0) {
                    done++; // a hole inside a page: stays zero (segments are page-aligned in practice)
                    continue;
                }
                Segment s = segments.get(i);
                long rel = addr - s.paddr();
                int n = (int) Math.min(PAGE_SIZE - done, s.end() - addr);
                int fromFile = (int) Math.max(0, Math.min(n, s.availableInFile() - rel));
                if (fromFile > 0) {
                    src.readFully(s.offset() + rel, page, done, fromFile);
                }
                if (fromFile < n && rel + fromFile < s.fileSize()) {
                    throw new MemoryFault.Truncated(addr + fromFile, "the segment is cut short in " + src.name());
                }
                done += n;
            }
        }
    }
}
