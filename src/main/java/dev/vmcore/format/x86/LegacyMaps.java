package dev.vmcore.format.x86;

/**
 * The one-byte and 0F opcode maps outside the vector tables: table entries, the ModRM-selected
 * groups (1-5, 6, 8, 11), and the opcodes whose name or operands depend on prefixes or REX.W.
 */
final class LegacyMaps {
    private LegacyMaps() {
    }

    static void oneByte(Decoding d, int op) {
        String e = OpcodeTables.ONE[op];
        if (e == null) {
            throw X86Decoder.bad();
        }
        if (op >= 0x6c && op <= 0x6f || op >= 0xa4 && op <= 0xaf && op != 0xa8 && op != 0xa9) {
            d.isString = true;
        }
        if (op >= 0x70 && op <= 0x7f || op == 0xe8 || op == 0xe9 || op == 0xeb || op >= 0xe0 && op <= 0xe3
                || op == 0xc2 || op == 0xc3) {
            d.isBranch = true;
        }
        d.isStore = op == 0x88 || op == 0x89;
        if (!e.startsWith("#")) {
            d.entry(e);
            if (op == 0xc9 && d.p66 >= 0) {
                d.pfxUsed[d.p66] = true;
                d.setMnem("leavew");
            }
            if (op == 0xc8 && d.p66 >= 0) {
                d.pfxUsed[d.p66] = true;
                d.setMnem("enterw");
            }
            if (op == 0xc8) {
                d.noReverse = true;
            }
            return;
        }
        int sp = e.indexOf(' ');
        String name = sp < 0 ? e : e.substring(0, sp);
        String rest = sp < 0 ? "" : e.substring(sp + 1);
        switch (name) {
            case "#grp1" -> {
                d.modrm();
                d.entry(OpcodeTables.ALU[d.reg] + "~ " + rest);
            }
            case "#grp2" -> {
                d.modrm();
                d.entry(OpcodeTables.SHIFT[d.reg] + "~ " + rest);
            }
            case "#grp3" -> {
                d.modrm();
                String[] g = {"test", "test", "not", "neg", "mul", "imul", "div", "idiv"};
                String imm = d.reg < 2 ? (rest.equals("Eb") ? ",Ib" : ",Iz") : "";
                d.entry(g[d.reg] + "~ " + rest + imm);
            }
            case "#grp4" -> {
                d.modrm();
                if (d.reg > 1) {
                    throw X86Decoder.bad();
                }
                d.entry((d.reg == 0 ? "inc~" : "dec~") + " Eb");
            }
            case "#grp5" -> {
                d.modrm();
                switch (d.reg) {
                    case 0 -> d.entry("inc~ Ev");
                    case 1 -> d.entry("dec~ Ev");
                    case 2 -> {
                        branchIndirect(d, "call");
                    }
                    case 3 -> {
                        d.isIndirectBranch = true;
                        d.entry("lcall M");
                        d.intelSizeWord = farWord(d);
                    }
                    case 4 -> branchIndirect(d, "jmp");
                    case 5 -> {
                        d.isIndirectBranch = true;
                        d.entry("ljmp M");
                        d.intelSizeWord = farWord(d);
                    }
                    case 6 -> {
                        int size = d.osz64();
                        d.setMnem(size == 2 && d.mod != 3 ? "pushw" : "push");
                        d.intelMnem = "push";
                        d.eOperand(size);
                    }
                    default -> throw X86Decoder.bad();
                }
            }
            case "#grp11" -> {
                d.modrm();
                if (d.reg == 0) {
                    d.isStore = true;
                    d.entry("mov~ " + rest);
                } else if (d.reg == 7 && d.mod == 3 && d.rm == 0) {
                    if (op == 0xc6) {
                        d.entry("xabort Ib");
                    } else {
                        d.entry("xbegin Jz");
                    }
                } else {
                    throw X86Decoder.bad();
                }
            }
            case "#pop" -> {
                d.modrm();
                if (d.reg != 0) {
                    throw X86Decoder.bad();
                }
                int size = d.osz64();
                d.setMnem(size == 2 && d.mod != 3 ? "popw" : "pop");
                d.intelMnem = "pop";
                d.eOperand(size);
            }
            case "#movimm" -> {
                if (d.w()) {
                    d.setMnem("movabs");
                    d.operand("Zv");
                    d.add(new Operand.Imm(d.s64(), 8));
                } else {
                    d.entry("mov Zv,Iz");
                }
            }
            case "#movsxd" -> {
                if (d.w()) {
                    d.entry("movslq Gv,Ed");
                } else {
                    d.entry("movsxd Gv,Ed");
                }
            }
            case "#nop" -> {
                if ((d.rBits & 1) != 0) {
                    d.entry("xchg Zv,rAX");
                } else if (d.pRep >= 0 && d.pfx[d.pRep] == 0xf3) {
                    d.pfxUsed[d.pRep] = true;
                    d.setMnem("pause");
                } else if (d.p66 >= 0) {
                    d.pfxUsed[d.p66] = true;
                    d.setMnem("xchg");
                    d.reg("ax");
                    d.reg("ax");
                } else {
                    d.setMnem("nop");
                }
            }
            case "#cbw" -> d.setMnem(switch (d.osz()) {
                case 8 -> "cltq";
                case 2 -> "cbtw";
                default -> "cwtl";
            });
            case "#cwd" -> d.setMnem(switch (d.osz()) {
                case 8 -> "cqto";
                case 2 -> "cwtd";
                default -> "cltd";
            });
            case "#pushf" -> d.setMnem(d.osz64() == 2 ? "pushfw" : "pushf");
            case "#popf" -> d.setMnem(d.osz64() == 2 ? "popfw" : "popf");
            case "#ret" -> {
                d.setMnem(d.osz64() == 2 ? "retw" : "ret");
                if (!rest.isEmpty()) {
                    d.operand(rest);
                }
            }
            case "#lret" -> {
                d.setMnem(d.w() ? "lretq" : d.p66 >= 0 ? "lretw" : "lret");
                if (d.p66 >= 0 && !d.w()) {
                    d.pfxUsed[d.p66] = true;
                }
                if (!rest.isEmpty()) {
                    d.operand(rest);
                }
            }
            case "#iret" -> {
                int s = d.osz();
                d.setMnem(s == 8 ? "iretq" : s == 2 ? "iretw" : "iret");
            }
            case "#jrcxz" -> {
                if (d.p67 >= 0) {
                    d.pfxUsed[d.p67] = true;
                    d.entry("jecxz Jb");
                } else {
                    d.entry("jrcxz Jb");
                }
            }
            case "#x87" -> X87.decode(d, op);
            case "#fwait" -> {
                if (!X87.waitForm(d)) {
                    d.setMnem("fwait");
                }
            }
            default -> throw new IllegalStateException(name);
        }
    }

    /** The far pointer of lcall/ljmp: 16:16 with a 66 prefix and no REX.W, else 16:32 (objdump's reading). */
    private static String farWord(Decoding d) {
        if (d.p66 >= 0 && (d.rBits & 8) == 0) {
            d.intelUsedPrefix = d.p66; // Intel syntax says so by the DWORD; AT&T prints the prefix
            return "DWORD";
        }
        return "FWORD";
    }

    static void branchIndirect(Decoding d, String m) {
        d.isIndirectBranch = true;
        d.modrm();
        int size = d.osz64();
        d.setMnem(size == 2 && d.mod != 3 ? m + "w" : m);
        d.intelMnem = m;
        d.eOperand(size);
    }

    static void twoByte(Decoding d, int op) {
        if (OpcodeTables.hasSse(op)) {
            d.vectorOp(1, op);
            return;
        }
        String e = OpcodeTables.TWO[op];
        if (e == null) {
            throw X86Decoder.bad();
        }
        if (op >= 0x80 && op <= 0x8f) {
            d.isBranch = true;
        }
        if (!e.startsWith("#")) {
            d.entry(e);
            return;
        }
        switch (e) {
            case "#grp6" -> {
                d.modrm();
                String[] g = {"sldt", "str", "lldt", "ltr", "verr", "verw", "lkgs"};
                boolean lkgs = d.reg == 6 && d.pRep >= 0 && d.pfx[d.pRep] == 0xf2;
                if (d.reg > 5 && !lkgs) {
                    throw X86Decoder.bad();
                }
                if (lkgs) {
                    d.pfxUsed[d.pRep] = true; // newer than binutils 2.40, which prints "repnz (bad)"
                }
                d.setMnem(g[d.reg]);
                if (d.mod == 3) {
                    d.gprRm(d.reg < 2 ? d.osz() : 2);
                } else {
                    d.memOperand(2);
                }
            }
            case "#grp7" -> SystemGroups.grp7(d);
            case "#sysret" -> d.setMnem(d.w() ? "sysretq" : "sysretl");
            case "#sysexit" -> d.setMnem(d.w() ? "sysexitq" : "sysexitl");
            case "#prefetchw" -> {
                d.modrm();
                String[] g = {"prefetch", "prefetchw", "prefetchwt1", "prefetch", "prefetch", "prefetch",
                    "prefetch", "prefetch"};
                if (d.mod == 3) {
                    d.entry("nop~ Ev");
                } else {
                    d.setMnem(g[d.reg]);
                    d.memOperand(1);
                }
            }
            case "#prefetch" -> {
                d.modrm();
                if (d.mod != 3 && d.reg < 4) {
                    String[] g = {"prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2"};
                    d.setMnem(g[d.reg]);
                    d.memOperand(1);
                } else {
                    d.entry("nop~ Ev");
                }
            }
            case "#0f1e" -> {
                d.modrm();
                boolean f3 = d.pRep >= 0 && d.pfx[d.pRep] == 0xf3;
                if (f3 && d.mod == 3 && d.reg == 7 && (d.rm == 2 || d.rm == 3)) {
                    d.pfxUsed[d.pRep] = true;
                    d.setMnem(d.rm == 2 ? "endbr64" : "endbr32");
                } else if (f3 && d.mod == 3 && d.reg == 1) {
                    d.pfxUsed[d.pRep] = true;
                    d.setMnem(d.w() ? "rdsspq" : "rdsspd");
                    d.gprRm(d.w() ? 8 : 4);
                } else {
                    d.entry("nop~ Ev");
                }
            }
            case "#grp15" -> SystemGroups.grp15(d);
            case "#movzb" -> movx(d, "movzb", 1);
            case "#movzw" -> movx(d, "movzw", 2);
            case "#movsb" -> movx(d, "movsb", 1);
            case "#movsw" -> movx(d, "movsw", 2);
            case "#popcnt" -> {
                if (!d.useF3()) {
                    throw X86Decoder.bad();
                }
                d.entry("popcnt Gv,Ev");
            }
            case "#bsf" -> d.entry(d.useF3() ? "tzcnt Gv,Ev" : "bsf Gv,Ev");
            case "#bsr" -> d.entry(d.useF3() ? "lzcnt Gv,Ev" : "bsr Gv,Ev");
            case "#grp8" -> {
                d.modrm();
                if (d.reg < 4) {
                    throw X86Decoder.bad();
                }
                String[] g = {"bt", "bts", "btr", "btc"};
                d.entry(g[d.reg - 4] + "~ Ev,Ib");
            }
            case "#grp9" -> SystemGroups.grp9(d);
            default -> throw new IllegalStateException(e);
        }
    }

    static void movx(Decoding d, String m, int srcSize) {
        d.modrm();
        int size = d.osz();
        d.setMnem(m + DecodingResult.suffix(size));
        d.intelMnem = m.startsWith("movz") ? "movzx" : "movsx";
        d.gprReg(size);
        if (d.mod == 3) {
            d.gprRm(srcSize);
        } else {
            d.memOperand(srcSize);
        }
    }
}
