package dev.vmcore.format.dwarf;

/**
 * Reading and skipping attribute values by form. A value is read raw: a constant, an address or
 * an index, a unit-relative reference, a section offset, or for {@code DW_FORM_string} and the
 * block forms the position of the value (a block's length prefix) in {@code .debug_info}; {@link Die} resolves it.
 */
final class Forms {
    private Forms() {
    }

    /** Nesting limit for DW_FORM_indirect (which could otherwise name itself forever). */
    private static final int MAX_INDIRECT = 4;

    /** Reads the value of {@code form} at the reader's position and moves past it. */
    static long read(Reader r, Unit u, int form, long implicitConst) {
        return switch (form) {
            case Dw.FORM_ADDR -> r.uN(u.addressSize());
            case Dw.FORM_DATA1, Dw.FORM_REF1, Dw.FORM_FLAG, Dw.FORM_STRX1, Dw.FORM_ADDRX1 -> r.u8();
            case Dw.FORM_DATA2, Dw.FORM_REF2, Dw.FORM_STRX2, Dw.FORM_ADDRX2 -> r.u16();
            case Dw.FORM_STRX3, Dw.FORM_ADDRX3 -> r.u24();
            case Dw.FORM_DATA4, Dw.FORM_REF4, Dw.FORM_STRX4, Dw.FORM_ADDRX4, Dw.FORM_REF_SUP4 -> r.u32();
            case Dw.FORM_DATA8, Dw.FORM_REF8, Dw.FORM_REF_SIG8, Dw.FORM_REF_SUP8 -> r.u64();
            case Dw.FORM_SDATA -> r.sleb();
            case Dw.FORM_UDATA, Dw.FORM_REF_UDATA, Dw.FORM_STRX, Dw.FORM_ADDRX, Dw.FORM_LOCLISTX,
                 Dw.FORM_RNGLISTX, Dw.FORM_GNU_ADDR_INDEX, Dw.FORM_GNU_STR_INDEX -> r.uleb();
            case Dw.FORM_STRP, Dw.FORM_LINE_STRP, Dw.FORM_SEC_OFFSET, Dw.FORM_STRP_SUP, Dw.FORM_GNU_REF_ALT,
                 Dw.FORM_GNU_STRP_ALT -> r.offset(u.offsetSize());
            case Dw.FORM_REF_ADDR -> u.version() <= 2 ? r.uN(u.addressSize()) : r.offset(u.offsetSize());
            case Dw.FORM_FLAG_PRESENT -> 1;
            case Dw.FORM_IMPLICIT_CONST -> implicitConst;
            case Dw.FORM_STRING -> {
                long p = r.pos;
                r.skipCString();
                yield p;
            }
            case Dw.FORM_BLOCK1, Dw.FORM_BLOCK2, Dw.FORM_BLOCK4, Dw.FORM_BLOCK, Dw.FORM_EXPRLOC,
                 Dw.FORM_DATA16 -> {
                long p = r.pos;
                r.skip(blockLength(r, form));
                yield p;
            }
            default -> throw r.s.fault(r.pos, "unknown attribute form 0x" + Integer.toHexString(form));
        };
    }

    /** The length prefix of a block form (16 for DW_FORM_data16), leaving the reader at the bytes. */
    static long blockLength(Reader r, int form) {
        return switch (form) {
            case Dw.FORM_BLOCK1 -> r.u8();
            case Dw.FORM_BLOCK2 -> r.u16();
            case Dw.FORM_BLOCK4 -> r.u32();
            case Dw.FORM_DATA16 -> 16;
            default -> {
                long at = r.pos;
                long n = r.uleb();
                if (n < 0 || n > Integer.MAX_VALUE) {
                    throw r.s.fault(at, "block length " + Long.toUnsignedString(n) + " is too large");
                }
                yield n;
            }
        };
    }

    /** Reads a DW_FORM_indirect's real form. */
    static int indirectForm(Reader r) {
        for (int i = 0; i < MAX_INDIRECT; i++) {
            long at = r.pos;
            long f = r.uleb();
            if (f < 0 || f > 0xffff) {
                throw r.s.fault(at, "indirect form 0x" + Long.toHexString(f));
            }
            if (f != Dw.FORM_INDIRECT) {
                return (int) f;
            }
        }
        throw r.s.fault(r.pos, "DW_FORM_indirect nested too deep");
    }

    /** Moves past a value of {@code form} (the index build's hot path: no allocation). */
    static void skip(Reader r, Unit u, int form) {
        switch (form) {
            case Dw.FORM_FLAG_PRESENT, Dw.FORM_IMPLICIT_CONST -> { }
            case Dw.FORM_DATA1, Dw.FORM_REF1, Dw.FORM_FLAG, Dw.FORM_STRX1, Dw.FORM_ADDRX1 -> r.skip(1);
            case Dw.FORM_DATA2, Dw.FORM_REF2, Dw.FORM_STRX2, Dw.FORM_ADDRX2 -> r.skip(2);
            case Dw.FORM_STRX3, Dw.FORM_ADDRX3 -> r.skip(3);
            case Dw.FORM_DATA4, Dw.FORM_REF4, Dw.FORM_STRX4, Dw.FORM_ADDRX4, Dw.FORM_REF_SUP4 -> r.skip(4);
            case Dw.FORM_DATA8, Dw.FORM_REF8, Dw.FORM_REF_SIG8, Dw.FORM_REF_SUP8 -> r.skip(8);
            case Dw.FORM_STRP, Dw.FORM_LINE_STRP, Dw.FORM_SEC_OFFSET, Dw.FORM_STRP_SUP, Dw.FORM_GNU_REF_ALT,
                 Dw.FORM_GNU_STRP_ALT -> r.skip(u.offsetSize());
            case Dw.FORM_ADDR -> r.skip(u.addressSize());
            case Dw.FORM_INDIRECT -> skip(r, u, indirectForm(r));
            default -> read(r, u, form, 0);
        }
    }

    /** The size of a {@code form} value in units shaped like {@code u}; -1 when it varies (LEB128, strings, blocks). */
    static int fixedSize(Unit u, int form) {
        return switch (form) {
            case Dw.FORM_FLAG_PRESENT, Dw.FORM_IMPLICIT_CONST -> 0;
            case Dw.FORM_DATA1, Dw.FORM_REF1, Dw.FORM_FLAG, Dw.FORM_STRX1, Dw.FORM_ADDRX1 -> 1;
            case Dw.FORM_DATA2, Dw.FORM_REF2, Dw.FORM_STRX2, Dw.FORM_ADDRX2 -> 2;
            case Dw.FORM_STRX3, Dw.FORM_ADDRX3 -> 3;
            case Dw.FORM_DATA4, Dw.FORM_REF4, Dw.FORM_STRX4, Dw.FORM_ADDRX4, Dw.FORM_REF_SUP4 -> 4;
            case Dw.FORM_DATA8, Dw.FORM_REF8, Dw.FORM_REF_SIG8, Dw.FORM_REF_SUP8 -> 8;
            case Dw.FORM_DATA16 -> 16;
            case Dw.FORM_STRP, Dw.FORM_LINE_STRP, Dw.FORM_SEC_OFFSET, Dw.FORM_STRP_SUP, Dw.FORM_GNU_REF_ALT,
                 Dw.FORM_GNU_STRP_ALT -> u.offsetSize();
            case Dw.FORM_ADDR -> u.addressSize();
            case Dw.FORM_REF_ADDR -> u.version() <= 2 ? u.addressSize() : u.offsetSize();
            default -> -1;
        };
    }

    /** True for the forms of the constant class (which make DW_AT_high_pc an offset from low_pc). */
    static boolean isConstant(int form) {
        return switch (form) {
            case Dw.FORM_DATA1, Dw.FORM_DATA2, Dw.FORM_DATA4, Dw.FORM_DATA8, Dw.FORM_SDATA, Dw.FORM_UDATA,
                 Dw.FORM_IMPLICIT_CONST -> true;
            default -> false;
        };
    }
}
