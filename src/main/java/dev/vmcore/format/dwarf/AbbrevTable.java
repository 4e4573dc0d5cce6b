package dev.vmcore.format.dwarf;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The abbreviations of one table in {@code .debug_abbrev}, by code (an array when codes are dense).
 * Parsing checks every declaration and notes where each one is; an {@link Abbrev} is built on its
 * first use, so that a scan that meets only the codes of top-level DIEs builds only those.
 */
final class AbbrevTable {
    /** Caps on hostile input: abbreviations per table and attributes per abbreviation. */
    static final int MAX_ABBREVS = 1 << 20;
    static final int MAX_ATTRS = 4096;

    private final Section section;
    private final int[] codes;
    /** Per declaration: offset of its tag in the section. */
    private final int[] at;
    /** Per declaration: attribute count, with bit 31 set when one is DW_FORM_implicit_const. */
    private final int[] shape;
    /** Per declaration: the abbreviation once built (racy but benign: an Abbrev is immutable). */
    private final Abbrev[] built;
    /** Dense tables: declaration index + 1 by code (0 = none); else null and {@link #sparse}. */
    private final int[] byCode;
    private final Map<Integer, Integer> sparse;

    private AbbrevTable(Section section, int[] codes, int[] at, int[] shape, int[] byCode,
                        Map<Integer, Integer> sparse) {
        this.section = section;
        this.codes = codes;
        this.at = at;
        this.shape = shape;
        this.built = new Abbrev[codes.length];
        this.byCode = byCode;
        this.sparse = sparse;
    }

    /** Parses (checks and locates the declarations of) the table at {@code offset} in {@code abbrev}. */
    static AbbrevTable parse(Section abbrev, long offset) {
        Reader r = new Reader(abbrev, offset);
        int[] codes = new int[64];
        int[] at = new int[64];
        int[] shape = new int[64];
        int n = 0;
        int maxCode = 0;
        while (!r.atEnd()) { // tolerate a table that runs to the end of the section without its 0 code
            int code = r.ulebInt("abbreviation code");
            if (code == 0) {
                break;
            }
            if (n >= MAX_ABBREVS) {
                throw abbrev.fault(r.pos, "more than " + MAX_ABBREVS + " abbreviations in one table");
            }
            if (n == codes.length) {
                codes = Arrays.copyOf(codes, n * 2);
                at = Arrays.copyOf(at, n * 2);
                shape = Arrays.copyOf(shape, n * 2);
            }
            codes[n] = code;
            at[n] = (int) r.pos;
            shape[n] = checkDeclaration(abbrev, r, code);
            n++;
            maxCode = Math.max(maxCode, code);
        }
        codes = Arrays.copyOf(codes, n);
        at = Arrays.copyOf(at, n);
        shape = Arrays.copyOf(shape, n);
        if (maxCode <= n * 2 + 16) {
            int[] byCode = new int[maxCode + 1];
            for (int i = 0; i < n; i++) {
                if (byCode[codes[i]] == 0) {
                    byCode[codes[i]] = i + 1;
                }
            }
            return new AbbrevTable(abbrev, codes, at, shape, byCode, null);
        }
        Map<Integer, Integer> map = new HashMap<>();
        for (int i = 0; i < n; i++) {
            map.putIfAbsent(codes[i], i);
        }
        return new AbbrevTable(abbrev, codes, at, shape, null, map);
    }

    /** Checks one declaration (tag, children flag, attribute and form pairs) and returns its shape. */
    private static int checkDeclaration(Section abbrev, Reader r, int code) {
        r.ulebInt("tag");
        int children = r.u8();
        if (children > 1) {
            throw abbrev.fault(r.pos - 1, "abbreviation " + code + " has children flag " + children);
        }
        int count = 0;
        int consts = 0;
        while (true) {
            long attr = r.uleb();
            long form = r.uleb();
            if (attr == 0 && form == 0) {
                return count | consts;
            }
            if (attr < 0 || attr > 0xffff || form < 0 || form > 0xffff) {
                throw abbrev.fault(r.pos, "abbreviation " + code + " has attribute 0x" + Long.toHexString(attr)
                        + " with form 0x" + Long.toHexString(form));
            }
            if (count == MAX_ATTRS) {
                throw abbrev.fault(r.pos, "abbreviation " + code + " has too many attributes");
            }
            if (form == Dw.FORM_IMPLICIT_CONST) {
                consts = 1 << 31;
                r.sleb();
            }
            count++;
        }
    }

    /** The abbreviation for {@code code}, or null. */
    Abbrev get(long code) {
        int i;
        if (byCode != null) {
            i = code > 0 && code < byCode.length ? byCode[(int) code] - 1 : -1;
        } else {
            Integer k = code > 0 && code <= Integer.MAX_VALUE ? sparse.get((int) code) : null;
            i = k == null ? -1 : k;
        }
        if (i < 0) {
            return null;
        }
        Abbrev a = built[i];
        if (a == null) {
            a = build(i);
            built[i] = a;
        }
        return a;
    }

    /** Builds declaration {@code i}, which {@link #parse} has checked. */
    private Abbrev build(int i) {
        Reader r = new Reader(section, at[i]);
        int tag = (int) r.uleb();
        boolean children = r.u8() == 1;
        int n = shape[i] & Integer.MAX_VALUE;
        int[] attrs = new int[n];
        int[] forms = new int[n];
        long[] consts = shape[i] < 0 ? new long[n] : null;
        for (int k = 0; k < n; k++) {
            attrs[k] = (int) r.uleb();
            forms[k] = (int) r.uleb();
            if (forms[k] == Dw.FORM_IMPLICIT_CONST) {
                consts[k] = r.sleb();
            }
        }
        return new Abbrev(codes[i], tag, children, attrs, forms, consts);
    }
}
