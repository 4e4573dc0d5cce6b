package dev.vmcore.format.elf;

import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FileByteSource;
import dev.vmcore.util.FormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The section headers, symbol table, build id and kernel banner of an ELF64 little-endian file
 * (a vmlinux or a .ko), read with positional reads over a {@link ByteSource}.
 *
 * <p>Opening reads only the file header and the section headers; {@link #symbols()} reads
 * {@code .symtab} and its string table with one read each, on first use. jelf 0.12.0 is not used
 * here: asking it for any section builds every symbol or relocation of that section through
 * byte-at-a-time reads, which took seconds on a 560 MB vmlinux (see the package notes).
 */
public final class ElfSymbols implements AutoCloseable {
    /** Upper bound on sections; a vmlinux has about 80, a .ko built with -ffunction-sections some thousands. */
    static final int MAX_SECTIONS = 1 << 20;
    /** Longest linux_banner read. */
    static final int MAX_BANNER = 1024;
    static final int SYM_SIZE = 24;

    private final ByteSource src;
    private final boolean ownsSource;
    private final ElfHeader header;
    private final List<ElfSection> sections;
    private List<ElfSymbol> symbols;
    private Optional<Symtab> symtab;

    private ElfSymbols(ByteSource src, boolean ownsSource) {
        this.src = src;
        this.ownsSource = ownsSource;
        this.header = ElfHeader.read(src);
        this.sections = readSections();
    }

    /** Opens {@code path} and reads its section headers; the file stays open until {@link #close}. */
    public static ElfSymbols open(Path path) {
        FileByteSource f = FileByteSource.open(path);
        try {
            return new ElfSymbols(f, true);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Reads the section headers of {@code src}; the caller keeps ownership of it. */
    public static ElfSymbols read(ByteSource src) {
        return new ElfSymbols(src, false);
    }

    public String name() {
        return src.name();
    }

    public ElfHeader header() {
        return header;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    /** The first section named {@code name}. */
    public Optional<ElfSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The bytes of {@code s} as a window onto the file (nothing is read until asked). */
    public ByteSource contents(ElfSection s) {
        if (!s.hasContents()) {
            return src.slice(0, 0);
        }
        return src.slice(s.offset(), s.size());
    }

    /** sh_flags bit of a section stored compressed behind an Elf64_Chdr. */
    static final long SHF_COMPRESSED = 0x800;
    static final int ELFCOMPRESS_ZLIB = 1;
    static final int ELFCOMPRESS_ZSTD = 2;
    static final int SHT_RELA = 4;

    /**
     * The contents of section {@code name} in one array (for debug sections, which a reader keeps
     * whole): decompressed when SHF_COMPRESSED (zlib or zstd), and in a relocatable file (a .ko)
     * with the relocations of the section's SHT_RELA section applied (R_X86_64_64, _32, _32S,
     * symbol value + addend; the others are left alone). Empty when there is no such section.
     * Prefer {@link #sectionBuffer(String)} for large sections: it does not copy them into the heap.
     */
    public Optional<byte[]> sectionData(String name) {
        return sectionData(name, sec -> 0);
    }

    /**
     * As {@link #sectionData(String)}, relocating a relocatable file as if each section {@code s}
     * were loaded at {@code sectionAddress.applyAsLong(s)} (e.g. a module's sections in kernel memory).
     */
    public Optional<byte[]> sectionData(String name, ToLongFunction<ElfSection> sectionAddress) {
        return section(name).map(s -> materialize(s, sectionAddress));
    }

    /**
     * The contents of section {@code name} as a read-only little-endian buffer, without copying
     * when it can: a section stored as it is in a file opened with {@link #open} is a mapped slice
     * of the file (read-only; pages are read when touched and the file is never written). Only a
     * compressed section (SHF_COMPRESSED), a section of a relocatable file that has relocations,
     * and sections of a source that is not a file are built in the heap, as {@link #sectionData}
     * builds them. Empty when there is no such section.
     */
    public Optional<ByteBuffer> sectionBuffer(String name) {
        return sectionBuffer(name, sec -> 0);
    }

    /**
     * As {@link #sectionBuffer(String)}, relocating a relocatable file as if each section {@code s}
     * were loaded at {@code sectionAddress.applyAsLong(s)} (see {@link #sectionData(String, ToLongFunction)}).
     */
    public Optional<ByteBuffer> sectionBuffer(String name, ToLongFunction<ElfSection> sectionAddress) {
        return section(name).map(s -> buffer(s, sectionAddress));
    }

    private ByteBuffer buffer(ElfSection s, ToLongFunction<ElfSection> sectionAddress) {
        if (s.hasContents() && (s.flags() & SHF_COMPRESSED) == 0 && !hasRelocations(s)
                && src instanceof FileByteSource file) {
            checkRange(s.offset(), s.size(), header.shoff() + (long) s.index() * ElfSection.SIZE,
                    "section " + s.index() + " (" + s.name() + ")");
            return file.map(s.offset(), s.size()).order(ByteOrder.LITTLE_ENDIAN);
        }
        return ByteBuffer.wrap(materialize(s, sectionAddress)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** True when {@code s} is in a relocatable file and some SHT_RELA section applies to it. */
    private boolean hasRelocations(ElfSection s) {
        if (header.type() != ElfHeader.ET_REL) {
            return false;
        }
        for (ElfSection rela : sections) {
            if (rela.type() == SHT_RELA && rela.info() == s.index()) {
                return true;
            }
        }
        return false;
    }

    private byte[] materialize(ElfSection s, ToLongFunction<ElfSection> sectionAddress) {
        byte[] data = readSection(s);
        if ((s.flags() & SHF_COMPRESSED) != 0) {
            data = decompress(s, data);
        }
        if (header.type() == ElfHeader.ET_REL) {
            for (ElfSection rela : sections) {
                if (rela.type() == SHT_RELA && rela.info() == s.index()) {
                    applyRela(rela, data, sectionAddress);
                }
            }
        }
        return data;
    }

    private byte[] decompress(ElfSection s, byte[] data) {
        if (data.length < 24) {
            throw new FormatException(src.name(), s.offset(), s.name() + ": compressed section shorter than its header");
        }
        int type = ByteCursor.getInt(data, 0);
        long size = ByteCursor.getLong(data, 8);
        if (size < 0 || size > Integer.MAX_VALUE - 8 || size > data.length * 2000L + (1 << 20)) {
            throw new FormatException(src.name(), s.offset(), s.name() + ": implausible decompressed size " + size);
        }
        byte[] out = new byte[(int) size];
        try {
            if (type == ELFCOMPRESS_ZLIB) {
                java.util.zip.Inflater inf = new java.util.zip.Inflater();
                try {
                    inf.setInput(data, 24, data.length - 24);
                    int n = 0;
                    while (n < out.length && !inf.finished()) {
                        int k = inf.inflate(out, n, out.length - n);
                        if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                            break;
                        }
                        n += k;
                    }
                    if (n != out.length) {
                        throw new FormatException(src.name(), s.offset(), s.name() + ": zlib data ends after " + n
                                + " of " + size + " bytes");
                    }
                } finally {
                    inf.end();
                }
            } else if (type == ELFCOMPRESS_ZSTD) {
                int n = new io.airlift.compress.zstd.ZstdDecompressor().decompress(data, 24, data.length - 24, out, 0,
                        out.length);
                if (n != out.length) {
                    throw new FormatException(src.name(), s.offset(), s.name() + ": zstd data gives " + n + " of "
                            + size + " bytes");
                }
            } else {
                throw new FormatException(src.name(), s.offset(), s.name() + ": unknown compression type " + type);
            }
        } catch (java.util.zip.DataFormatException | RuntimeException e) {
            if (e instanceof FormatException fe) {
                throw fe;
            }
            throw new FormatException(src.name(), s.offset(), s.name() + ": cannot decompress: " + e.getMessage());
        }
        return out;
    }

    private void applyRela(ElfSection rela, byte[] data, ToLongFunction<ElfSection> sectionAddress) {
        byte[] rel = readSection(rela);
        List<ElfSymbol> syms = symbols();
        for (int p = 0; p + 24 <= rel.length; p += 24) {
            long off = ByteCursor.getLong(rel, p);
            long info = ByteCursor.getLong(rel, p + 8);
            long addend = ByteCursor.getLong(rel, p + 16);
            int type = (int) info;
            long symIndex = info >>> 32;
            long value = 0;
            if (symIndex > 0 && symIndex <= syms.size()) {
                ElfSymbol sym = syms.get((int) symIndex - 1);
                value = sym.value();
                int shndx = sym.sectionIndex();
                if (shndx > 0 && shndx < sections.size() && shndx < 0xff00) {
                    value += sectionAddress.applyAsLong(sections.get(shndx));
                }
            }
            long v = value + addend;
            int width = switch (type) {
                case 1 -> 8; // R_X86_64_64
                case 10, 11 -> 4; // R_X86_64_32, R_X86_64_32S
                default -> 0;
            };
            if (width == 0 || off < 0 || off > data.length - width) {
                continue;
            }
            for (int i = 0; i < width; i++) {
                data[(int) off + i] = (byte) (v >>> (8 * i));
            }
        }
    }

    /** Every entry of {@code .symtab} but the null entry 0, in table order; empty for a stripped file. */
    public synchronized List<ElfSymbol> symbols() {
        if (symbols == null) {
            symbols = symtab().map(this::objects).orElse(List.of());
        }
        return symbols;
    }

    /**
     * {@code .symtab} as stored, read once (one read for the entries, one for the names); empty for a
     * stripped file. Name offsets are checked to lie in the string table.
     */
    public synchronized Optional<Symtab> symtab() {
        if (symtab == null) {
            symtab = sections.stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst().map(this::readSymtab);
        }
        return symtab;
    }

    /** The GNU build id (NT_GNU_BUILD_ID in {@code .note.gnu.build-id}) as lowercase hex. */
    public Optional<String> buildId() {
        for (ElfSection s : sections) {
            if (s.type() != ElfSection.SHT_NOTE || s.size() > 1 << 20) {
                continue;
            }
            byte[] area = readSection(s);
            for (ElfNote n : ElfNote.parseAll(src.name(), area, s.offset())) {
                if (n.type() == 3 && n.name().equals("GNU")) {
                    return Optional.of(HexFormat.of().formatHex(n.desc()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The contents of {@code linux_banner} ("Linux version ... \n"), read from the file through the
     * symbol's section; empty when there is no such symbol or it is not stored in the file.
     */
    public Optional<String> linuxBanner() {
        Optional<Symtab> table = symtab();
        if (table.isEmpty()) {
            return Optional.empty();
        }
        Symtab t = table.get();
        for (int i = 1; i < t.count(); i++) {
            if (!t.nameIs(i, "linux_banner") || t.sectionIndex(i) == ElfSymbol.SHN_UNDEF || t.sectionIndex(i) >= sections.size()) {
                continue;
            }
            ElfSection s = sections.get(t.sectionIndex(i));
            long rel = t.value(i) - s.addr();
            long len = t.size(i) > 0 ? Math.min(t.size(i), MAX_BANNER) : MAX_BANNER;
            if (!s.hasContents() || rel < 0 || rel >= s.size()) {
                return Optional.empty();
            }
            len = Math.min(len, s.size() - rel);
            byte[] b = src.readBytes(s.offset() + rel, (int) len);
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return Optional.of(new String(b, 0, end, StandardCharsets.ISO_8859_1));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (ownsSource) {
            src.close();
        }
    }

    private List<ElfSection> readSections() {
        long shoff = header.shoff();
        if (shoff == 0) {
            return List.of();
        }
        if (header.shentsize() != ElfSection.SIZE) {
            throw new FormatException(src.name(), 58, "section header size " + header.shentsize() + ", expected "
                    + ElfSection.SIZE);
        }
        if (shoff < 0 || shoff > src.size() - ElfSection.SIZE) {
            throw new FormatException(src.name(), 40, "section headers at 0x" + Long.toHexString(shoff)
                    + " lie past the end of the file");
        }
        ByteCursor zero = src.cursor(shoff, ElfSection.SIZE);
        long count = header.shnum();
        if (count == 0) {
            count = zero.skip(32).u64(); // the gABI's extended count: section 0's sh_size
        }
        int strndx = header.shstrndx();
        if (strndx == ElfSymbol.SHN_XINDEX) {
            strndx = (int) zero.seek(40).u32(); // section 0's sh_link
        }
        if (count > MAX_SECTIONS || count * ElfSection.SIZE > src.size() - shoff) {
            throw new FormatException(src.name(), shoff, count + " section headers do not fit in the file");
        }
        int n = (int) count;
        ByteCursor c = src.cursor(shoff, n * ElfSection.SIZE);
        int[] nameOffsets = new int[n];
        long[][] fields = new long[n][];
        for (int i = 0; i < n; i++) {
            nameOffsets[i] = c.s32();
            fields[i] = new long[] {c.u32(), c.u64(), c.u64(), c.u64(), c.u64(), c.u32(), c.u32(), c.u64(), c.u64()};
        }
        byte[] names = new byte[0];
        if (strndx > 0 && strndx < n) {
            long[] f = fields[strndx];
            names = readRange(f[3], f[4], shoff + (long) strndx * ElfSection.SIZE, "section-name table");
        }
        List<ElfSection> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long[] f = fields[i];
            String name = cString(names, nameOffsets[i] & 0xffffffffL);
            out.add(new ElfSection(i, name, (int) f[0], f[1], f[2], f[3], f[4], (int) f[5], (int) f[6], f[8]));
        }
        return List.copyOf(out);
    }

    private Symtab readSymtab(ElfSection symtab) {
        long headerAt = header.shoff() + (long) symtab.index() * ElfSection.SIZE;
        if (symtab.entsize() != SYM_SIZE || symtab.size() % SYM_SIZE != 0) {
            throw new FormatException(src.name(), headerAt, "symbol table entry size " + symtab.entsize()
                    + " or size " + symtab.size() + " is not a multiple of " + SYM_SIZE);
        }
        if (symtab.link() <= 0 || symtab.link() >= sections.size()) {
            throw new FormatException(src.name(), headerAt, "symbol table names string table " + symtab.link()
                    + ", which does not exist");
        }
        byte[] syms = readSection(symtab);
        byte[] strings = readSection(sections.get(symtab.link()));
        byte[] xindex = sections.stream()
                .filter(s -> s.type() == ElfSection.SHT_SYMTAB_SHNDX && s.link() == symtab.index())
                .findFirst().map(this::readSection).orElse(null);
        Symtab t = new Symtab(syms, strings, xindex, sectionLetters());
        for (int i = 1; i < t.count(); i++) {
            if (!t.nameInTable(i)) {
                throw new FormatException(src.name(), symtab.offset() + (long) i * SYM_SIZE, "symbol " + i
                        + " name offset 0x" + Integer.toHexString(t.nameOffset(i)) + " lies outside its string table");
            }
        }
        return t;
    }

    private List<ElfSymbol> objects(Symtab t) {
        List<ElfSymbol> out = new ArrayList<>(Math.max(0, t.count() - 1));
        for (int i = 1; i < t.count(); i++) {
            int shndx = t.sectionIndex(i);
            out.add(new ElfSymbol(t.name(i), t.value(i), t.size(i), t.type(i), t.binding(i), shndx, sectionName(shndx),
                    t.nmType(i)));
        }
        return out;
    }

    private String sectionName(int shndx) {
        return switch (shndx) {
            case ElfSymbol.SHN_UNDEF -> "*UND*";
            case ElfSymbol.SHN_ABS -> "*ABS*";
            case ElfSymbol.SHN_COMMON -> "*COM*";
            default -> shndx >= 0 && shndx < sections.size() ? sections.get(shndx).name() : "*UNKNOWN*";
        };
    }

    /** The lowercase nm letter of each section, as BFD derives it from the ELF section flags. */
    private char[] sectionLetters() {
        char[] letters = new char[sections.size()];
        for (ElfSection s : sections) {
            letters[s.index()] = NmType.ofSection(s);
        }
        return letters;
    }

    private byte[] readSection(ElfSection s) {
        if (!s.hasContents()) {
            return new byte[0];
        }
        return readRange(s.offset(), s.size(), header.shoff() + (long) s.index() * ElfSection.SIZE,
                "section " + s.index() + " (" + s.name() + ")");
    }

    private byte[] readRange(long offset, long size, long headerAt, String what) {
        checkRange(offset, size, headerAt, what);
        return src.readBytes(offset, (int) size);
    }

    private void checkRange(long offset, long size, long headerAt, String what) {
        if (offset < 0 || size < 0 || size > Integer.MAX_VALUE - 8 || offset > src.size() - size) {
            throw new FormatException(src.name(), headerAt, what + ": 0x" + Long.toHexString(size)
                    + " bytes at 0x" + Long.toHexString(offset) + " do not fit in the file");
        }
    }

    static String cString(byte[] table, long offset) {
        if (offset >= table.length) {
            return "";
        }
        int start = (int) offset;
        int end = start;
        while (end < table.length && table[end] != 0) {
            end++;
        }
        return new String(table, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
