package dev.vmcore.dump;

import dev.vmcore.format.elf.ElfNote;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PageState;
import dev.vmcore.memory.PagedMemory;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FileByteSource;
import dev.vmcore.util.InputFileException;
import dev.vmcore.util.VmcoreException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kdump-compressed or diskdump file (makedumpfile, QEMU's kdump-*), plain or flattened, or the
 * parts of a {@code makedumpfile --split} set read as one dump. Each file is a {@link KdumpPart};
 * reads go to the part whose pfn range holds the page.
 */
final class KdumpDump implements DumpFile {
    private static final Pattern PHYS_BASE = Pattern.compile("(?m)^NUMBER\\(phys_base\\)=(-?[0-9]+)$");

    private final List<Path> files;
    private final List<KdumpPart> parts;
    private final boolean flattened;
    private final List<String> warnings;
    private final Memory memory;
    private volatile PageCounts counts;

    private KdumpDump(List<Path> files, List<KdumpPart> parts, boolean flattened, List<String> extraWarnings) {
        this.files = List.copyOf(files);
        this.parts = List.copyOf(parts);
        this.flattened = flattened;
        List<String> w = new ArrayList<>(extraWarnings);
        for (KdumpPart p : parts) {
            w.addAll(p.warnings());
        }
        physBaseWarning(parts.get(0)).ifPresent(w::add);
        this.warnings = List.copyOf(w);
        this.memory = new Memory();
    }

    /** Opens one kdump-compressed or diskdump file (already un-flattened when {@code flattened}). */
    static DumpFile open(List<Path> files, ByteSource src, boolean flattened) {
        KdumpPart part = KdumpPart.open(src);
        List<String> extra = new ArrayList<>();
        if (src instanceof FlattenedSource f) {
            extra.addAll(f.warnings());
        }
        if (part.header().isSplit()) {
            extra.add(src.name() + ": this file is one part of a split dump (pfn 0x" + Long.toHexString(part.firstPfn())
                    + "-0x" + Long.toHexString(part.endPfn() - 1) + "); pages outside it read as not in the dump."
                    + " Give all the parts to read the whole dump");
        }
        return new KdumpDump(files, List.of(part), flattened, extra);
    }

    /** Opens the parts of a split dump (makedumpfile --split), in any order. */
    static DumpFile openSplit(List<Path> paths) {
        List<KdumpPart> parts = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        boolean flattened = false;
        try {
            for (Path p : paths) {
                FileKind kind = FileProbe.probe(p);
                FileByteSource file = FileByteSource.open(p);
                ByteSource src = file;
                try {
                    if (kind == FileKind.FLATTENED) {
                        FlattenedSource f = FlattenedSource.index(file);
                        extra.addAll(f.warnings());
                        src = f;
                        flattened = true;
                    } else if (kind != FileKind.KDUMP_COMPRESSED) {
                        throw new InputFileException(p, "is a " + kind.description()
                                + "; only kdump-compressed files can be parts of a split dump");
                    }
                    parts.add(KdumpPart.open(src));
                } catch (RuntimeException e) {
                    src.close();
                    throw e;
                }
            }
            checkSplitSet(paths, parts);
        } catch (RuntimeException e) {
            parts.forEach(KdumpPart::close);
            throw e;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> parts.get(i).firstPfn()));
        return new KdumpDump(order.stream().map(paths::get).toList(), order.stream().map(parts::get).toList(),
                flattened, extra);
    }

    /** Checks that the parts belong to one dump and cover [0, max_mapnr) without overlap. */
    private static void checkSplitSet(List<Path> paths, List<KdumpPart> parts) {
        Map<String, Integer> votes = new HashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            KdumpHeader h = parts.get(i).header();
            if (!h.isSplit()) {
                throw new InputFileException(paths.get(i), "is not part of a split dump (its split flag is not set)");
            }
            votes.merge(identity(h), 1, Integer::sum);
        }
        String ref = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        KdumpHeader refHeader = null;
        for (KdumpPart p : parts) {
            if (identity(p.header()).equals(ref)) {
                refHeader = p.header();
                break;
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            KdumpHeader h = parts.get(i).header();
            if (!identity(h).equals(ref)) {
                throw new VmcoreException(paths.get(i) + " belongs to another dump (timestamp/release differ: "
                        + h.tvSec() + "/" + h.utsname().get(2) + " vs " + refHeader.tvSec() + "/"
                        + refHeader.utsname().get(2) + ")");
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> parts.get(i).firstPfn()));
        long covered = 0;
        int prev = -1;
        for (int i : order) {
            KdumpPart p = parts.get(i);
            if (p.firstPfn() < covered) {
                throw new VmcoreException(paths.get(i) + " and " + paths.get(prev) + " overlap (both hold pfn 0x"
                        + Long.toHexString(p.firstPfn()) + "): the same part given twice?");
            }
            if (p.firstPfn() > covered) {
                throw missing(covered, p.firstPfn());
            }
            covered = p.endPfn();
            prev = i;
        }
        long max = parts.get(order.get(0)).maxPfn();
        if (covered < max) {
            throw missing(covered, max);
        }
    }

    private static VmcoreException missing(long from, long to) {
        return new VmcoreException("split dump is missing the part covering pfn 0x" + Long.toHexString(from) + "-0x"
                + Long.toHexString(to - 1));
    }

    /** What the parts of one split dump share: utsname, timestamp, block size, page count. */
    private static String identity(KdumpHeader h) {
        return String.join("\n", h.utsname()) + "\n" + h.tvSec() + "." + h.tvUsec() + "\n" + h.blockSize() + "\n"
                + h.maxMapnr();
    }

    /**
     * QEMU's dump-guest-memory (dump.c vmcoreinfo_update_phys_base, through at least 9.x) parses the
     * decimal NUMBER(phys_base) with base 16, so its sub-header phys_base is wrong when KASLR moved
     * the kernel; say so rather than let a reader trust it.
     */
    private static Optional<String> physBaseWarning(KdumpPart part) {
        KdumpHeader h = part.header();
        if (h.diskdump()) {
            return Optional.empty();
        }
        Optional<String> info = part.vmcoreInfo();
        if (info.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = PHYS_BASE.matcher(info.get());
        if (!m.find()) {
            return Optional.empty();
        }
        long real;
        try {
            real = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (real == h.physBase()) {
            return Optional.empty();
        }
        String why = "";
        try {
            if (Long.parseLong(m.group(1), 16) == h.physBase()) {
                why = " (QEMU read the decimal value as hex)";
            }
        } catch (NumberFormatException e) {
            // not hex-parsable: some other writer's mistake
        }
        return Optional.of(part.name() + ": the sub-header's phys_base 0x" + Long.toHexString(h.physBase())
                + " disagrees with VMCOREINFO NUMBER(phys_base) = 0x" + Long.toHexString(real) + why
                + "; use the VMCOREINFO value");
    }

    /** The parts, in pfn order (one for a plain dump). */
    List<KdumpPart> parts() {
        return parts;
    }

    @Override
    public List<Path> files() {
        return files;
    }

    @Override
    public DumpFormat format() {
        KdumpHeader h = parts.get(0).header();
        return new DumpFormat(h.diskdump() ? DumpFormat.Container.DISKDUMP : DumpFormat.Container.KDUMP, flattened,
                h.compression());
    }

    @Override
    public PagedMemory memory() {
        return memory;
    }

    @Override
    public List<ElfNote> notes() {
        return parts.get(0).notes();
    }

    @Override
    public Optional<String> vmcoreInfo() {
        return parts.get(0).vmcoreInfo();
    }

    @Override
    public List<HeaderField> header() {
        List<HeaderField> f = new ArrayList<>(parts.get(0).header().fields());
        if (parts.size() > 1) {
            for (KdumpPart p : parts) {
                f.add(new HeaderField("split part", String.format("%s: pfn 0x%x-0x%x", p.name(), p.firstPfn(),
                        p.endPfn() - 1)));
            }
        }
        return f;
    }

    @Override
    public PageCounts pageCounts() {
        PageCounts c = counts;
        if (c == null) {
            long present = 0;
            long zero = 0;
            long excluded = 0;
            long truncated = 0;
            for (KdumpPart p : parts) {
                PageCounts pc = p.countPages();
                present += pc.present();
                zero += pc.zero();
                excluded += pc.excluded();
                truncated += pc.truncated();
            }
            c = new PageCounts(present, zero, excluded, truncated, memory.maxPfn());
            counts = c;
        }
        return c;
    }

    @Override
    public int dumpLevel() {
        return parts.get(0).header().dumpLevel();
    }

    @Override
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public void close() {
        parts.forEach(KdumpPart::close);
    }

    /** The part holding {@code pfn}, or null. */
    private KdumpPart part(long pfn) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        for (KdumpPart p : parts) {
            if (pfn >= p.firstPfn() && pfn < p.endPfn()) {
                return p;
            }
        }
        return null;
    }

    private final class Memory extends PagedMemory {
        Memory() {
            super(parts.get(0).header().blockSize(), DEFAULT_CACHE_PAGES);
        }

        @Override
        public PageState state(long pfn) {
            KdumpPart p = part(pfn);
            return p == null ? PageState.ABSENT : p.state(pfn);
        }

        @Override
        protected void loadPage(long pfn, byte[] page) {
            KdumpPart p = part(pfn);
            if (p == null) {
                throw new MemoryFault.NotInDump(pfn * pageSize());
            }
            p.load(pfn, page);
        }

        @Override
        protected int loadAhead(long pfn, byte[] page, int maxPages) {
            KdumpPart p = part(pfn);
            return p == null ? 0 : p.loadAhead(pfn, page, maxPages);
        }

        @Override
        public long maxPfn() {
            long max = 0;
            for (KdumpPart p : parts) {
                max = Math.max(max, p.maxPfn());
            }
            return max;
        }

        @Override
        protected MemoryFault fault(long paddr, PageState state) {
            return switch (state) {
                case EXCLUDED -> new MemoryFault.Excluded(paddr, dumpLevel());
                case TRUNCATED -> {
                    KdumpPart p = part(Long.divideUnsigned(paddr, pageSize()));
                    yield new MemoryFault.Truncated(paddr, "the dump is incomplete or cut short"
                            + (p != null ? " (" + p.name() + ")" : ""));
                }
                default -> new MemoryFault.NotInDump(paddr);
            };
        }
    }
}
