package dev.vmcore.format.dwarf;

import dev.vmcore.util.Unsigned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One line-number program of {@code .debug_line} (versions 2 to 5), run to completion: its
 * directory and file tables and the rows of its sequences, for address to file:line lookup.
 */
public final class LineTable {
    /** Cap on directory and file entries. */
    static final int MAX_ENTRIES = 1 << 20;

    private final List<String> files;
    private final int firstFile;
    private final long[] addr;
    private final int[] file;
    private final int[] line;
    private final int[] column;
    private final int[] discriminator;
    private final boolean[] end;
    private final boolean[] stmt;
    private final int rows;
    /** Sequences as [first row, last row (end_sequence)], sorted by start address. */
    private final int[][] sequences;

    private LineTable(List<String> files, int firstFile, Rows r) {
        this.files = files;
        this.firstFile = firstFile;
        this.addr = r.addr;
        this.file = r.file;
        this.line = r.line;
        this.column = r.column;
        this.discriminator = r.disc;
        this.end = r.end;
        this.stmt = r.stmt;
        this.rows = r.n;
        List<int[]> seqs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < rows; i++) {
            if (end[i]) {
                if (i > start) {
                    seqs.add(new int[] {start, i});
                }
                start = i + 1;
            }
        }
        seqs.sort((a, b) -> Unsigned.compare(addr[a[0]], addr[b[0]]));
        this.sequences = seqs.toArray(new int[0][]);
    }

    /** Growable row columns. */
    private static final class Rows {
        long[] addr = new long[64];
        int[] file = new int[64];
        int[] line = new int[64];
        int[] column = new int[64];
        int[] disc = new int[64];
        boolean[] end = new boolean[64];
        boolean[] stmt = new boolean[64];
        int n;

        void add(long a, int f, int l, int c, int d, boolean e, boolean st) {
            if (n == addr.length) {
                int m = n * 2;
                addr = Arrays.copyOf(addr, m);
                file = Arrays.copyOf(file, m);
                line = Arrays.copyOf(line, m);
                column = Arrays.copyOf(column, m);
                disc = Arrays.copyOf(disc, m);
                end = Arrays.copyOf(end, m);
                stmt = Arrays.copyOf(stmt, m);
            }
            addr[n] = a;
            file[n] = f;
            line[n] = l;
            column[n] = c;
            disc[n] = d;
            end[n] = e;
            stmt[n] = st;
            n++;
        }
    }

    /** The file paths, indexed from {@link #firstFileIndex()} (1 before DWARF 5, 0 from DWARF 5). */
    public List<String> files() {
        return files;
    }

    public int firstFileIndex() {
        return firstFile;
    }

    /** File {@code index} as DW_AT_decl_file / call_file / the line program number it; "??" when out of range. */
    public String file(long index) {
        long i = index - firstFile;
        return i >= 0 && i < files.size() ? files.get((int) i) : "??";
    }

    public int rowCount() {
        return rows;
    }

    /**
     * The row covering {@code address}: in the sequence containing it, the last row whose address
     * is at or below it (of several rows at one address, the last, as binutils does).
     */
    public Optional<SourceLine> lookup(long address) {
        int best = lastRowAtOrBelow(address);
        return best < 0 ? Optional.empty() : Optional.of(row(best));
    }

    /**
     * The row gdb (and so crash) gives for {@code address}: as {@link #lookup}, but when that row is
     * not a statement (is_stmt clear), the nearest statement row before it at the same address, so
     * that e.g. a push in a prologue reports the line of the statement the compiler marked there.
     */
    public Optional<SourceLine> lookupStatement(long address) {
        int best = lastRowAtOrBelow(address);
        if (best < 0) {
            return Optional.empty();
        }
        int t = best;
        while (!stmt[t] && t > 0 && !end[t - 1] && addr[t - 1] == addr[t] && line[t - 1] != 0) {
            t--;
        }
        return Optional.of(row(stmt[t] ? t : best));
    }

    private SourceLine row(int i) {
        return new SourceLine(file(file[i]), line[i], column[i], discriminator[i]);
    }

    /** The index of the last row at or below {@code address} in the sequence holding it, or -1. */
    private int lastRowAtOrBelow(long address) {
        for (int[] seq : sequences) {
            int s = seq[0];
            int e = seq[1];
            if (Unsigned.compare(address, addr[s]) < 0 || Unsigned.compare(address, addr[e]) >= 0) {
                continue;
            }
            int lo = s;
            int hi = e - 1;
            int best = s;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Unsigned.compare(addr[mid], address) <= 0) {
                    best = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return best;
        }
        return -1;
    }

    static LineTable parse(Dwarf dwarf, Unit u, long offset) {
        Section s = dwarf.section(".debug_line");
        Reader r = new Reader(s, offset);
        long length = r.u32();
        int offsetSize = 4;
        if (length == 0xffffffffL) {
            length = r.u64();
            offsetSize = 8;
        }
        long endPos = r.pos + length;
        if (length < 0 || endPos > s.size() || endPos < r.pos) {
            throw s.fault(offset, "line program length 0x" + Long.toHexString(length) + " runs past the section");
        }
        r = new Reader(s, r.pos, endPos);
        int version = r.u16();
        if (version < 2 || version > 5) {
            throw s.fault(offset, "unsupported line table version " + version);
        }
        int addressSize = u.addressSize();
        if (version >= 5) {
            addressSize = r.u8();
            r.u8(); // segment selector size
            if (addressSize != 4 && addressSize != 8) {
                throw s.fault(r.pos - 2, "line table address size " + addressSize);
            }
        }
        long headerLength = r.offset(offsetSize);
        long programStart = r.pos + headerLength;
        if (headerLength < 0 || programStart > endPos || programStart < r.pos) {
            throw s.fault(offset, "line table header length runs past the program");
        }
        Header h = new Header();
        h.minInst = r.u8();
        h.maxOps = version >= 4 ? r.u8() : 1;
        h.defaultIsStmt = r.u8() != 0;
        h.lineBase = (byte) r.u8();
        h.lineRange = r.u8();
        h.opcodeBase = r.u8();
        if (h.lineRange == 0) {
            throw s.fault(r.pos - 2, "line_range is 0");
        }
        h.opLengths = new int[Math.max(h.opcodeBase, 1)];
        for (int i = 1; i < h.opcodeBase; i++) {
            h.opLengths[i] = r.u8();
        }
        String compDir = u.root().string(Dw.AT_COMP_DIR).orElse(null);
        List<String> files = new ArrayList<>();
        int firstFile;
        if (version >= 5) {
            List<String[]> dirs = entries(dwarf, u, r, offsetSize, true);
            List<String[]> fileEntries = entries(dwarf, u, r, offsetSize, false);
            List<String> dirNames = new ArrayList<>();
            for (String[] d : dirs) {
                dirNames.add(d[0]);
            }
            for (String[] f : fileEntries) {
                files.add(join(compDir, dirNames, parseIndex(f[1]), f[0], true));
            }
            firstFile = 0;
        } else {
            List<String> dirNames = new ArrayList<>();
            dirNames.add(compDir);
            while (true) {
                String d = r.cString();
                if (d.isEmpty()) {
                    break;
                }
                capped(s, r, dirNames.size());
                dirNames.add(d);
            }
            while (true) {
                String f = r.cString();
                if (f.isEmpty()) {
                    break;
                }
                capped(s, r, files.size());
                long dir = r.uleb();
                r.uleb();
                r.uleb();
                files.add(join(compDir, dirNames, dir, f, false));
            }
            firstFile = 1;
        }
        r.pos = programStart;
        Rows rows = run(s, r, h, addressSize, version, compDir, files);
        return new LineTable(List.copyOf(files), firstFile, rows);
    }

    private static void capped(Section s, Reader r, int n) {
        if (n >= MAX_ENTRIES) {
            throw s.fault(r.pos, "more than " + MAX_ENTRIES + " directory or file entries");
        }
    }

    private static long parseIndex(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }

    /** A file's path as binutils builds it: absolute names as they are, else under their directory and comp_dir. */
    private static String join(String compDir, List<String> dirs, long dirIndex, String name, boolean v5) {
        if (name.startsWith("/")) {
            return name;
        }
        String dir = dirIndex >= 0 && dirIndex < dirs.size() ? dirs.get((int) dirIndex) : null;
        if (dir == null || dir.isEmpty()) {
            return compDir == null ? name : compDir + "/" + name;
        }
        if (!dir.startsWith("/") && compDir != null && !(v5 && dirIndex == 0)) {
            return compDir + "/" + dir + "/" + name;
        }
        return dir + "/" + name;
    }

    private static final class Header {
        int minInst;
        int maxOps;
        boolean defaultIsStmt;
        int lineBase;
        int lineRange;
        int opcodeBase;
        int[] opLengths;
    }

    /** DWARF 5 directory or file entries: [path, directory index] for each, from the entry formats. */
    private static List<String[]> entries(Dwarf dwarf, Unit u, Reader r, int offsetSize, boolean dirs) {
        int formatCount = r.u8();
        int[][] formats = new int[formatCount][2];
        for (int i = 0; i < formatCount; i++) {
            formats[i][0] = r.ulebInt("content type");
            formats[i][1] = r.ulebInt("form");
        }
        long count = r.uleb();
        if (count < 0 || count > MAX_ENTRIES) {
            throw r.s.fault(r.pos, (dirs ? "directory" : "file") + " count " + count + " is too large");
        }
        List<String[]> out = new ArrayList<>();
        for (long n = 0; n < count; n++) {
            String path = null;
            String dir = null;
            for (int[] f : formats) {
                int form = f[1];
                if (form == Dw.FORM_INDIRECT || form == Dw.FORM_IMPLICIT_CONST) {
                    throw r.s.fault(r.pos, "form 0x" + Integer.toHexString(form) + " in a line table entry");
                }
                long start = r.pos;
                long v = readLineForm(r, u, offsetSize, form);
                if (f[0] == Dw.LNCT_PATH) {
                    path = switch (form) {
                        case Dw.FORM_STRING -> r.s.cString(start);
                        case Dw.FORM_LINE_STRP -> dwarf.section(".debug_line_str").cString(v);
                        case Dw.FORM_STRP -> dwarf.section(".debug_str").cString(v);
                        case Dw.FORM_STRX, Dw.FORM_STRX1, Dw.FORM_STRX2, Dw.FORM_STRX3, Dw.FORM_STRX4 ->
                                dwarf.section(".debug_str").cString(dwarf.strOffset(u, v));
                        default -> "?";
                    };
                } else if (f[0] == Dw.LNCT_DIRECTORY_INDEX) {
                    dir = Long.toString(v);
                }
            }
            out.add(new String[] {path == null ? "" : path, dir});
        }
        return out;
    }

    private static long readLineForm(Reader r, Unit u, int offsetSize, int form) {
        return switch (form) {
            case Dw.FORM_STRP, Dw.FORM_LINE_STRP, Dw.FORM_SEC_OFFSET -> r.offset(offsetSize);
            default -> Forms.read(r, u, form, 0);
        };
    }

    private static Rows run(Section s, Reader r, Header h, int addressSize, int version, String compDir,
                            List<String> files) {
        Rows rows = new Rows();
        long address = 0;
        int opIndex = 0;
        int file = 1;
        int line = 1;
        int column = 0;
        boolean isStmt = h.defaultIsStmt;
        int disc = 0;
        int maxOps = Math.max(1, h.maxOps);
        while (!r.atEnd()) {
            int op = r.u8();
            if (op >= h.opcodeBase) {
                int adj = op - h.opcodeBase;
                int advance = adj / h.lineRange;
                address += (long) h.minInst * ((opIndex + advance) / maxOps);
                opIndex = (opIndex + advance) % maxOps;
                line += h.lineBase + adj % h.lineRange;
                rows.add(address, file, line, column, disc, false, isStmt);
                disc = 0;
                continue;
            }
            switch (op) {
                case 0 -> {
                    long len = r.uleb();
                    long next = r.pos + len;
                    if (len <= 0 || next > r.limit || next < r.pos) {
                        if (len == 0) {
                            continue;
                        }
                        throw s.fault(r.pos, "extended opcode length " + len + " runs past the program");
                    }
                    int sub = r.u8();
                    switch (sub) {
                        case Dw.LNE_END_SEQUENCE -> {
                            rows.add(address, file, line, column, disc, true, isStmt);
                            address = 0;
                            opIndex = 0;
                            file = 1;
                            line = 1;
                            column = 0;
                            isStmt = h.defaultIsStmt;
                            disc = 0;
                        }
                        case Dw.LNE_SET_ADDRESS -> {
                            int size = (int) Math.min(len - 1, 8);
                            address = size == 8 || size == 4 || size == 2 || size == 1 ? r.uN(size) : r.uN(addressSize);
                            opIndex = 0;
                        }
                        case Dw.LNE_DEFINE_FILE -> {
                            String name = r.cString();
                            long dir = r.uleb();
                            if (files.size() < MAX_ENTRIES) {
                                files.add(join(compDir, List.of(), dir, name, false));
                            }
                        }
                        case Dw.LNE_SET_DISCRIMINATOR -> disc = (int) r.uleb();
                        default -> { }
                    }
                    r.pos = next;
                }
                case Dw.LNS_COPY -> {
                    rows.add(address, file, line, column, disc, false, isStmt);
                    disc = 0;
                }
                case Dw.LNS_ADVANCE_PC -> {
                    long adv = r.uleb();
                    address += h.minInst * ((opIndex + adv) / maxOps);
                    opIndex = (int) ((opIndex + adv) % maxOps);
                }
                case Dw.LNS_ADVANCE_LINE -> line += (int) r.sleb();
                case Dw.LNS_SET_FILE -> file = (int) r.uleb();
                case Dw.LNS_SET_COLUMN -> column = (int) r.uleb();
                case Dw.LNS_NEGATE_STMT -> isStmt = !isStmt;
                case Dw.LNS_SET_BASIC_BLOCK, Dw.LNS_SET_PROLOGUE_END, Dw.LNS_SET_EPILOGUE_BEGIN -> { }
                case Dw.LNS_CONST_ADD_PC -> {
                    int advance = (255 - h.opcodeBase) / h.lineRange;
                    address += (long) h.minInst * ((opIndex + advance) / maxOps);
                    opIndex = (opIndex + advance) % maxOps;
                }
                case Dw.LNS_FIXED_ADVANCE_PC -> {
                    address += r.u16();
                    opIndex = 0;
                }
                case Dw.LNS_SET_ISA -> r.uleb();
                default -> {
                    // an unknown standard opcode: skip its ULEB operands as the header says
                    for (int i = 0; i < h.opLengths[op]; i++) {
                        r.uleb();
                    }
                }
            }
        }
        return rows;
    }
}
