package dev.vmcore.format.x86;

/**
 * The operand specs of the opcode tables (see {@link OpcodeTables}), applied to a {@link Decoding}:
 * registers, immediates, branch targets, ModRM operands by size, moffs, string operands, and the
 * vector, mask and MMX operands. Each reads the bytes it needs and adds its operand in Intel order.
 */
final class OperandSpecs {
    private OperandSpecs() {
    }

    /** Applies operand spec {@code s} (Intel order). */
    static void apply(Decoding d, String s) {
        switch (s) {
            case "1" -> d.intelTrailing = ",1"; // objdump's AT&T leaves the 1 out, its Intel does not
            case "AL" -> d.reg("al");
            case "CL" -> d.reg("cl");
            case "DX" -> d.add(new Operand.Mem(null, "dx", null, 1, 0, 0));
            case "FS" -> d.reg("fs");
            case "GS" -> d.reg("gs");
            case "XMM0" -> d.reg("xmm0");
            case "rAX" -> d.reg(Regs.gpr(0, d.osz(), false));
            case "eAX" -> {
                if (d.p66 >= 0) {
                    d.pfxUsed[d.p66] = true;
                }
                d.reg(d.p66 >= 0 ? "ax" : "eax");
            }
            case "Ib" -> d.add(new Operand.Imm(d.u8(), 1));
            case "Iw" -> d.add(new Operand.Imm(d.s16() & 0xffff, 2));
            case "Ibs" -> {
                int size = d.osz();
                d.add(new Operand.Imm(d.s8(), size));
            }
            case "Ibs64" -> {
                int size = d.osz64();
                if (size == 2) {
                    d.mnem += "w";
                }
                d.add(new Operand.Imm(d.s8(), size));
            }
            case "Iz" -> {
                int size = d.osz();
                d.add(new Operand.Imm(d.imm(size == 2 ? 2 : 4), size));
            }
            case "Iz64" -> {
                int size = d.osz64();
                if (size == 2) {
                    d.mnem += "w";
                }
                d.add(new Operand.Imm(d.imm(size == 2 ? 2 : 4), size));
            }
            case "Jb" -> {
                long rel = d.s8();
                d.add(new Operand.Rel(d.addr + (d.pos - d.start) + rel));
            }
            case "Jz" -> {
                if (d.p66 >= 0 && (d.rBits & 8) == 0 && (d.mnem.equals("call") || d.mnem.equals("jmp"))) {
                    // objdump follows AMD: a 16-bit operand size truncates the target
                    d.pfxUsed[d.p66] = true;
                    long rel = d.s16();
                    d.mnem += "w";
                    d.add(new Operand.Rel((d.addr + (d.pos - d.start) + rel) & 0xffff));
                } else {
                    long rel = d.s32();
                    d.add(new Operand.Rel(d.addr + (d.pos - d.start) + rel));
                }
            }
            case "Z64" -> {
                d.useRex(1);
                d.reg(Regs.gpr(opcodeReg(d), d.osz64(), d.rex != 0));
            }
            case "Zb" -> {
                d.useRex(1);
                if (d.rex != 0 && opcodeReg(d) >= 4 && opcodeReg(d) < 8) {
                    d.rexUsed |= 0x40;
                }
                d.reg(Regs.gpr(opcodeReg(d), 1, d.rex != 0));
            }
            case "Zv" -> {
                d.useRex(1);
                d.reg(Regs.gpr(opcodeReg(d), d.osz(), d.rex != 0));
            }
            case "Sw" -> {
                d.modrm();
                d.reg(Regs.SEG[d.reg]); // 6 and 7 do not exist; objdump decodes them as "%?"
            }
            case "Esw" -> {
                d.modrm();
                if (d.mod == 3) {
                    d.gprRm(d.osz());
                } else {
                    d.memOperand(2);
                }
            }
            case "Cq" -> {
                d.modrmRegisterOnly();
                d.reg("cr" + d.regNum());
            }
            case "Dq" -> {
                d.modrmRegisterOnly();
                d.reg("db" + d.regNum());
            }
            case "Rq" -> {
                d.modrmRegisterOnly();
                d.reg(Regs.R64[d.rmNum()]);
            }
            case "Ob", "Ov" -> {
                int size = s.equals("Ob") ? 1 : d.osz();
                long a = d.p67 >= 0 ? d.s32() & 0xffffffffL : d.s64();
                if (d.p67 >= 0) {
                    d.mnem = "mov"; // objdump keeps "addr32" unused here and says mov, not movabs
                }
                d.add(new Operand.Mem(d.seg(), null, null, 1, a, size), new Decoded.Hint(true, 0, ""));
                d.intelSizeWord = ""; // objdump prints "movabs eax,ds:0x10", no DWORD PTR
            }
            case "Xb", "Xv", "Xz", "Xbx" -> {
                int size = s.equals("Xb") || s.equals("Xbx") ? 1 : s.equals("Xz") ? d.zSize() : d.osz();
                if (d.suffixSize == 0) {
                    d.suffixSize = size;
                }
                String sg = d.seg();
                if (sg == null && d.pSeg >= 0) {
                    d.pfxUsed[d.pSeg] = true; // the default %ds: of a string source absorbs cs/ds/es/ss
                }
                boolean a32 = d.p67 >= 0;
                if (a32) {
                    d.pfxUsed[d.p67] = true;
                }
                String base = s.equals("Xbx") ? (a32 ? "ebx" : "rbx") : a32 ? "esi" : "rsi";
                d.add(new Operand.Mem(sg != null ? sg : "ds", base, null, 1, 0, size));
            }
            case "Yb", "Yv", "Yz" -> {
                int size = s.equals("Yb") ? 1 : s.equals("Yz") ? d.zSize() : d.osz();
                if (d.suffixSize == 0) {
                    d.suffixSize = size;
                }
                boolean a32 = d.p67 >= 0;
                if (a32) {
                    d.pfxUsed[d.p67] = true;
                }
                d.add(new Operand.Mem("es", a32 ? "edi" : "rdi", null, 1, 0, size));
            }
            case "M" -> d.mOnly(0);
            default -> sizedOperand(d, s);
        }
    }

    /** The register in the low 3 bits of the opcode byte just read, with REX.B. */
    private static int opcodeReg(Decoding d) {
        return (d.b[d.pos - 1] & 7) | ((d.rBits & 1) << 3);
    }

    /** An operand spec "Kind size": E, G, M, B, V, H, L, K, W, U, P, N, Q. */
    private static void sizedOperand(Decoding d, String s) {
        char k = s.charAt(0);
        String sz = s.substring(1);
        switch (k) {
            case 'E' -> {
                int slash = sz.indexOf('/');
                if (slash < 0) {
                    d.eOperand(d.sizeCode(sz));
                } else {
                    d.modrm(); // a register of one size, or memory of another (pinsrb, pextrw)
                    if (d.mod == 3) {
                        d.gprRm(d.sizeCode(sz.substring(0, slash)));
                    } else {
                        d.memOperand(d.sizeCode(sz.substring(slash + 1)));
                    }
                }
            }
            case 'G' -> {
                d.modrm();
                d.gprReg(d.sizeCode(sz));
            }
            case 'M' -> d.mOnly(d.sizeCode(sz));
            case 'B' -> d.reg(Regs.gpr(d.vvvv & 15, d.sizeCode(sz), true));
            case 'V' -> {
                d.modrm();
                int n = d.regNum() | ((d.rBits & 16) != 0 ? 16 : 0);
                d.reg(Regs.vec(n, vecRegSize(d, sz)));
            }
            case 'H' -> {
                String hs = sz;
                if (hs.startsWith("m")) {
                    // movss/movsd: the merge register exists only in the register form
                    if (d.mod != 3) {
                        return;
                    }
                    hs = hs.substring(1);
                }
                if (d.vex || d.evex) {
                    d.reg(Regs.vec(d.vvvv, vecRegSize(d, hs)));
                }
            }
            case 'L' -> d.reg(Regs.vec((d.u8() >> 4) & 15, vecRegSize(d, sz)));
            case 'K' -> {
                d.modrm();
                if (sz.equals("m") && d.mod != 3) {
                    throw X86Decoder.bad();
                }
                d.reg("k" + (sz.equals("r") ? d.reg : d.rm));
            }
            case 'W', 'U' -> {
                d.modrm();
                if (d.mod == 3) {
                    int n = d.rmNum() | (d.evex && (d.rBits & 2) != 0 ? 16 : 0);
                    d.reg(Regs.vec(n, vecRegSize(d, sz)));
                } else {
                    if (k == 'U') {
                        throw X86Decoder.bad();
                    }
                    vecMem(d, sz);
                }
            }
            case 'P' -> {
                d.modrm();
                d.reg("mm" + d.reg);
            }
            case 'N', 'Q' -> {
                d.modrm();
                if (d.mod == 3) {
                    d.reg("mm" + d.rm);
                } else {
                    if (k == 'N') {
                        throw X86Decoder.bad();
                    }
                    d.memOperand(d.sizeCode(sz));
                }
            }
            default -> throw new IllegalStateException("operand " + s);
        }
    }

    private static int vecRegSize(Decoding d, String sz) {
        return switch (sz) {
            case "x" -> d.vecSize();
            case "x2" -> Math.max(16, d.vecSize() / 2);
            case "qq" -> 32;
            default -> 16;
        };
    }

    /** A vector memory operand; with EVEX.b an element broadcast, printed {1toN}. */
    private static void vecMem(Decoding d, String sz) {
        int size = switch (sz) {
            case "x" -> d.vecSize();
            default -> d.sizeCode(sz);
        };
        if (d.evex && d.eb && sz.equals("x")) {
            int el = d.vW != 0 ? 8 : 4;
            long disp = d.memDisp;
            if (d.mod == 1) {
                disp *= el;
            }
            d.add(new Operand.Mem(d.seg(), d.memBase, d.memIndex, d.memIndex == null ? 1 : d.memScale, disp, el),
                    new Decoded.Hint(d.memDispShown, d.memRiz, "{1to" + (d.vecSize() / el) + "}"));
            return;
        }
        d.memOperand(size);
    }
}
