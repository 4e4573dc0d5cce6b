package dev.vmcore.format.dwarf;

import java.util.Map;

/**
 * A synthetic DWARF 5 unit (32-bit, str/addr/rnglist indexes, most forms) followed by a DWARF 4
 * unit in 64-bit DWARF with .debug_ranges, plus their line programs and .debug_aranges. Used by
 * the form tests and as the seed of the mutation test.
 */
final class SampleDwarf {
    static final long CU5_LOW = 0x1000;
    static final long CU4_LOW = 0x2000;

    private SampleDwarf() {
    }

    static Map<String, byte[]> build() {
        DwarfWriter w = new DwarfWriter();
        DwarfWriter.Buf str = w.s(".debug_str");
        DwarfWriter.Buf lstr = w.s(".debug_line_str");
        int sCu = str.add("cu5.c");
        int sPoint = str.add("point");
        int sX = str.add("x");
        int sY = str.add("y");
        int sInt = str.add("int");
        int sOuter = str.add("outer");
        int sGrab = str.add("grab_bag");
        int sInner4 = str.add("inner4");
        int lSrc = lstr.add("/src");
        int lInc = lstr.add("include");
        int lMain = lstr.add("main.c");
        // .debug_str_offsets: header then [cu5.c, point, int, grab_bag]
        DwarfWriter.Buf so = w.s(".debug_str_offsets");
        so.u32(4 + 16).u16(5).u16(0).u32(sCu).u32(sPoint).u32(sInt).u32(sGrab);
        // .debug_addr: header then [CU5_LOW, 0x1234, 0x5678, 0x9abc, 0xdef0]
        DwarfWriter.Buf addr = w.s(".debug_addr");
        addr.u32(4 + 40).u16(5).u8(8).u8(0).u64(CU5_LOW).u64(0x1234).u64(0x5678).u64(0x9abc).u64(0xdef0);
        // .debug_rnglists: header, one offset, a list [base+0x10, base+0x20)
        DwarfWriter.Buf rl = w.s(".debug_rnglists");
        rl.u32(8 + 4 + 6).u16(5).u8(8).u8(0).u32(1).u32(4).u8(Dw.RLE_OFFSET_PAIR).uleb(0x10).uleb(0x20)
                .u8(Dw.RLE_END_OF_LIST);

        DwarfWriter.Buf ab = w.s(".debug_abbrev");
        abbrev(ab, 1, Dw.TAG_COMPILE_UNIT, true, Dw.AT_NAME, Dw.FORM_STRX1, Dw.AT_COMP_DIR, Dw.FORM_LINE_STRP,
                Dw.AT_STMT_LIST, Dw.FORM_SEC_OFFSET, Dw.AT_LOW_PC, Dw.FORM_ADDRX, Dw.AT_HIGH_PC, Dw.FORM_DATA4,
                Dw.AT_STR_OFFSETS_BASE, Dw.FORM_SEC_OFFSET, Dw.AT_ADDR_BASE, Dw.FORM_SEC_OFFSET,
                Dw.AT_RNGLISTS_BASE, Dw.FORM_SEC_OFFSET);
        abbrev(ab, 2, Dw.TAG_STRUCTURE_TYPE, true, Dw.AT_NAME, Dw.FORM_STRX1, Dw.AT_BYTE_SIZE, Dw.FORM_DATA1,
                Dw.AT_SIBLING, Dw.FORM_REF4);
        abbrev(ab, 3, Dw.TAG_MEMBER, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_TYPE, Dw.FORM_REF4,
                Dw.AT_DATA_MEMBER_LOCATION, Dw.FORM_UDATA);
        // 4: member with implicit_const location 8
        ab.uleb(4).uleb(Dw.TAG_MEMBER).u8(0).uleb(Dw.AT_NAME).uleb(Dw.FORM_STRP).uleb(Dw.AT_TYPE).uleb(Dw.FORM_REF4)
                .uleb(Dw.AT_DATA_MEMBER_LOCATION).uleb(Dw.FORM_IMPLICIT_CONST).sleb(8).uleb(0).uleb(0);
        abbrev(ab, 5, Dw.TAG_BASE_TYPE, false, Dw.AT_NAME, Dw.FORM_STRX2, Dw.AT_BYTE_SIZE, Dw.FORM_DATA1,
                Dw.AT_ENCODING, Dw.FORM_DATA1);
        abbrev(ab, 6, Dw.TAG_SUBPROGRAM, false, Dw.AT_NAME, Dw.FORM_STRING, Dw.AT_INLINE, Dw.FORM_DATA1);
        abbrev(ab, 7, Dw.TAG_SUBPROGRAM, true, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_LOW_PC, Dw.FORM_ADDR,
                Dw.AT_HIGH_PC, Dw.FORM_DATA8, Dw.AT_EXTERNAL, Dw.FORM_FLAG_PRESENT);
        abbrev(ab, 8, Dw.TAG_INLINED_SUBROUTINE, false, Dw.AT_ABSTRACT_ORIGIN, Dw.FORM_REF_UDATA,
                Dw.AT_RANGES, Dw.FORM_RNGLISTX, Dw.AT_CALL_FILE, Dw.FORM_DATA1, Dw.AT_CALL_LINE, Dw.FORM_UDATA);
        abbrev(ab, 9, Dw.TAG_VARIABLE, false, Dw.AT_NAME, Dw.FORM_STRING, Dw.AT_LOCATION, Dw.FORM_EXPRLOC,
                Dw.AT_DECLARATION, Dw.FORM_FLAG, Dw.AT_TYPE, Dw.FORM_REF_ADDR);
        abbrev(ab, 10, Dw.TAG_VARIABLE, false, Dw.AT_NAME, Dw.FORM_STRX3, Dw.AT_CONST_VALUE, Dw.FORM_BLOCK2,
                Dw.AT_LOCATION, Dw.FORM_LOCLISTX, Dw.AT_DECL_LINE, Dw.FORM_SDATA, Dw.AT_TYPE, Dw.FORM_REF1,
                Dw.AT_UPPER_BOUND, Dw.FORM_DATA16, 0x2000, Dw.FORM_BLOCK4, 0x2001, Dw.FORM_INDIRECT,
                0x2002, Dw.FORM_REF8, 0x2003, Dw.FORM_DATA2, 0x2004, Dw.FORM_ADDRX1, 0x2005, Dw.FORM_ADDRX2,
                0x2006, Dw.FORM_ADDRX3, 0x2007, Dw.FORM_ADDRX4, 0x2008, Dw.FORM_STRX4, 0x2009, Dw.FORM_REF2,
                0x200a, Dw.FORM_BLOCK, 0x200b, Dw.FORM_REF_SIG8, 0x200c, Dw.FORM_STRX);
        ab.uleb(0);

        // ---- DWARF 5 unit
        DwarfWriter.Buf info = w.s(".debug_info");
        DwarfWriter.Buf u = new DwarfWriter.Buf();
        u.u32(0).u16(5).u8(Dw.UT_COMPILE).u8(8).u32(0); // length patched below
        u.uleb(1).u8(0).u32(lSrc).u32(0).uleb(0).u32(0x100).u32(8).u32(8).u32(12);
        int intDie = u.pos();
        u.uleb(5).u16(2).u8(4).u8(5);
        int structDie = u.pos();
        u.uleb(2).u8(1).u8(16);
        int sibPatch = u.pos();
        u.u32(0);
        u.uleb(3).u32(sX).u32(intDie).uleb(0);
        u.uleb(4).u32(sY).u32(intDie);
        u.u8(0);
        int afterStruct = u.pos();
        int innerDie = u.pos();
        u.uleb(6).str("inner").u8(3);
        u.uleb(7).u32(sOuter).u64(CU5_LOW).u64(0x80);
        u.uleb(8).uleb(innerDie).uleb(0).u8(1).uleb(42);
        u.u8(0);
        u.uleb(9).str("counter").uleb(3).bytes(new byte[] {0x03, 0x10, 0x20}).u8(1).u32(intDie);
        u.uleb(10).u24(3).u16(2).bytes(new byte[] {7, 8}).uleb(0).sleb(-5).u8(intDie).bytes(new byte[16])
                .u32(1).u8(9).uleb(Dw.FORM_UDATA).uleb(300).u64(structDie).u16(0xbeef).u8(1).u16(2).u24(3).u32(4)
                .u32(1).u16(intDie).uleb(2).bytes(new byte[] {1, 2}).u64(0x1122334455667788L).uleb(2);
        u.u8(0);
        byte[] cu5 = u.toArray();
        DwarfWriter.Buf.put32(cu5, 0, cu5.length - 4);
        DwarfWriter.Buf.put32(cu5, sibPatch, afterStruct);
        info.bytes(cu5);

        // ---- DWARF 4 unit, 64-bit DWARF, own abbreviation table
        int abbrev4 = ab.pos();
        abbrev(ab, 1, Dw.TAG_COMPILE_UNIT, true, Dw.AT_NAME, Dw.FORM_STRING, Dw.AT_STMT_LIST, Dw.FORM_SEC_OFFSET,
                Dw.AT_LOW_PC, Dw.FORM_ADDR, Dw.AT_HIGH_PC, Dw.FORM_ADDR, Dw.AT_COMP_DIR, Dw.FORM_STRING);
        abbrev(ab, 2, Dw.TAG_SUBPROGRAM, true, Dw.AT_NAME, Dw.FORM_STRING, Dw.AT_LOW_PC, Dw.FORM_ADDR,
                Dw.AT_HIGH_PC, Dw.FORM_DATA4);
        abbrev(ab, 3, Dw.TAG_LEXICAL_BLOCK, true, Dw.AT_RANGES, Dw.FORM_SEC_OFFSET);
        abbrev(ab, 4, Dw.TAG_INLINED_SUBROUTINE, false, Dw.AT_ABSTRACT_ORIGIN, Dw.FORM_REF4, Dw.AT_LOW_PC,
                Dw.FORM_ADDR, Dw.AT_HIGH_PC, Dw.FORM_DATA1, Dw.AT_CALL_FILE, Dw.FORM_DATA1, Dw.AT_CALL_LINE,
                Dw.FORM_DATA1);
        abbrev(ab, 5, Dw.TAG_SUBPROGRAM, false, Dw.AT_NAME, Dw.FORM_STRP, Dw.AT_INLINE, Dw.FORM_DATA1);
        ab.uleb(0);
        int line4 = lineProgram5Size(w, lMain, lInc, lSrc);
        DwarfWriter.Buf ranges = w.s(".debug_ranges");
        ranges.u64(0x10).u64(0x30).u64(0).u64(0);
        DwarfWriter.Buf v = new DwarfWriter.Buf();
        v.u32(0xffffffffL).u64(0).u16(4).u64(abbrev4).u8(8);
        v.uleb(1).str("cu4.c").u64(line4).u64(CU4_LOW).u64(CU4_LOW + 0x100).str("/w");
        int inner4 = v.pos();
        v.uleb(5).u64(sInner4).u8(3);
        v.uleb(2).str("main4").u64(CU4_LOW).u32(0x80);
        v.uleb(3).u64(0);
        v.uleb(4).u32(inner4).u64(CU4_LOW + 0x18).u8(8).u8(2).u8(77);
        v.u8(0).u8(0).u8(0);
        byte[] cu4 = v.toArray();
        long len = cu4.length - 12;
        for (int i = 0; i < 8; i++) {
            cu4[4 + i] = (byte) (len >> (8 * i));
        }
        info.bytes(cu4);
        lineProgram4(w);
        aranges(w, cu5.length);
        return w.build();
    }

    /**
     * .debug_aranges for both units: a 32-bit set for the DWARF 5 unit (12-byte header padded to
     * 16), a 64-bit set for the DWARF 4 unit (24-byte header padded to 32).
     */
    private static void aranges(DwarfWriter w, long cu4Offset) {
        DwarfWriter.Buf a = w.s(".debug_aranges");
        a.u32(2 + 4 + 1 + 1 + 4 + 16 * 2).u16(2).u32(0).u8(8).u8(0).u32(0);
        a.u64(CU5_LOW).u64(0x100).u64(0).u64(0);
        a.u32(0xffffffffL).u64(2 + 8 + 1 + 1 + 8 + 16 * 2).u16(2).u64(cu4Offset).u8(8).u8(0).u64(0);
        a.u64(CU4_LOW).u64(0x100).u64(0).u64(0);
    }

    private static void abbrev(DwarfWriter.Buf ab, int code, int tag, boolean children, int... pairs) {
        ab.uleb(code).uleb(tag).u8(children ? 1 : 0);
        for (int i = 0; i < pairs.length; i += 2) {
            ab.uleb(pairs[i]).uleb(pairs[i + 1]);
        }
        ab.uleb(0).uleb(0);
    }

    /** The DWARF 5 line program at offset 0; returns the offset after it (where the v4 one goes). */
    private static int lineProgram5Size(DwarfWriter w, int lMain, int lInc, int lSrc) {
        DwarfWriter.Buf l = w.s(".debug_line");
        DwarfWriter.Buf h = new DwarfWriter.Buf();
        h.u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13);
        for (int n : new int[] {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1}) {
            h.u8(n);
        }
        h.u8(1).uleb(Dw.LNCT_PATH).uleb(Dw.FORM_LINE_STRP).uleb(2).u32(lSrc).u32(lInc);
        h.u8(2).uleb(Dw.LNCT_PATH).uleb(Dw.FORM_STRING).uleb(Dw.LNCT_DIRECTORY_INDEX).uleb(Dw.FORM_UDATA)
                .uleb(3).str("main.c").uleb(0).str("main.c").uleb(0).str("inner.h").uleb(1);
        byte[] hb = h.toArray();
        DwarfWriter.Buf p = new DwarfWriter.Buf();
        p.u8(0).uleb(9).u8(Dw.LNE_SET_ADDRESS).u64(CU5_LOW);
        p.u8(Dw.LNS_ADVANCE_LINE).sleb(9).u8(Dw.LNS_COPY); // 0x1000 line 10 file 1
        p.u8(Dw.LNS_ADVANCE_PC).uleb(0x10).u8(Dw.LNS_SET_FILE).uleb(2).u8(Dw.LNS_ADVANCE_LINE).sleb(90)
                .u8(Dw.LNS_COPY); // 0x1010 inner.h:100
        p.u8(Dw.LNS_FIXED_ADVANCE_PC).u16(0x10).u8(Dw.LNS_SET_FILE).uleb(1).u8(Dw.LNS_ADVANCE_LINE).sleb(-88)
                .u8(Dw.LNS_COPY); // 0x1020 main.c:12
        p.u8(13 + (1 - -5) + 14 * 3); // special: line +1, address +3 -> 0x1023 main.c:13
        p.u8(Dw.LNS_ADVANCE_PC).uleb(0x100 - 0x23).u8(0).uleb(1).u8(Dw.LNE_END_SEQUENCE);
        byte[] pb = p.toArray();
        l.u32(2 + 2 + 4 + hb.length + pb.length).u16(5).u8(8).u8(0).u32(hb.length).bytes(hb).bytes(pb);
        return l.pos();
    }

    private static void lineProgram4(DwarfWriter w) {
        DwarfWriter.Buf l = w.s(".debug_line");
        DwarfWriter.Buf h = new DwarfWriter.Buf();
        h.u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13);
        for (int n : new int[] {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1}) {
            h.u8(n);
        }
        h.str("lib").u8(0);
        h.str("a.c").uleb(0).uleb(0).uleb(0).str("b.h").uleb(1).uleb(0).uleb(0).u8(0);
        byte[] hb = h.toArray();
        DwarfWriter.Buf p = new DwarfWriter.Buf();
        p.u8(0).uleb(9).u8(Dw.LNE_SET_ADDRESS).u64(CU4_LOW);
        p.u8(Dw.LNS_ADVANCE_LINE).sleb(4).u8(Dw.LNS_COPY); // 0x2000 a.c:5
        p.u8(Dw.LNS_CONST_ADD_PC); // +17
        p.u8(Dw.LNS_ADVANCE_PC).uleb(7).u8(Dw.LNS_SET_FILE).uleb(2).u8(Dw.LNS_ADVANCE_LINE).sleb(15)
                .u8(Dw.LNS_COPY); // 0x2018 b.h:20
        p.u8(Dw.LNS_ADVANCE_PC).uleb(0x100 - 0x18).u8(0).uleb(1).u8(Dw.LNE_END_SEQUENCE);
        byte[] pb = p.toArray();
        l.u32(2 + 4 + hb.length + pb.length).u16(4).u32(hb.length).bytes(hb).bytes(pb);
    }
}
