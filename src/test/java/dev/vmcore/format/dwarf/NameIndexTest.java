package dev.vmcore.format.dwarf;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the name index keeps when every unit repeats a name: the first definition and first
 * declaration of a type, variables with a location first, a few subprograms; whatever the thread count.
 */
class NameIndexTest {
    /** Units of one shared abbreviation table; each unit a list of DIEs given as {abbrev code, name}. */
    private static final int CU = 1;
    private static final int STRUCT = 2;
    private static final int STRUCT_DECL = 3;
    private static final int VAR_DECL = 4;
    private static final int VAR_LOC = 5;
    private static final int VAR_NO_LOC = 6;
    private static final int FUNC = 7;
    private static final int TYPEDEF_INLINE = 8;
    private static final int TYPEDEF_STRP = 9;

    /** Per unit: the DIEs (abbrev code and name) after the root. */
    private static final int[][] CODES = {
            {STRUCT_DECL, VAR_DECL, TYPEDEF_INLINE, FUNC},
            {STRUCT, VAR_NO_LOC, TYPEDEF_STRP, FUNC, FUNC},
            {STRUCT, VAR_LOC, FUNC, FUNC, STRUCT_DECL},
            {VAR_LOC, VAR_LOC, FUNC, FUNC, FUNC},
            {VAR_LOC, VAR_LOC, VAR_DECL, FUNC, FUNC, FUNC},
    };

    /** DIE offsets by unit and position, filled by {@link #build}. */
    private final long[][] offsets = new long[CODES.length][];

    private Map<String, byte[]> build() {
        DwarfWriter w = new DwarfWriter();
        DwarfWriter.Buf str = w.s(".debug_str");
        int sDup = str.add("dup");
        int sV = str.add("v");
        int sF = str.add("f");
        int sT = str.add("t");
        DwarfWriter.Buf ab = w.s(".debug_abbrev");
        abbrev(ab, CU, Dw.TAG_COMPILE_UNIT, true, Dw.AT_NAME, Dw.FORM_STRING);
        abbrev(ab, STRUCT, Dw.TAG_STRUCTURE_TYPE, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_BYTE_SIZE, Dw.FORM_DATA1);
        abbrev(ab, STRUCT_DECL, Dw.TAG_STRUCTURE_TYPE, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_DECLARATION,
                Dw.FORM_FLAG_PRESENT);
        abbrev(ab, VAR_DECL, Dw.TAG_VARIABLE, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_DECLARATION, Dw.FORM_FLAG);
        abbrev(ab, VAR_LOC, Dw.TAG_VARIABLE, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_LOCATION, Dw.FORM_EXPRLOC);
        abbrev(ab, VAR_NO_LOC, Dw.TAG_VARIABLE, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_CONST_VALUE, Dw.FORM_DATA1);
        abbrev(ab, FUNC, Dw.TAG_SUBPROGRAM, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_EXTERNAL, Dw.FORM_FLAG_PRESENT);
        abbrev(ab, TYPEDEF_INLINE, Dw.TAG_TYPEDEF, false, Dw.AT_NAME, Dw.FORM_STRING);
        abbrev(ab, TYPEDEF_STRP, Dw.TAG_TYPEDEF, false, Dw.AT_NAME, Dw.FORM_STRP);
        ab.uleb(0);
        DwarfWriter.Buf info = w.s(".debug_info");
        for (int n = 0; n < CODES.length; n++) {
            int base = info.pos();
            DwarfWriter.Buf u = new DwarfWriter.Buf();
            u.u32(0).u16(4).u32(0).u8(8);
            u.uleb(CU).str("cu" + n + ".c");
            offsets[n] = new long[CODES[n].length];
            for (int k = 0; k < CODES[n].length; k++) {
                offsets[n][k] = base + u.pos();
                int code = CODES[n][k];
                u.uleb(code);
                switch (code) {
                    case STRUCT -> u.u32(sDup).u8(8 * n);
                    case STRUCT_DECL -> u.u32(sDup);
                    case VAR_DECL -> u.u32(sV).u8(1);
                    case VAR_LOC -> u.u32(sV).uleb(1).u8(0x9c);
                    case VAR_NO_LOC -> u.u32(sV).u8(5);
                    case FUNC -> u.u32(sF);
                    case TYPEDEF_INLINE -> u.str("t");
                    case TYPEDEF_STRP -> u.u32(sT);
                    default -> throw new IllegalStateException();
                }
            }
            u.u8(0);
            byte[] b = u.toArray();
            DwarfWriter.Buf.put32(b, 0, b.length - 4);
            info.bytes(b);
        }
        return w.build();
    }

    private static void abbrev(DwarfWriter.Buf ab, int code, int tag, boolean children, int... pairs) {
        ab.uleb(code).uleb(tag).u8(children ? 1 : 0);
        for (int i = 0; i < pairs.length; i += 2) {
            ab.uleb(pairs[i]).uleb(pairs[i + 1]);
        }
        ab.uleb(0).uleb(0);
    }

    /** Offsets of the DIEs of abbreviation {@code code}, in .debug_info order. */
    private List<Long> all(int code) {
        List<Long> out = new ArrayList<>();
        for (int n = 0; n < CODES.length; n++) {
            for (int k = 0; k < CODES[n].length; k++) {
                if (CODES[n][k] == code) {
                    out.add(offsets[n][k]);
                }
            }
        }
        return out;
    }

    private static List<Long> offsets(List<IndexEntry> entries) {
        return entries.stream().map(IndexEntry::dieOffset).toList();
    }

    @Test
    void typesKeepTheFirstDefinitionBeforeTheFirstDeclaration() {
        Dwarf d = Dwarf.open(DwarfSections.of(build()));
        List<IndexEntry> dup = d.index().find("dup", Dw.TAG_STRUCTURE_TYPE);
        assertEquals(List.of(all(STRUCT).get(0), all(STRUCT_DECL).get(0)), offsets(dup));
        assertFalse(dup.get(0).declaration());
        assertTrue(dup.get(1).declaration());
        assertEquals(8, d.die(dup.get(0).dieOffset()).unsigned(Dw.AT_BYTE_SIZE).orElseThrow(),
                "unit 1's, not unit 2's");
        assertEquals(d.units().get(1).offset(), dup.get(0).unitOffset());
    }

    @Test
    void variablesWithALocationComeFirst() {
        Dwarf d = Dwarf.open(DwarfSections.of(build()));
        List<IndexEntry> v = d.index().find("v", Dw.TAG_VARIABLE);
        List<Long> expected = new ArrayList<>(all(VAR_LOC).subList(0, NameIndex.VARIABLE_DEFINITIONS));
        expected.add(all(VAR_DECL).get(0));
        assertEquals(expected, offsets(v), "4 with a location; the one without and the second declaration dropped");
        assertTrue(v.get(v.size() - 1).declaration());
        assertTrue(d.die(v.get(0).dieOffset()).has(Dw.AT_LOCATION));
    }

    @Test
    void subprogramsAreCapped() {
        Dwarf d = Dwarf.open(DwarfSections.of(build()));
        assertEquals(all(FUNC).subList(0, NameIndex.SUBPROGRAM_DEFINITIONS), offsets(d.index().find("f")));
    }

    @Test
    void inlineAndStrpNamesAreOneName() {
        Dwarf d = Dwarf.open(DwarfSections.of(build()));
        assertEquals(List.of(all(TYPEDEF_INLINE).get(0)), offsets(d.index().find("t", Dw.TAG_TYPEDEF)));
        assertEquals(4, d.index().names(), "dup, v, f, t");
        assertTrue(d.index().find("nope").isEmpty());
        assertTrue(d.index().find("du").isEmpty());
    }

    @Test
    void theThreadCountDoesNotMatter() {
        Map<String, byte[]> m = build();
        for (int threads : new int[] {1, 2, 3, 8}) {
            Dwarf d = Dwarf.open(DwarfSections.of(m));
            NameIndex one = NameIndex.build(d, 1);
            NameIndex many = NameIndex.build(d, threads);
            for (String n : List.of("dup", "v", "f", "t")) {
                assertEquals(one.find(n), many.find(n), n + " with " + threads + " threads");
            }
            assertEquals(one.size(), many.size());
        }
    }
}
