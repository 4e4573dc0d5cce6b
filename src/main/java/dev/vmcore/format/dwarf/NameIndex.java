package dev.vmcore.format.dwarf;

import dev.vmcore.format.dwarf.NameTable.Entry;
import dev.vmcore.format.dwarf.NameTable.LongIntMap;
import dev.vmcore.util.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Name to DIE index over the top-level DIEs of every unit: structure, union, class and enumeration
 * types, typedefs, base types, variables and subprograms. Built with one thread per core, each
 * taking units in turn; the DIEs are skipped form by form (or by DW_AT_sibling) without being
 * materialized, and no String is made for a name during the scan (names are keyed by where their
 * bytes are: a .debug_str offset, or the DIE's own DW_FORM_string).
 *
 * <p>Every unit repeats the types of the headers it includes, so per name and tag the index keeps
 * only a few entries, the same whatever the thread count: for types the first definition and the
 * first declaration (in .debug_info order); for variables up to {@value #VARIABLE_DEFINITIONS}
 * definitions (those with DW_AT_location first, then those that are not DW_AT_declaration) and the
 * first declaration; for subprograms up to {@value #SUBPROGRAM_DEFINITIONS} definitions and the
 * first declaration. Storage is a few primitive arrays: no object per name or entry.
 *
 * <p>A variable or subprogram defined after a declaration of it ({@code extern const char
 * linux_banner[];} in a header, then its definition in the .c file) is, in GCC's DWARF, a DIE
 * without DW_AT_name whose DW_AT_specification refers to the declaration's DIE (in the unit, or
 * through DW_FORM_ref_addr in another one), with its own DW_AT_type (the complete type:
 * {@code const char [220]}) and DW_AT_location. Such a definition is kept under the name of the DIE
 * it specifies (whose name is read then: such DIEs are a small share of the top-level ones), among
 * the definitions; one with a location but no DW_AT_type of its own (so only the declaration's
 * type, perhaps incomplete: a weak definition the strong one overrides) comes after those with
 * both. A C++ member's out-of-class definition would so be kept under the member's unqualified name.
 */
public final class NameIndex {
    /** Definitions kept per name and tag, by tag class. */
    static final int TYPE_DEFINITIONS = 1;
    static final int VARIABLE_DEFINITIONS = 4;
    static final int SUBPROGRAM_DEFINITIONS = 8;
    /** DW_AT_specification hops followed to the name of an unnamed definition. */
    private static final int MAX_SPECIFICATION_HOPS = 4;

    private final Dwarf dwarf;
    private final NameTable table;

    private NameIndex(Dwarf dwarf, NameTable table) {
        this.dwarf = dwarf;
        this.table = table;
    }

    static boolean indexed(int tag) {
        return switch (tag) {
            case Dw.TAG_STRUCTURE_TYPE, Dw.TAG_UNION_TYPE, Dw.TAG_ENUMERATION_TYPE, Dw.TAG_TYPEDEF, Dw.TAG_BASE_TYPE,
                 Dw.TAG_VARIABLE, Dw.TAG_SUBPROGRAM, 0x02 /* class_type */ -> true;
            default -> false;
        };
    }

    static int definitionsKept(int tag) {
        return switch (tag) {
            case Dw.TAG_VARIABLE -> VARIABLE_DEFINITIONS;
            case Dw.TAG_SUBPROGRAM -> SUBPROGRAM_DEFINITIONS;
            default -> TYPE_DEFINITIONS;
        };
    }

    /**
     * The entries named {@code name}: definitions first (variables with a location before those
     * without, and among the former those whose type is only their declaration's last), then
     * declarations; each group in .debug_info order.
     */
    public List<IndexEntry> find(String name) {
        return find(name, -1);
    }

    /** The entries named {@code name} with tag {@code tag}, ordered as {@link #find(String)}. */
    public List<IndexEntry> find(String name, int tag) {
        int slot = table.lookup(dwarf, name.getBytes(StandardCharsets.UTF_8));
        if (slot < 0) {
            return List.of();
        }
        long[] packed = table.entriesOf(slot, tag);
        for (int i = 0; i < packed.length; i++) { // a few entries: sort by (declaration, rank, offset)
            for (int j = i; j > 0 && Entry.order(packed[j]) < Entry.order(packed[j - 1]); j--) {
                long t = packed[j];
                packed[j] = packed[j - 1];
                packed[j - 1] = t;
            }
        }
        List<IndexEntry> out = new ArrayList<>(packed.length);
        for (long p : packed) {
            long off = Entry.offset(p);
            out.add(new IndexEntry(name, Entry.tag(p), dwarf.unitContaining(off).offset(), off, Entry.declaration(p)));
        }
        return out;
    }

    /** Number of distinct names. */
    public int names() {
        return table.slots;
    }

    /** Number of entries kept. */
    public int size() {
        return table.entries;
    }

    static NameIndex build(Dwarf dwarf) {
        return build(dwarf, Runtime.getRuntime().availableProcessors());
    }

    /** The index built by up to {@code threads} threads (the result does not depend on the number). */
    static NameIndex build(Dwarf dwarf, int maxThreads) {
        Unit[] units = dwarf.unitArray();
        int threads = Math.max(1, Math.min(maxThreads, units.length));
        AtomicInteger next = new AtomicInteger();
        List<NameTable> parts = new ArrayList<>();
        if (threads == 1) {
            parts.add(work(dwarf, units, next));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "dwarf-index");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<NameTable>> fs = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    fs.add(pool.submit(() -> work(dwarf, units, next)));
                }
                for (Future<NameTable> f : fs) {
                    parts.add(get(f));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        NameTable merged = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            merged.addAll(dwarf, parts.get(i));
        }
        merged.trim();
        return new NameIndex(dwarf, merged);
    }

    private static NameTable get(Future<NameTable> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the DWARF index", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static NameTable work(Dwarf dwarf, Unit[] units, AtomicInteger next) {
        NameTable out = new NameTable();
        LongIntMap strSlots = new LongIntMap();
        int i;
        while ((i = next.getAndIncrement()) < units.length) {
            indexUnit(dwarf, units[i], out, strSlots);
        }
        return out;
    }

    private static void indexUnit(Dwarf dwarf, Unit u, NameTable out, LongIntMap strSlots) {
        Section info = dwarf.info();
        AbbrevTable abbrevs = u.abbrevsOnce();
        Reader r = new Reader(info, u.firstDieOffset(), u.end());
        Abbrev root = abbrev(abbrevs, r, info);
        if (root == null) {
            return;
        }
        for (int form : root.forms()) {
            Forms.skip(r, u, form);
        }
        if (!root.hasChildren()) {
            return;
        }
        Layout[] layouts = new Layout[64];
        Scanned die = new Scanned();
        Scanned target = new Scanned();
        while (!r.atEnd()) {
            long dieAt = r.pos;
            long code = r.uleb();
            if (code == 0) {
                return;
            }
            Abbrev a = abbrevs.get(code);
            if (a == null) {
                throw info.fault(dieAt, "abbreviation code " + Long.toUnsignedString(code)
                        + " is not in the unit's table");
            }
            Layout l = code < layouts.length ? layouts[(int) code] : null;
            if (l == null) {
                l = Layout.of(a, u);
                if (code < layouts.length) {
                    layouts[(int) code] = l;
                }
            }
            boolean want = indexed(a.tag());
            if (l.size >= 0) {
                long base = r.pos;
                r.skip(l.size);
                die.read(l, info, base, u);
            } else {
                die.scan(a, r, u, want);
            }
            if (want) {
                int slot = die.nameForm != 0 ? slot(dwarf, u, out, strSlots, die.nameForm, die.nameValue)
                        : die.specForm != 0 ? specifiedSlot(dwarf, u, abbrevs, out, strSlots, a.tag(), die, target)
                        : -1;
                if (slot >= 0) {
                    offer(dwarf, out, slot, a.tag(), dieAt, die);
                }
            }
            if (a.hasChildren()) {
                long sibling = die.sibling;
                r.pos = sibling > dieAt && sibling <= u.end() ? sibling : dwarf.skipSubtree(u, abbrevs, r.pos);
            }
        }
    }

    /**
     * Offers the DIE at {@code dieAt} to {@code out} under name slot {@code slot}. A variable's
     * definition ranks 0 with a location, 1 with a location but its type only through
     * DW_AT_specification, 2 without a location.
     */
    private static void offer(Dwarf dwarf, NameTable out, int slot, int tag, long dieAt, Scanned die) {
        if (dieAt > Entry.OFFSET_MASK) {
            throw dwarf.info().fault(dieAt, "DIE offset too large to index");
        }
        int rank = die.declaration || tag != Dw.TAG_VARIABLE ? 0
                : !die.location ? 2
                : die.nameForm == 0 && !die.type ? 1 : 0;
        out.offer(slot, Entry.pack(dieAt, tag, rank, die.declaration));
    }

    /**
     * The name slot of an unnamed variable or subprogram DIE with a DW_AT_specification: that of the
     * DIE of the same tag it refers to (following a few more specifications); -1 when there is none,
     * when a unit-relative reference leaves its unit, a DW_FORM_ref_addr one leaves .debug_info, or
     * the form is no reference. A DW_FORM_ref_addr into another unit caches that unit's abbreviations.
     */
    private static int specifiedSlot(Dwarf dwarf, Unit u, AbbrevTable abbrevs, NameTable out, LongIntMap strSlots,
                                     int tag, Scanned die, Scanned target) {
        if (tag != Dw.TAG_VARIABLE && tag != Dw.TAG_SUBPROGRAM) {
            return -1;
        }
        Section info = dwarf.info();
        Unit tu = u;
        AbbrevTable table = abbrevs;
        int form = die.specForm;
        long value = die.specValue;
        for (int hop = 0; hop < MAX_SPECIFICATION_HOPS; hop++) {
            long at;
            switch (form) {
                case Dw.FORM_REF1, Dw.FORM_REF2, Dw.FORM_REF4, Dw.FORM_REF8, Dw.FORM_REF_UDATA ->
                        at = tu.offset() + value;
                case Dw.FORM_REF_ADDR -> {
                    if (value < 0 || value >= info.size()) {
                        return -1;
                    }
                    at = value;
                    if (at < tu.firstDieOffset() || at >= tu.end()) {
                        tu = dwarf.unitContaining(at);
                        table = tu.abbrevs();
                    }
                }
                default -> {
                    return -1;
                }
            }
            if (at < tu.firstDieOffset() || at >= tu.end()) {
                return -1;
            }
            Reader r = new Reader(info, at, tu.end());
            Abbrev a = abbrev(table, r, info);
            if (a == null || a.tag() != tag) {
                return -1;
            }
            target.scan(a, r, tu, true);
            if (target.nameForm != 0) {
                return slot(dwarf, tu, out, strSlots, target.nameForm, target.nameValue);
            }
            form = target.specForm;
            value = target.specValue;
        }
        return -1;
    }

    /**
     * What the scan reads of one DIE: its name and DW_AT_specification (form and raw value; form 0
     * when absent), declaration flag, whether it has a location and a type, sibling.
     */
    private static final class Scanned {
        int nameForm;
        long nameValue;
        int specForm;
        long specValue;
        boolean declaration;
        boolean location;
        boolean type;
        long sibling;

        /** From a DIE whose attributes all have fixed sizes, at {@code base}, through its layout. */
        void read(Layout l, Section info, long base, Unit u) {
            nameForm = l.nameForm;
            nameValue = l.nameAt >= 0 ? value(info, base + l.nameAt, l.nameSize) : 0;
            specForm = l.specForm;
            specValue = l.specAt >= 0 ? value(info, base + l.specAt, l.specSize) : 0;
            declaration = l.declAt >= 0 && (l.declSize == 0 || value(info, base + l.declAt, l.declSize) != 0);
            location = l.location;
            type = l.type;
            sibling = l.siblingAt >= 0 ? u.offset() + value(info, base + l.siblingAt, l.siblingSize) : -1;
        }

        private static long value(Section s, long pos, int size) {
            return size == 3 ? s.u24(pos) : s.uN(pos, size);
        }

        /** Form by form, from the reader (which ends past the DIE's attributes). */
        void scan(Abbrev a, Reader r, Unit u, boolean want) {
            nameForm = 0;
            nameValue = 0;
            specForm = 0;
            specValue = 0;
            declaration = false;
            location = false;
            type = false;
            sibling = -1;
            int[] forms = a.forms();
            int[] attrs = a.attrs();
            for (int k = 0; k < forms.length; k++) {
                int at = attrs[k];
                int form = forms[k];
                if (form == Dw.FORM_INDIRECT) {
                    form = Forms.indirectForm(r);
                }
                if (want && (at == Dw.AT_NAME || at == Dw.AT_DECLARATION || at == Dw.AT_SPECIFICATION)
                        || at == Dw.AT_SIBLING && form != Dw.FORM_REF_ADDR) {
                    long v = Forms.read(r, u, form, a.implicitConsts() != null ? a.implicitConsts()[k] : 0);
                    if (at == Dw.AT_NAME) {
                        nameForm = form;
                        nameValue = v;
                    } else if (at == Dw.AT_DECLARATION) {
                        declaration = v != 0;
                    } else if (at == Dw.AT_SPECIFICATION) {
                        specForm = form;
                        specValue = v;
                    } else {
                        sibling = u.offset() + v;
                    }
                } else {
                    location |= at == Dw.AT_LOCATION;
                    type |= at == Dw.AT_TYPE;
                    Forms.skip(r, u, form);
                }
            }
        }
    }

    /**
     * Where the attributes the scan reads are in DIEs of one abbreviation whose attributes all have
     * fixed sizes in a unit (size -1 otherwise): offsets from the first attribute (-1 when absent)
     * and value sizes (0 for flag_present).
     */
    private record Layout(int size, int nameForm, int nameAt, int nameSize, int specForm, int specAt, int specSize,
                          int declAt, int declSize, int siblingAt, int siblingSize, boolean location, boolean type) {
        static final Layout VARIABLE = new Layout(-1, 0, -1, 0, 0, -1, 0, -1, 0, -1, 0, false, false);

        static Layout of(Abbrev a, Unit u) {
            int[] forms = a.forms();
            int[] attrs = a.attrs();
            int at = 0;
            int nameForm = 0;
            int nameAt = -1;
            int nameSize = 0;
            int specForm = 0;
            int specAt = -1;
            int specSize = 0;
            int declAt = -1;
            int declSize = 0;
            int siblingAt = -1;
            int siblingSize = 0;
            boolean location = false;
            boolean type = false;
            for (int k = 0; k < forms.length; k++) {
                int size = Forms.fixedSize(u, forms[k]);
                if (size < 0 || forms[k] == Dw.FORM_IMPLICIT_CONST && (attrs[k] == Dw.AT_NAME
                        || attrs[k] == Dw.AT_DECLARATION || attrs[k] == Dw.AT_SIBLING
                        || attrs[k] == Dw.AT_SPECIFICATION)) {
                    return VARIABLE; // and an implicit_const the scan needs the value of: rare, the slow path
                }
                switch (attrs[k]) {
                    case Dw.AT_NAME -> {
                        nameForm = forms[k];
                        nameAt = at;
                        nameSize = size;
                    }
                    case Dw.AT_SPECIFICATION -> {
                        specForm = forms[k];
                        specAt = at;
                        specSize = size;
                    }
                    case Dw.AT_DECLARATION -> {
                        declAt = at;
                        declSize = size;
                    }
                    case Dw.AT_SIBLING -> {
                        if (forms[k] != Dw.FORM_REF_ADDR) {
                            siblingAt = at;
                            siblingSize = size;
                        }
                    }
                    case Dw.AT_LOCATION -> location = true;
                    case Dw.AT_TYPE -> type = true;
                    default -> { }
                }
                at += size;
                if (at > 0xffff) {
                    return VARIABLE;
                }
            }
            return new Layout(at, nameForm, nameAt, nameSize, specForm, specAt, specSize, declAt, declSize, siblingAt,
                    siblingSize, location, type);
        }
    }

    /** The slot of a name given by its form and raw value; -1 for a form that is not a string. */
    private static int slot(Dwarf dwarf, Unit u, NameTable out, LongIntMap strSlots, int form, long value) {
        switch (form) {
            case Dw.FORM_STRP, Dw.FORM_STRX, Dw.FORM_STRX1, Dw.FORM_STRX2, Dw.FORM_STRX3, Dw.FORM_STRX4,
                 Dw.FORM_GNU_STR_INDEX -> {
                long off = form == Dw.FORM_STRP ? value : dwarf.strOffset(u, value);
                int slot = strSlots.get(off);
                if (slot < 0) {
                    slot = out.slotFor(dwarf, NameTable.DEBUG_STR, dwarf.section(".debug_str"), off);
                    strSlots.put(off, slot);
                }
                return slot;
            }
            case Dw.FORM_STRING -> {
                return out.slotFor(dwarf, NameTable.DEBUG_INFO, dwarf.info(), value);
            }
            case Dw.FORM_LINE_STRP -> {
                return out.slotFor(dwarf, NameTable.DEBUG_LINE_STR, dwarf.section(".debug_line_str"), value);
            }
            default -> {
                return -1;
            }
        }
    }

    /** The abbreviation of the DIE at the reader, or null for a null entry. */
    private static Abbrev abbrev(AbbrevTable table, Reader r, Section info) {
        long at = r.pos;
        long code = r.uleb();
        if (code == 0) {
            return null;
        }
        Abbrev a = table.get(code);
        if (a == null) {
            throw new FormatException(info.name, at, "abbreviation code " + Long.toUnsignedString(code)
                    + " is not in the unit's table");
        }
        return a;
    }
}
