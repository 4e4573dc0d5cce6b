package dev.vmcore.types;

import dev.vmcore.format.dwarf.DwarfWriter.Buf;

import dev.vmcore.format.dwarf.Dw;
import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.dwarf.DwarfSections;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic DWARF for the type tests: trees of DIEs whose attributes are written in the forms the
 * test chooses, in DWARF 4 compile units, DWARF 5 compile units (strings through
 * .debug_str_offsets) and DWARF 5 type units. References may point forward and across units;
 * offsets are laid out before anything is written. Little-endian, 32-bit DWARF, 8-byte addresses.
 */
final class DwarfBuilder {
    // DWARF constants the reader's Dw does not define.
    static final int TAG_UNSPECIFIED_PARAMETERS = 0x18;
    static final int TAG_RESTRICT_TYPE = 0x37;
    static final int TAG_ATOMIC_TYPE = 0x47;
    static final int AT_BIT_OFFSET = 0x0c;
    static final int AT_PROTOTYPED = 0x27;
    static final int AT_SIGNATURE = 0x69;
    static final int ATE_BOOLEAN = 2;
    static final int ATE_FLOAT = 4;
    static final int ATE_SIGNED = 5;
    static final int ATE_SIGNED_CHAR = 6;
    static final int ATE_UNSIGNED = 7;
    static final int ATE_UNSIGNED_CHAR = 8;
    static final int OP_PLUS_UCONST = 0x23;

    private final List<Unit> units = new ArrayList<>();
    private final Map<String, Integer> strIndex = new LinkedHashMap<>();
    private boolean built;

    /** One attribute: value is a Long, String, Node (reference) or byte[] (block) by form. */
    record Attr(int at, int form, Object value) {
    }

    /** A DIE being built. */
    final class Node {
        final int tag;
        final Unit unit;
        final List<Attr> attrs = new ArrayList<>();
        final List<Node> children = new ArrayList<>();
        boolean hasChildren;
        int offset = -1;

        Node(Unit unit, int tag) {
            this.unit = unit;
            this.tag = tag;
        }

        Node attr(int at, int form, Object value) {
            attrs.add(new Attr(at, form, value));
            return this;
        }

        /** DW_AT_name in the unit's string form (string or strp for DWARF 4, strx1 for DWARF 5). */
        Node name(String name) {
            return attr(Dw.AT_NAME, unit.stringForm, name);
        }

        Node size(long bytes) {
            return attr(Dw.AT_BYTE_SIZE, Dw.FORM_DATA1, bytes);
        }

        /** DW_AT_type as a unit-relative ref4, or ref_addr when the target is in another unit. */
        Node type(Node target) {
            return attr(Dw.AT_TYPE, target.unit == unit ? Dw.FORM_REF4 : Dw.FORM_REF_ADDR, target);
        }

        Node declaration() {
            return attr(Dw.AT_DECLARATION, Dw.FORM_FLAG_PRESENT, null);
        }

        /** A child DIE (marks this one as having children). */
        Node child(int tag) {
            Node n = new Node(unit, tag);
            children.add(n);
            hasChildren = true;
            return n;
        }

        /** A struct/union member at byte {@code offset} (DW_FORM_udata). */
        Node member(String name, Node type, long offset) {
            Node m = child(Dw.TAG_MEMBER);
            if (name != null) {
                m.name(name);
            }
            return m.type(type).attr(Dw.AT_DATA_MEMBER_LOCATION, Dw.FORM_UDATA, offset);
        }

        /** A union member (no location). */
        Node member(String name, Node type) {
            Node m = child(Dw.TAG_MEMBER);
            if (name != null) {
                m.name(name);
            }
            return m.type(type);
        }
    }

    /** A compile or type unit. */
    final class Unit {
        final int version;
        final int unitType;
        final long signature;
        final int stringForm;
        final Node root;
        Node typeDie;
        int offset;
        int abbrevOffset;

        Unit(int version, int unitType, long signature, int rootTag) {
            this.version = version;
            this.unitType = unitType;
            this.signature = signature;
            this.stringForm = version >= 5 ? Dw.FORM_STRX1 : Dw.FORM_STRP;
            this.root = new Node(this, rootTag);
            root.hasChildren = true;
        }

        /** A top-level DIE. */
        Node die(int tag) {
            return root.child(tag);
        }

        Node base(String name, long size, int encoding) {
            return die(Dw.TAG_BASE_TYPE).name(name).size(size).attr(Dw.AT_ENCODING, Dw.FORM_DATA1, (long) encoding);
        }

        Node pointer(Node target) {
            Node p = die(Dw.TAG_POINTER_TYPE).size(8);
            return target == null ? p : p.type(target);
        }

        Node struct(String name, long size) {
            Node s = die(Dw.TAG_STRUCTURE_TYPE);
            if (name != null) {
                s.name(name);
            }
            return s.size(size);
        }

        Node union(String name, long size) {
            Node s = die(Dw.TAG_UNION_TYPE);
            if (name != null) {
                s.name(name);
            }
            return s.size(size);
        }

        Node typedef(String name, Node target) {
            return die(Dw.TAG_TYPEDEF).name(name).type(target);
        }

        /** {@code element[count]...}: a subrange per dimension, each with DW_AT_upper_bound count-1 (data1). */
        Node array(Node element, Node index, long... counts) {
            Node a = die(Dw.TAG_ARRAY_TYPE).type(element);
            for (long c : counts) {
                a.child(Dw.TAG_SUBRANGE_TYPE).type(index).attr(Dw.AT_UPPER_BOUND, Dw.FORM_DATA1, c - 1);
            }
            return a;
        }
    }

    /** A compile unit of DWARF {@code version} (4 or 5). */
    Unit compileUnit(int version) {
        Unit u = new Unit(version, Dw.UT_COMPILE, 0, Dw.TAG_COMPILE_UNIT);
        u.root.attr(Dw.AT_NAME, Dw.FORM_STRING, "unit" + units.size() + ".c");
        units.add(u);
        return u;
    }

    /** A DWARF 5 type unit with {@code signature}; set its {@link Unit#typeDie}. */
    Unit typeUnit(long signature) {
        Unit u = new Unit(5, Dw.UT_TYPE, signature, Dw.TAG_TYPE_UNIT);
        units.add(u);
        return u;
    }

    Dwarf open() {
        return Dwarf.open(DwarfSections.of(build()));
    }

    /** The sections: .debug_info, .debug_abbrev, .debug_str, .debug_str_offsets. */
    Map<String, byte[]> build() {
        if (built) {
            throw new IllegalStateException("build() once");
        }
        built = true;
        Buf str = new Buf();
        Map<String, Integer> strp = new HashMap<>();
        for (Unit u : units) {
            if (u.version >= 5) {
                u.root.attrs.add(0, new Attr(Dw.AT_STR_OFFSETS_BASE, Dw.FORM_SEC_OFFSET, 8L));
            }
            collectStrings(u.root, str, strp);
        }
        Buf abbrev = new Buf();
        int pos = 0;
        for (Unit u : units) {
            u.offset = pos;
            u.abbrevOffset = abbrev.pos();
            int[] code = {0};
            writeAbbrevs(u.root, abbrev, code);
            abbrev.uleb(0);
            pos = layout(u.root, pos + headerSize(u), new int[] {0});
        }
        Buf info = new Buf();
        for (Unit u : units) {
            Buf body = new Buf();
            writeDie(u.root, body, new int[] {0}, strp);
            int length = headerSize(u) - 4 + body.pos();
            info.u32(length).u16(u.version);
            if (u.version >= 5) {
                info.u8(u.unitType).u8(8).u32(u.abbrevOffset);
                if (u.unitType == Dw.UT_TYPE) {
                    info.u64(u.signature).u32(u.typeDie.offset - u.offset);
                }
            } else {
                info.u32(u.abbrevOffset).u8(8);
            }
            info.bytes(body.toArray());
        }
        Buf offsets = new Buf();
        offsets.u32(4 + 4L * strIndex.size()).u16(5).u16(0);
        for (String s : strIndex.keySet()) {
            offsets.u32(strp.get(s));
        }
        Map<String, byte[]> m = new HashMap<>();
        m.put(".debug_info", info.toArray());
        m.put(".debug_abbrev", abbrev.toArray());
        m.put(".debug_str", str.toArray());
        m.put(".debug_str_offsets", offsets.toArray());
        return m;
    }

    private static int headerSize(Unit u) {
        return u.version >= 5 ? (u.unitType == Dw.UT_TYPE ? 24 : 12) : 11;
    }

    private void collectStrings(Node n, Buf str, Map<String, Integer> strp) {
        for (Attr a : n.attrs) {
            if (a.form() == Dw.FORM_STRP || a.form() == Dw.FORM_STRX1) {
                String s = (String) a.value();
                if (!strp.containsKey(s)) {
                    strp.put(s, str.pos());
                    str.str(s);
                }
                if (a.form() == Dw.FORM_STRX1) {
                    strIndex.putIfAbsent(s, strIndex.size());
                }
            }
        }
        n.children.forEach(c -> collectStrings(c, str, strp));
    }

    /** One abbreviation per DIE, numbered in DIE order. */
    private static void writeAbbrevs(Node n, Buf ab, int[] code) {
        ab.uleb(++code[0]).uleb(n.tag).u8(n.hasChildren ? 1 : 0);
        for (Attr a : n.attrs) {
            ab.uleb(a.at()).uleb(a.form());
            if (a.form() == Dw.FORM_IMPLICIT_CONST) {
                ab.sleb((Long) a.value());
            }
        }
        ab.uleb(0).uleb(0);
        n.children.forEach(c -> writeAbbrevs(c, ab, code));
    }

    /** Assigns offsets from {@code pos}; returns the offset past the subtree. */
    private int layout(Node n, int pos, int[] code) {
        n.offset = pos;
        pos += ulebSize(++code[0]);
        for (Attr a : n.attrs) {
            pos += valueSize(a);
        }
        if (n.hasChildren) {
            for (Node c : n.children) {
                pos = layout(c, pos, code);
            }
            pos += 1;
        }
        return pos;
    }

    private int valueSize(Attr a) {
        return switch (a.form()) {
            case Dw.FORM_FLAG_PRESENT, Dw.FORM_IMPLICIT_CONST -> 0;
            case Dw.FORM_DATA1, Dw.FORM_FLAG, Dw.FORM_STRX1, Dw.FORM_REF1 -> 1;
            case Dw.FORM_DATA2 -> 2;
            case Dw.FORM_DATA4, Dw.FORM_STRP, Dw.FORM_REF4, Dw.FORM_REF_ADDR, Dw.FORM_SEC_OFFSET -> 4;
            case Dw.FORM_DATA8, Dw.FORM_REF_SIG8 -> 8;
            case Dw.FORM_UDATA -> ulebSize((Long) a.value());
            case Dw.FORM_SDATA -> new Buf().sleb((Long) a.value()).pos();
            case Dw.FORM_STRING -> ((String) a.value()).getBytes(StandardCharsets.UTF_8).length + 1;
            case Dw.FORM_EXPRLOC -> ulebSize(((byte[]) a.value()).length) + ((byte[]) a.value()).length;
            case Dw.FORM_BLOCK1 -> 1 + ((byte[]) a.value()).length;
            default -> throw new IllegalArgumentException("form 0x" + Integer.toHexString(a.form()));
        };
    }

    private void writeDie(Node n, Buf b, int[] code, Map<String, Integer> strp) {
        b.uleb(++code[0]);
        for (Attr a : n.attrs) {
            Object v = a.value();
            switch (a.form()) {
                case Dw.FORM_FLAG_PRESENT, Dw.FORM_IMPLICIT_CONST -> { }
                case Dw.FORM_DATA1, Dw.FORM_FLAG -> b.u8((Long) v);
                case Dw.FORM_DATA2 -> b.u16((Long) v);
                case Dw.FORM_DATA4, Dw.FORM_SEC_OFFSET -> b.u32((Long) v);
                case Dw.FORM_DATA8, Dw.FORM_REF_SIG8 -> b.u64((Long) v);
                case Dw.FORM_UDATA -> b.uleb((Long) v);
                case Dw.FORM_SDATA -> b.sleb((Long) v);
                case Dw.FORM_STRING -> b.str((String) v);
                case Dw.FORM_STRP -> b.u32(strp.get((String) v));
                case Dw.FORM_STRX1 -> b.u8(strIndex.get((String) v));
                case Dw.FORM_REF1 -> b.u8(((Node) v).offset - n.unit.offset);
                case Dw.FORM_REF4 -> b.u32(((Node) v).offset - n.unit.offset);
                case Dw.FORM_REF_ADDR -> b.u32(((Node) v).offset);
                case Dw.FORM_EXPRLOC -> b.uleb(((byte[]) v).length).bytes((byte[]) v);
                case Dw.FORM_BLOCK1 -> b.u8(((byte[]) v).length).bytes((byte[]) v);
                default -> throw new IllegalArgumentException("form 0x" + Integer.toHexString(a.form()));
            }
        }
        if (n.hasChildren) {
            for (Node c : n.children) {
                writeDie(c, b, code, strp);
            }
            b.u8(0);
        }
    }

    /** The size of {@code v} as ULEB128. */
    static int ulebSize(long v) {
        return new Buf().uleb(v).pos();
    }
}
