package dev.vmcore.format.dwarf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * DWARF 2 to 5 debugging information over section buffers from a {@link DwarfSections} (for a file,
 * mapped slices of it: nothing is loaded whole into the heap): units, DIEs, a lazy name index
 * ({@link #index()}), line tables and address to file:line / inline-chain lookup ({@link #symbolize}).
 * Nothing is parsed before it is asked for. An address lookup reads .debug_aranges and the one unit
 * it names; the unit headers are scanned (a jump per unit) when a DIE offset, the name index or an
 * address .debug_aranges does not cover needs them. Safe for concurrent readers.
 *
 * <p>Every offset, length and count is checked against its section; corrupt bytes raise
 * {@link dev.vmcore.util.FormatException} naming the section and offset.
 */
public final class Dwarf {
    /** Cap on DIE nesting when skipping or walking subtrees. */
    static final int MAX_DEPTH = 4096;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final DwarfSections sections;
    private final Section info;
    private final Map<String, Section> loaded = new ConcurrentHashMap<>();
    private final Map<Long, LineTable> lineTables = new ConcurrentHashMap<>();
    /** Units parsed before the full scan (from .debug_aranges), by header offset; reused by the scan. */
    private final ConcurrentSkipListMap<Long, Unit> knownUnits = new ConcurrentSkipListMap<>();
    private volatile Unit[] units;
    private volatile long[] unitOffsets;
    private volatile NameIndex index;
    private volatile AddressMap aranges;
    private volatile AddressMap otherRanges;
    private volatile Map<Long, Long> typeSignatures;

    private Dwarf(DwarfSections sections, Section info) {
        this.sections = sections;
        this.info = info;
    }

    /** A reader over {@code sections}; .debug_info and .debug_abbrev must be present. */
    public static Dwarf open(DwarfSections sections) {
        ByteBuffer info = sections.find(".debug_info").orElseThrow(() -> new dev.vmcore.util.FormatException(
                ".debug_info", -1, "no .debug_info section"));
        Dwarf d = new Dwarf(sections, new Section(".debug_info", info));
        d.section(".debug_abbrev");
        return d;
    }

    /** True when {@code sections} has DWARF debugging information. */
    public static boolean present(DwarfSections sections) {
        return sections.find(".debug_info").isPresent();
    }

    Section info() {
        return info;
    }

    /** A section by name; an empty one when absent. */
    Section section(String name) {
        return loaded.computeIfAbsent(name, n -> new Section(n, sections.find(n).orElse(EMPTY)));
    }

    boolean hasSection(String name) {
        return section(name).size() > 0;
    }

    /** Every unit in {@code .debug_info}, in order (headers only). */
    public List<Unit> units() {
        return List.of(unitArray());
    }

    Unit[] unitArray() {
        Unit[] u = units;
        if (u == null) {
            synchronized (this) {
                if (units == null) {
                    List<Unit> list = new ArrayList<>();
                    long pos = 0;
                    while (pos < info.size()) {
                        Unit unit = knownUnits.get(pos);
                        if (unit == null) {
                            unit = Unit.parse(this, info, pos);
                        }
                        list.add(unit);
                        pos = unit.end();
                    }
                    long[] offs = new long[list.size()];
                    for (int i = 0; i < offs.length; i++) {
                        offs[i] = list.get(i).offset();
                    }
                    unitOffsets = offs;
                    units = list.toArray(new Unit[0]);
                }
                u = units;
            }
        }
        return u;
    }

    /**
     * The unit whose header is at {@code offset} (an offset from .debug_aranges): read alone, without
     * scanning the unit headers before it, until they have been scanned.
     */
    Unit unitAt(long offset) {
        Unit[] all = units;
        if (all != null) {
            int i = Arrays.binarySearch(unitOffsets, offset);
            if (i < 0) {
                throw info.fault(offset, "no unit starts at this offset");
            }
            return all[i];
        }
        Unit u = knownUnits.get(offset);
        if (u == null) {
            u = Unit.parse(this, info, offset);
            Unit before = knownUnits.putIfAbsent(offset, u);
            if (before != null) {
                u = before;
            }
        }
        return u;
    }

    /** True once every unit header has been read (see {@link #unitAt}). */
    boolean unitsScanned() {
        return units != null;
    }

    /** The unit holding {@code dieOffset}. */
    public Unit unitContaining(long dieOffset) {
        if (units == null) {
            Map.Entry<Long, Unit> known = knownUnits.floorEntry(dieOffset);
            Unit u = known == null ? null : known.getValue();
            if (u != null && dieOffset >= u.firstDieOffset() && dieOffset < u.end()) {
                return u;
            }
        }
        Unit[] all = unitArray();
        int i = Arrays.binarySearch(unitOffsets, dieOffset);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0 || dieOffset >= all[i].end() || dieOffset < all[i].firstDieOffset()) {
            throw info.fault(dieOffset, "no DIE at this offset (outside every unit's DIEs)");
        }
        return all[i];
    }

    /** The DIE at {@code offset} of .debug_info. */
    public Die die(long offset) {
        return dieIn(unitContaining(offset), offset);
    }

    Die dieIn(Unit u, long offset) {
        if (offset < u.firstDieOffset() || offset >= u.end()) {
            throw info.fault(offset, "no DIE at this offset in " + u);
        }
        Die d = Die.read(u, info, offset);
        if (d == null) {
            throw info.fault(offset, "a null entry where a DIE was expected");
        }
        return d;
    }

    AbbrevTable abbrevTable(long offset) {
        Section abbrev = section(".debug_abbrev");
        if (offset < 0 || offset >= abbrev.size()) {
            throw abbrev.fault(offset, "abbreviation table offset past the end of .debug_abbrev");
        }
        return AbbrevTable.parse(abbrev, offset);
    }

    /** The children of {@code parent}, skipping each child's own subtree. */
    List<Die> children(Die parent) {
        if (!parent.hasChildren()) {
            return List.of();
        }
        Unit u = parent.unit();
        List<Die> out = new ArrayList<>();
        long pos = parent.childrenOffset();
        while (pos < u.end()) {
            Die d = Die.read(u, info, pos);
            if (d == null) {
                return out;
            }
            out.add(d);
            pos = d.hasChildren() ? skipChildren(d) : d.childrenOffset();
        }
        return out; // a unit that ends without its null entries: take what is there
    }

    /** Offset just past the subtree of {@code d}: its DW_AT_sibling when sane, else a walk of its children. */
    long skipChildren(Die d) {
        Unit u = d.unit();
        long sib = d.reference(Dw.AT_SIBLING).orElse(-1);
        if (sib > d.offset() && sib <= u.end() && d.form(Dw.AT_SIBLING) != Dw.FORM_REF_ADDR) {
            return sib;
        }
        return skipSubtree(u, d.childrenOffset());
    }

    /** Given the offset of a DIE's first child, the offset past its terminating null entry. */
    long skipSubtree(Unit u, long firstChild) {
        return skipSubtree(u, u.abbrevs(), firstChild);
    }

    /** As {@link #skipSubtree(Unit, long)} with the unit's abbreviations at hand. */
    long skipSubtree(Unit u, AbbrevTable table, long firstChild) {
        Reader r = new Reader(info, firstChild, u.end());
        int depth = 1;
        while (depth > 0) {
            if (r.atEnd()) {
                return r.pos;
            }
            long at = r.pos;
            long code = r.uleb();
            if (code == 0) {
                depth--;
                continue;
            }
            Abbrev a = table.get(code);
            if (a == null) {
                throw info.fault(at, "abbreviation code " + Long.toUnsignedString(code) + " is not in the table");
            }
            long sibling = -1;
            int[] forms = a.forms();
            int[] attrs = a.attrs();
            for (int i = 0; i < forms.length; i++) {
                if (attrs[i] == Dw.AT_SIBLING && forms[i] != Dw.FORM_REF_ADDR && forms[i] != Dw.FORM_INDIRECT) {
                    sibling = Forms.read(r, u, forms[i], 0) + u.offset();
                } else {
                    Forms.skip(r, u, forms[i]);
                }
            }
            if (a.hasChildren()) {
                if (sibling > at && sibling <= u.end()) {
                    r.pos = sibling;
                } else if (++depth > MAX_DEPTH) {
                    throw info.fault(at, "DIEs nested more than " + MAX_DEPTH + " deep");
                }
            }
        }
        return r.pos;
    }

    String resolveString(Unit u, int form, long value) {
        return switch (form) {
            case Dw.FORM_STRING -> info.cString(value);
            case Dw.FORM_STRP -> section(".debug_str").cString(value);
            case Dw.FORM_LINE_STRP -> section(".debug_line_str").cString(value);
            case Dw.FORM_STRX, Dw.FORM_STRX1, Dw.FORM_STRX2, Dw.FORM_STRX3, Dw.FORM_STRX4, Dw.FORM_GNU_STR_INDEX ->
                    section(".debug_str").cString(strOffset(u, value));
            default -> null;
        };
    }

    /** The .debug_str offset of string index {@code index} of {@code u}. */
    long strOffset(Unit u, long index) {
        return indexed(".debug_str_offsets", u.bases().strOffsetsBase(), index, u.offsetSize(), "string");
    }

    long indexedAddress(Unit u, long index) {
        return indexed(".debug_addr", u.bases().addrBase(), index, u.addressSize(), "address");
    }

    /** Entry {@code index} of a DWARF 5 table of {@code size}-byte entries at {@code base} of {@code section}. */
    private long indexed(String section, long base, long index, int size, String what) {
        Section s = section(section);
        long at = base + index * size;
        if (index < 0 || index > Integer.MAX_VALUE || at < 0) {
            throw s.fault(base, what + " index " + index + " out of range");
        }
        return s.uN(at, size);
    }

    /** The type DIE offset of the type unit with {@code signature}. */
    OptionalLong typeBySignature(long signature) {
        Map<Long, Long> m = typeSignatures;
        if (m == null) {
            m = new HashMap<>();
            for (Unit u : unitArray()) {
                if (u.unitType() == Dw.UT_TYPE || u.unitType() == Dw.UT_SPLIT_TYPE) {
                    m.putIfAbsent(u.signature(), u.offset() + u.typeOffset());
                }
            }
            typeSignatures = m;
        }
        Long off = m.get(signature);
        return off == null ? OptionalLong.empty() : OptionalLong.of(off);
    }

    List<long[]> ranges(Die d) {
        return Ranges.of(this, d);
    }

    /** The name index (built on first use with every core; see {@link NameIndex}). */
    public NameIndex index() {
        NameIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) {
                    index = NameIndex.build(this);
                }
                i = index;
            }
        }
        return i;
    }

    /** The line table of {@code u} (DW_AT_stmt_list), parsed on first use. */
    public Optional<LineTable> lineTable(Unit u) {
        long off = u.bases().stmtList();
        if (off < 0 || !hasSection(".debug_line")) {
            return Optional.empty();
        }
        return Optional.of(lineTables.computeIfAbsent(off, o -> LineTable.parse(this, u, o)));
    }

    /**
     * The compilation unit whose address ranges contain {@code address}: from .debug_aranges when it
     * covers the address (reading nothing else), else from the root DIEs of the units it does not
     * list (all units when it is absent), which are read once, on the first such address.
     */
    public Optional<Unit> unitForAddress(long address) {
        AddressMap a = aranges;
        if (a == null) {
            synchronized (this) {
                if (aranges == null) {
                    aranges = AddressMap.fromAranges(this);
                }
                a = aranges;
            }
        }
        long unit = a.find(address);
        if (unit < 0) {
            AddressMap other = otherRanges;
            if (other == null) {
                synchronized (this) {
                    if (otherRanges == null) {
                        otherRanges = AddressMap.fromRoots(this, a);
                    }
                    other = otherRanges;
                }
            }
            unit = other.find(address);
        }
        return unit < 0 ? Optional.empty() : Optional.of(unitAt(unit));
    }

    /**
     * The source line of {@code address} as gdb reports it (see {@link LineTable#lookupStatement}):
     * what crash prints in sym and bt -l.
     */
    public Optional<SourceLine> statementLineAt(long address) {
        return unitForAddress(address).flatMap(this::lineTable).flatMap(t -> t.lookupStatement(address));
    }

    /** The source line of {@code address} from the line table of its unit. */
    public Optional<SourceLine> lineAt(long address) {
        return unitForAddress(address).flatMap(this::lineTable).flatMap(t -> t.lookup(address));
    }

    /**
     * The frames at {@code address}, innermost first, as {@code addr2line -i -f} prints them: the
     * innermost (possibly inlined) function at the line-table location, then each caller with the
     * call site of the inlined function it contains. Empty when no unit covers the address.
     */
    public List<Frame> symbolize(long address) {
        return unitForAddress(address).map(u -> Symbolizer.frames(this, u, address)).orElse(List.of());
    }
}
