package dev.vmcore.format.dwarf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The abbreviations of one table in {@code .debug_abbrev}, by code (an array when codes are dense). */
final class AbbrevTable {
    /** Caps on hostile input: abbreviations per table and attributes per abbreviation. */
    static final int MAX_ABBREVS = 1 << 20;
    static final int MAX_ATTRS = 4096;

    private final Abbrev[] dense;
    private final Map<Integer, Abbrev> sparse;

    private AbbrevTable(Abbrev[] dense, Map<Integer, Abbrev> sparse) {
        this.dense = dense;
        this.sparse = sparse;
    }

    /** Parses the table at {@code offset} in {@code abbrev}. */
    static AbbrevTable parse(Section abbrev, long offset) {
        Reader r = new Reader(abbrev, offset);
        List<Abbrev> list = new ArrayList<>();
        int maxCode = 0;
        while (true) {
            if (r.atEnd()) {
                break; // tolerate a table that runs to the end of the section without its 0 code
            }
            int code = r.ulebInt("abbreviation code");
            if (code == 0) {
                break;
            }
            if (list.size() >= MAX_ABBREVS) {
                throw abbrev.fault(r.pos, "more than " + MAX_ABBREVS + " abbreviations in one table");
            }
            int tag = r.ulebInt("tag");
            int children = r.u8();
            if (children > 1) {
                throw abbrev.fault(r.pos - 1, "abbreviation " + code + " has children flag " + children);
            }
            int[] attrs = new int[8];
            int[] forms = new int[8];
            long[] consts = null;
            int n = 0;
            while (true) {
                long at = r.uleb();
                long form = r.uleb();
                if (at == 0 && form == 0) {
                    break;
                }
                if (at < 0 || at > 0xffff || form < 0 || form > 0xffff) {
                    throw abbrev.fault(r.pos, "abbreviation " + code + " has attribute 0x" + Long.toHexString(at)
                            + " with form 0x" + Long.toHexString(form));
                }
                if (n == MAX_ATTRS) {
                    throw abbrev.fault(r.pos, "abbreviation " + code + " has too many attributes");
                }
                if (n == attrs.length) {
                    attrs = java.util.Arrays.copyOf(attrs, n * 2);
                    forms = java.util.Arrays.copyOf(forms, n * 2);
                    if (consts != null) {
                        consts = java.util.Arrays.copyOf(consts, n * 2);
                    }
                }
                attrs[n] = (int) at;
                forms[n] = (int) form;
                if (form == Dw.FORM_IMPLICIT_CONST) {
                    if (consts == null) {
                        consts = new long[attrs.length];
                    }
                    consts[n] = r.sleb();
                }
                n++;
            }
            list.add(new Abbrev(code, tag, children == 1, java.util.Arrays.copyOf(attrs, n),
                    java.util.Arrays.copyOf(forms, n), consts == null ? null : java.util.Arrays.copyOf(consts, n)));
            maxCode = Math.max(maxCode, code);
        }
        if (maxCode <= list.size() * 2 + 16) {
            Abbrev[] dense = new Abbrev[maxCode + 1];
            for (Abbrev a : list) {
                if (dense[a.code()] == null) {
                    dense[a.code()] = a;
                }
            }
            return new AbbrevTable(dense, null);
        }
        Map<Integer, Abbrev> map = new HashMap<>();
        for (Abbrev a : list) {
            map.putIfAbsent(a.code(), a);
        }
        return new AbbrevTable(null, map);
    }

    /** The abbreviation for {@code code}, or null. */
    Abbrev get(long code) {
        if (dense != null) {
            return code > 0 && code < dense.length ? dense[(int) code] : null;
        }
        return code > 0 && code <= Integer.MAX_VALUE ? sparse.get((int) code) : null;
    }
}
