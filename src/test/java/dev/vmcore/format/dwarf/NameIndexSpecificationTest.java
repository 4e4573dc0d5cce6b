package dev.vmcore.format.dwarf;

import org.junit.jupiter.api.Test;

import dev.vmcore.util.FormatException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Definitions without a name of their own: GCC's DIE for {@code const char banner[220] = ...}
 * after a header's {@code extern const char banner[];} has no DW_AT_name but a DW_AT_specification
 * referring to the declaration's DIE. The index keeps it under the declaration's name.
 */
class NameIndexSpecificationTest {
    private static final int CU = 1;
    private static final int BASE = 2;
    private static final int VAR_DECL = 3;
    /** specification ref4, own type, location: the usual definition. */
    private static final int VAR_SPEC = 4;
    /** specification ref_udata (no fixed layout: the scan's slow path), location, no type of its own. */
    private static final int VAR_SPEC_UNTYPED = 5;
    /** specification ref_addr, to a declaration in another unit; own type, location. */
    private static final int VAR_SPEC_ADDR = 6;
    private static final int FUNC_DECL = 7;
    /** specification ref2, low_pc. */
    private static final int FUNC_SPEC = 8;
    /** A variable whose specification refers to a DIE that is no variable: not indexed. */
    private static final int VAR_SPEC_WRONG_TAG = 9;
    /** A variable whose specification leaves its unit: not indexed. */
    private static final int VAR_SPEC_OUTSIDE = 10;

    /** Offsets of the DIEs by name, filled by {@link #build}. */
    private long decl0;
    private long decl1;
    private long untyped0;
    private long typed1;
    private long crossUnit2;
    private long funcDecl0;
    private long funcSpec0;

    private Map<String, byte[]> build() {
        DwarfWriter w = new DwarfWriter();
        DwarfWriter.Buf str = w.s(".debug_str");
        int sBanner = str.add("banner");
        int sF = str.add("f");
        DwarfWriter.Buf ab = w.s(".debug_abbrev");
        abbrev(ab, CU, Dw.TAG_COMPILE_UNIT, true, Dw.AT_NAME, Dw.FORM_STRING);
        abbrev(ab, BASE, Dw.TAG_BASE_TYPE, false, Dw.AT_NAME, Dw.FORM_STRING, Dw.AT_BYTE_SIZE, Dw.FORM_DATA1);
        abbrev(ab, VAR_DECL, Dw.TAG_VARIABLE, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_TYPE, Dw.FORM_REF4,
                Dw.AT_DECLARATION, Dw.FORM_FLAG_PRESENT);
        abbrev(ab, VAR_SPEC, Dw.TAG_VARIABLE, false, Dw.AT_SPECIFICATION, Dw.FORM_REF4, Dw.AT_TYPE, Dw.FORM_REF4,
                Dw.AT_LOCATION, Dw.FORM_EXPRLOC);
        abbrev(ab, VAR_SPEC_UNTYPED, Dw.TAG_VARIABLE, false, Dw.AT_SPECIFICATION, Dw.FORM_REF_UDATA,
                Dw.AT_LOCATION, Dw.FORM_EXPRLOC);
        abbrev(ab, VAR_SPEC_ADDR, Dw.TAG_VARIABLE, false, Dw.AT_SPECIFICATION, Dw.FORM_REF_ADDR,
                Dw.AT_TYPE, Dw.FORM_REF_ADDR, Dw.AT_LOCATION, Dw.FORM_EXPRLOC);
        abbrev(ab, FUNC_DECL, Dw.TAG_SUBPROGRAM, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_DECLARATION,
                Dw.FORM_FLAG_PRESENT);
        abbrev(ab, FUNC_SPEC, Dw.TAG_SUBPROGRAM, false, Dw.AT_SPECIFICATION, Dw.FORM_REF2, Dw.AT_LOW_PC,
                Dw.FORM_ADDR);
        abbrev(ab, VAR_SPEC_WRONG_TAG, Dw.TAG_VARIABLE, false, Dw.AT_SPECIFICATION, Dw.FORM_REF4,
                Dw.AT_LOCATION, Dw.FORM_EXPRLOC);
        abbrev(ab, VAR_SPEC_OUTSIDE, Dw.TAG_VARIABLE, false, Dw.AT_SPECIFICATION, Dw.FORM_REF4,
                Dw.AT_LOCATION, Dw.FORM_EXPRLOC);
        ab.uleb(0);
        byte[] loc = {(byte) 0x03, 0, 0x10, 0, 0, 0, 0, 0, 0}; // DW_OP_addr 0x1000

        DwarfWriter.Buf info = w.s(".debug_info");
        // unit 0: char, extern banner, an untyped (weak) definition of it, f declared and defined
        DwarfWriter.Buf u = header(0);
        int base0 = u.pos();
        u.uleb(BASE).str("char").u8(1);
        decl0 = u.pos();
        u.uleb(VAR_DECL).u32(sBanner).u32(base0);
        untyped0 = u.pos();
        u.uleb(VAR_SPEC_UNTYPED).uleb(decl0).uleb(loc.length).bytes(loc);
        funcDecl0 = u.pos();
        u.uleb(FUNC_DECL).u32(sF);
        funcSpec0 = u.pos();
        u.uleb(FUNC_SPEC).u16(funcDecl0).u64(0x2000);
        u.uleb(VAR_SPEC_WRONG_TAG).u32(base0).uleb(loc.length).bytes(loc);
        u.uleb(VAR_SPEC_OUTSIDE).u32(0x7fff_0000L).uleb(loc.length).bytes(loc);
        int end0 = finish(info, u);
        // unit 1: its own extern banner and the typed definition
        u = header(1);
        int base1 = u.pos();
        u.uleb(BASE).str("char").u8(1);
        decl1 = end0 + u.pos();
        u.uleb(VAR_DECL).u32(sBanner).u32(base1);
        typed1 = end0 + u.pos();
        u.uleb(VAR_SPEC).u32(decl1 - end0).u32(base1).uleb(loc.length).bytes(loc);
        int end1 = finish(info, u);
        // unit 2: a definition of unit 0's declaration
        u = header(2);
        crossUnit2 = end1 + u.pos();
        u.uleb(VAR_SPEC_ADDR).u32(decl0).u32(base0).uleb(loc.length).bytes(loc);
        finish(info, u);
        return w.build();
    }

    private static DwarfWriter.Buf header(int n) {
        DwarfWriter.Buf u = new DwarfWriter.Buf();
        u.u32(0).u16(4).u32(0).u8(8);
        u.uleb(CU).str("cu" + n + ".c");
        return u;
    }

    /** Ends the unit, patches its length, appends it; returns the offset past it. */
    private static int finish(DwarfWriter.Buf info, DwarfWriter.Buf u) {
        u.u8(0);
        byte[] b = u.toArray();
        DwarfWriter.Buf.put32(b, 0, b.length - 4);
        info.bytes(b);
        return info.pos();
    }

    private static void abbrev(DwarfWriter.Buf ab, int code, int tag, boolean children, int... pairs) {
        ab.uleb(code).uleb(tag).u8(children ? 1 : 0);
        for (int i = 0; i < pairs.length; i += 2) {
            ab.uleb(pairs[i]).uleb(pairs[i + 1]);
        }
        ab.uleb(0).uleb(0);
    }

    private static List<Long> offsets(List<IndexEntry> entries) {
        return entries.stream().map(IndexEntry::dieOffset).toList();
    }

    @Test
    void definitionsByDwAtSpecificationAreKeptUnderTheDeclarationsName() {
        Dwarf d = Dwarf.open(DwarfSections.of(build()));
        List<IndexEntry> banner = d.index().find("banner", Dw.TAG_VARIABLE);
        // with own type and location (unit 1's, then unit 2's through ref_addr), then the one whose
        // type is only the declaration's, then the first declaration
        assertEquals(List.of(typed1, crossUnit2, untyped0, decl0), offsets(banner));
        assertEquals(List.of(false, false, false, true), banner.stream().map(IndexEntry::declaration).toList());
        assertTrue(banner.stream().allMatch(e -> e.name().equals("banner")));
        assertEquals(d.units().get(1).offset(), banner.get(0).unitOffset());
        assertTrue(d.die(banner.get(0).dieOffset()).name().isEmpty(), "the definition itself has no name");
        assertEquals("banner", d.die(banner.get(0).dieOffset()).nameFollowingOrigins().orElseThrow());
        assertFalse(banner.contains(new IndexEntry("banner", Dw.TAG_VARIABLE, d.units().get(1).offset(), decl1, true)),
                "one declaration kept");
    }

    @Test
    void subprogramDefinitionsToo() {
        Dwarf d = Dwarf.open(DwarfSections.of(build()));
        assertEquals(List.of(funcSpec0, funcDecl0), offsets(d.index().find("f")));
    }

    @Test
    void referencesToOtherTagsOrOutsideTheUnitAreNotKept() {
        Dwarf d = Dwarf.open(DwarfSections.of(build()));
        assertEquals(List.of(), d.index().find("char", Dw.TAG_VARIABLE));
        assertEquals(3, d.index().names(), "char, banner, f");
        assertEquals(1 + 4 + 2, d.index().size(), "char; banner's 3 definitions and 1 declaration; f's 2");
    }

    @Test
    void theThreadCountDoesNotMatter() {
        Map<String, byte[]> m = build();
        Dwarf d = Dwarf.open(DwarfSections.of(m));
        NameIndex one = NameIndex.build(d, 1);
        for (int threads : new int[] {2, 3}) {
            NameIndex many = NameIndex.build(d, threads);
            for (String n : List.of("banner", "f", "char")) {
                assertEquals(one.find(n), many.find(n), n + " with " + threads + " threads");
            }
        }
    }

    /** Corrupt references and abbreviations: the index is built or fails with a FormatException. */
    @Test
    void mutationsFailCleanly() {
        Map<String, byte[]> seed = build();
        Random rnd = new Random(11);
        for (int i = 0; i < 3000; i++) {
            Map<String, byte[]> m = new HashMap<>(seed);
            String target = rnd.nextBoolean() ? ".debug_info" : ".debug_abbrev";
            byte[] b = m.get(target).clone();
            for (int e = 1 + rnd.nextInt(3); e > 0; e--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            m.put(target, b);
            try {
                NameIndex index = NameIndex.build(Dwarf.open(DwarfSections.of(m)), 1);
                index.find("banner");
                index.find("f");
            } catch (FormatException expected) {
                // corrupt input, reported as such
            } catch (RuntimeException | StackOverflowError e) {
                fail("mutation " + i + " of " + target + ": " + e, e);
            }
        }
    }
}
