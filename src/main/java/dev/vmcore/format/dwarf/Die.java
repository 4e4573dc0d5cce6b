package dev.vmcore.format.dwarf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One debugging information entry: its tag and raw attribute values, resolved on request
 * (strings through .debug_str / .debug_line_str / .debug_str_offsets, addresses through .debug_addr,
 * references to .debug_info offsets). Children are read when asked for.
 */
public final class Die {
    private final Unit unit;
    private final long offset;
    private final Abbrev abbrev;
    private final int[] forms;
    private final long[] values;
    private final long childrenOffset;

    Die(Unit unit, long offset, Abbrev abbrev, int[] forms, long[] values, long childrenOffset) {
        this.unit = unit;
        this.offset = offset;
        this.abbrev = abbrev;
        this.forms = forms;
        this.values = values;
        this.childrenOffset = childrenOffset;
    }

    /** Reads the DIE at {@code offset}; null for a null entry (abbreviation code 0). */
    static Die read(Unit u, Section info, long offset) {
        Reader r = new Reader(info, offset, u.end());
        long code = r.uleb();
        if (code == 0) {
            return null;
        }
        Abbrev a = u.abbrevs().get(code);
        if (a == null) {
            throw info.fault(offset, "abbreviation code " + Long.toUnsignedString(code) + " is not in the table at 0x"
                    + Long.toHexString(u.abbrevOffset()));
        }
        int[] forms = a.forms();
        int n = forms.length;
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            int form = forms[i];
            if (form == Dw.FORM_INDIRECT) {
                if (forms == a.forms()) {
                    forms = forms.clone();
                }
                form = Forms.indirectForm(r);
                forms[i] = form;
            }
            values[i] = Forms.read(r, u, form, form == Dw.FORM_IMPLICIT_CONST && a.implicitConsts() != null
                    ? a.implicitConsts()[i] : 0);
        }
        return new Die(u, offset, a, forms, values, r.pos);
    }

    /** Offset in {@code .debug_info}. */
    public long offset() {
        return offset;
    }

    public Unit unit() {
        return unit;
    }

    /** DW_TAG_* */
    public int tag() {
        return abbrev.tag();
    }

    public boolean hasChildren() {
        return abbrev.hasChildren();
    }

    /** Offset just past this DIE's attributes: its first child, or its next sibling when it has none. */
    long childrenOffset() {
        return childrenOffset;
    }

    /** Every attribute, raw, in abbreviation order. */
    public List<Attribute> attributes() {
        List<Attribute> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            out.add(new Attribute(abbrev.attrs()[i], forms[i], values[i]));
        }
        return out;
    }

    public boolean has(int at) {
        return abbrev.indexOf(at) >= 0;
    }

    /** The form of attribute {@code at}, or 0 when absent. */
    public int form(int at) {
        int i = abbrev.indexOf(at);
        return i < 0 ? 0 : forms[i];
    }

    /** The raw value of {@code at} (see {@link Forms#read}), or {@code dflt}. */
    long rawUnsigned(int at, long dflt) {
        int i = abbrev.indexOf(at);
        return i < 0 ? dflt : values[i];
    }

    private Dwarf dwarf() {
        return unit.dwarf();
    }

    /** A string attribute (DW_FORM_string, strp, line_strp, strx*), empty when absent or not a string. */
    public Optional<String> string(int at) {
        int i = abbrev.indexOf(at);
        if (i < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(dwarf().resolveString(unit, forms[i], values[i]));
    }

    /** The DIE's DW_AT_name. */
    public Optional<String> name() {
        return string(Dw.AT_NAME);
    }

    /**
     * A constant or flag or section offset, as an unsigned 64-bit value; DW_FORM_sdata and
     * implicit_const give their signed value. Empty for other classes.
     */
    public OptionalLong unsigned(int at) {
        int i = abbrev.indexOf(at);
        if (i < 0) {
            return OptionalLong.empty();
        }
        return switch (forms[i]) {
            case Dw.FORM_DATA1, Dw.FORM_DATA2, Dw.FORM_DATA4, Dw.FORM_DATA8, Dw.FORM_UDATA, Dw.FORM_SDATA,
                 Dw.FORM_IMPLICIT_CONST, Dw.FORM_FLAG, Dw.FORM_FLAG_PRESENT, Dw.FORM_SEC_OFFSET ->
                    OptionalLong.of(values[i]);
            default -> OptionalLong.empty();
        };
    }

    /** A constant read as signed: data1/2/4 are sign-extended from their size. */
    public OptionalLong signed(int at) {
        int i = abbrev.indexOf(at);
        if (i < 0) {
            return OptionalLong.empty();
        }
        long v = values[i];
        return switch (forms[i]) {
            case Dw.FORM_DATA1 -> OptionalLong.of((byte) v);
            case Dw.FORM_DATA2 -> OptionalLong.of((short) v);
            case Dw.FORM_DATA4 -> OptionalLong.of((int) v);
            case Dw.FORM_DATA8, Dw.FORM_SDATA, Dw.FORM_IMPLICIT_CONST, Dw.FORM_UDATA -> OptionalLong.of(v);
            default -> OptionalLong.empty();
        };
    }

    /** True when the flag {@code at} is present and set. */
    public boolean flag(int at) {
        int i = abbrev.indexOf(at);
        return i >= 0 && (forms[i] == Dw.FORM_FLAG_PRESENT || (forms[i] == Dw.FORM_FLAG && values[i] != 0));
    }

    /** An address attribute (DW_FORM_addr, addrx*), resolved through .debug_addr. */
    public OptionalLong address(int at) {
        int i = abbrev.indexOf(at);
        if (i < 0) {
            return OptionalLong.empty();
        }
        return switch (forms[i]) {
            case Dw.FORM_ADDR -> OptionalLong.of(values[i]);
            case Dw.FORM_ADDRX, Dw.FORM_ADDRX1, Dw.FORM_ADDRX2, Dw.FORM_ADDRX3, Dw.FORM_ADDRX4,
                 Dw.FORM_GNU_ADDR_INDEX -> OptionalLong.of(dwarf().indexedAddress(unit, values[i]));
            default -> OptionalLong.empty();
        };
    }

    /** A reference attribute as a {@code .debug_info} offset (ref_sig8 through the type units). */
    public OptionalLong reference(int at) {
        int i = abbrev.indexOf(at);
        if (i < 0) {
            return OptionalLong.empty();
        }
        long v = values[i];
        return switch (forms[i]) {
            case Dw.FORM_REF1, Dw.FORM_REF2, Dw.FORM_REF4, Dw.FORM_REF8, Dw.FORM_REF_UDATA ->
                    OptionalLong.of(unit.offset() + v);
            case Dw.FORM_REF_ADDR -> OptionalLong.of(v);
            case Dw.FORM_REF_SIG8 -> dwarf().typeBySignature(v);
            default -> OptionalLong.empty();
        };
    }

    /** The DIE a reference attribute points to. */
    public Optional<Die> referenced(int at) {
        OptionalLong ref = reference(at);
        return ref.isPresent() ? Optional.of(dwarf().die(ref.getAsLong())) : Optional.empty();
    }

    /** The bytes of a block, exprloc or data16 attribute. */
    public Optional<byte[]> block(int at) {
        int i = abbrev.indexOf(at);
        if (i < 0) {
            return Optional.empty();
        }
        int form = forms[i];
        return switch (form) {
            case Dw.FORM_BLOCK1, Dw.FORM_BLOCK2, Dw.FORM_BLOCK4, Dw.FORM_BLOCK, Dw.FORM_EXPRLOC, Dw.FORM_DATA16 -> {
                Section info = dwarf().info();
                Reader r = new Reader(info, values[i], unit.end());
                int len = (int) Forms.blockLength(r, form);
                r.skip(len);
                yield Optional.of(info.bytes(r.pos - len, len));
            }
            default -> Optional.empty();
        };
    }

    /** The children, read in order (empty when the abbreviation says it has none). */
    public List<Die> children() {
        return dwarf().children(this);
    }

    /**
     * The name of a function or type, following DW_AT_abstract_origin and DW_AT_specification
     * (a few hops) when the DIE has none of its own; DW_AT_linkage_name is not preferred.
     */
    public Optional<String> nameFollowingOrigins() {
        Die d = this;
        for (int hop = 0; hop < 8; hop++) {
            Optional<String> n = d.name();
            if (n.isPresent()) {
                return n;
            }
            Optional<Die> next = d.referenced(Dw.AT_ABSTRACT_ORIGIN);
            if (next.isEmpty()) {
                next = d.referenced(Dw.AT_SPECIFICATION);
            }
            if (next.isEmpty()) {
                return Optional.empty();
            }
            d = next.get();
        }
        return Optional.empty();
    }

    /** The address ranges [low, high) of a DIE: DW_AT_low_pc/high_pc or DW_AT_ranges; empty when none. */
    public List<long[]> ranges() {
        return dwarf().ranges(this);
    }

    @Override
    public String toString() {
        return "DIE 0x" + Long.toHexString(offset) + " tag 0x" + Integer.toHexString(tag()) + " "
                + Arrays.toString(abbrev.attrs());
    }
}
