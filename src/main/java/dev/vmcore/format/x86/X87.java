package dev.vmcore.format.x86;

/** The x87 escape opcodes D8-DF. */
final class X87 {
    private X87() {
    }

    private static final String[] D8 = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};
    private static final String[] DC = {"fadd", "fmul", "fcom2", "fcomp3", "fsub", "fsubr", "fdiv", "fdivr"};
    private static final String[] DE = {"faddp", "fmulp", "fcomp5", null, "fsubp", "fsubrp", "fdivp", "fdivrp"};
    private static final String[] D9_E0 = {
        "fchs", "fabs", null, null, "ftst", "fxam", null, null,
        "fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", null,
        "f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp",
        "fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos"};

    /** The size in bytes of each memory form of {@link OpcodeTables#X87_MEM}; 0 for the environment and state. */
    private static final int[] MEM_SIZE = {
        4, 4, 4, 4, 4, 4, 4, 4,
        4, 0, 4, 4, 0, 2, 0, 2,
        4, 4, 4, 4, 4, 4, 4, 4,
        4, 4, 4, 4, 0, 10, 0, 10,
        8, 8, 8, 8, 8, 8, 8, 8,
        8, 8, 8, 8, 0, 0, 0, 2,
        2, 2, 2, 2, 2, 2, 2, 2,
        2, 2, 2, 2, 10, 8, 10, 8};

    /** The Intel name of memory form {@code att}: without the AT&amp;T size suffix ("flds" is "fld"). */
    private static String intelMemName(String att, int size) {
        if (size == 0 || att.equals("fldcw") || att.equals("fnstcw") || att.equals("fnstsw") || att.startsWith("fb")) {
            return att;
        }
        return att.substring(0, att.length() - (size == 8 && att.startsWith("fi") ? 2 : 1));
    }

    static void decode(Decoding d, int op) {
        d.modrm();
        int esc = op - 0xd8;
        if (d.mod != 3) {
            String m = OpcodeTables.X87_MEM[esc * 8 + d.reg];
            if (m == null) {
                throw X86Decoder.bad();
            }
            int size = MEM_SIZE[esc * 8 + d.reg];
            d.setMnem(m);
            d.intelMnem = intelMemName(m, size);
            if (size == 0 && d.p66 >= 0) {
                // the 16-bit environment and state: objdump says frstors (AT&T), frstorw (Intel)
                d.pfxUsed[d.p66] = true;
                d.setMnem(m + "s");
                d.intelMnem = m + "w";
            }
            d.memOperand(size);
            return;
        }
        int r = d.reg;
        int i = d.rm;
        String st = "st(" + i + ")";
        switch (esc) {
            case 0 -> {
                if (r == 2 || r == 3) {
                    oneSt(d, D8[r], st);
                } else {
                    twoSt(d, D8[r], "st", st);
                }
            }
            case 1 -> {
                switch (r) {
                    case 0 -> oneSt(d, "fld", st);
                    case 1 -> oneSt(d, "fxch", st);
                    case 2 -> {
                        if (i != 0) {
                            throw X86Decoder.bad();
                        }
                        d.setMnem("fnop");
                    }
                    case 3 -> oneSt(d, "fstp1", st);
                    default -> {
                        String m = D9_E0[(r - 4) * 8 + i];
                        if (m == null) {
                            throw X86Decoder.bad();
                        }
                        d.setMnem(m);
                    }
                }
            }
            case 2 -> {
                String[] g = {"fcmovb", "fcmove", "fcmovbe", "fcmovu"};
                if (r < 4) {
                    twoSt(d, g[r], "st", st);
                } else if (r == 5 && i == 1) {
                    d.setMnem("fucompp");
                } else {
                    throw X86Decoder.bad();
                }
            }
            case 3 -> {
                String[] g = {"fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"};
                if (r < 4) {
                    twoSt(d, g[r], "st", st);
                } else if (r == 4 && (i == 0 || i == 1 || i == 4 || i == 5)) {
                    d.setMnem(new String[] {"fneni(8087 only)", "fndisi(8087 only)", null, null, "fnsetpm(287 only)",
                        "frstpm(287 only)"}[i]);
                } else if (r == 4 && i == 2) {
                    d.setMnem("fnclex");
                } else if (r == 4 && i == 3) {
                    d.setMnem("fninit");
                } else if (r == 5) {
                    twoSt(d, "fucomi", "st", st);
                } else if (r == 6) {
                    twoSt(d, "fcomi", "st", st);
                } else {
                    throw X86Decoder.bad();
                }
            }
            case 4 -> {
                if (r == 2 || r == 3) {
                    oneSt(d, DC[r], st);
                } else {
                    twoSt(d, DC[r], st, "st");
                    d.intelMnem = intelReversed(DC[r]);
                }
            }
            case 5 -> {
                String[] g = {"ffree", "fxch4", "fst", "fstp", "fucom", "fucomp", null, null};
                if (g[r] == null) {
                    throw X86Decoder.bad();
                }
                oneSt(d, g[r], st);
            }
            case 6 -> {
                if (r == 3 && i == 1) {
                    d.setMnem("fcompp");
                } else if (DE[r] == null) {
                    throw X86Decoder.bad();
                } else if (r == 2) {
                    oneSt(d, DE[r], st);
                } else {
                    twoSt(d, DE[r], st, "st");
                    d.intelMnem = intelReversed(DE[r]);
                }
            }
            default -> {
                if (r == 4 && i == 0) {
                    d.setMnem("fnstsw");
                    d.reg("ax");
                } else if (r == 5) {
                    twoSt(d, "fucomip", "st", st);
                } else if (r == 6) {
                    twoSt(d, "fcomip", "st", st);
                } else if (r == 0) {
                    oneSt(d, "ffreep", st);
                } else {
                    throw X86Decoder.bad();
                }
            }
        }
    }

    /**
     * 9B (fwait) before an x87 instruction: objdump prints the pair as one instruction, and the
     * no-wait forms (fninit, fnclex, fnstsw, ...) under their waiting names (finit, fclex, fstsw).
     * Returns false when no x87 opcode follows.
     */
    static boolean waitForm(Decoding d) {
        if (d.pos >= d.end) {
            return false;
        }
        int op = d.b[d.pos] & 0xff;
        if (op < 0xd8 || op > 0xdf) {
            return false;
        }
        d.pos++;
        decode(d, op);
        if (d.mnem.startsWith("fn") && !d.mnem.equals("fnop")) {
            d.mnem = "f" + d.mnem.substring(2);
            if (d.intelMnem != null) {
                d.intelMnem = "f" + d.intelMnem.substring(2);
            }
        }
        return true;
    }

    /**
     * DC and DE with a register destination: AT&amp;T (and objdump's AT&amp;T output) swaps the names
     * of the reversed subtractions and divisions; Intel syntax names them as the SDM does.
     */
    private static String intelReversed(String att) {
        if (att.startsWith("fsubr") || att.startsWith("fdivr")) {
            return att.substring(0, 4) + att.substring(5);
        }
        if (att.startsWith("fsub") || att.startsWith("fdiv")) {
            return att.substring(0, 4) + "r" + att.substring(4);
        }
        return null;
    }

    private static void oneSt(Decoding d, String m, String st) {
        d.setMnem(m);
        d.reg(st);
    }

    /** Intel order: destination first. */
    private static void twoSt(Decoding d, String m, String dst, String src) {
        d.setMnem(m);
        d.reg(dst);
        d.reg(src);
    }
}
