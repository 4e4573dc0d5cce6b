package dev.vmcore.format.x86;

/** The vector-map entries that depend on ModRM: shift-by-immediate groups, movlps/movhlps, BMI group 17. */
final class VectorGroups {
    private VectorGroups() {
    }

    static void decode(Decoding d, String e, int map, int op) {
        boolean v = d.vex || d.evex;
        String pv = v ? "v" : "";
        switch (e) {
            case "#grp12", "#grp13", "#grp14" -> shiftGroup(d, op);
            case "#emms" -> d.setMnem(!v ? "emms" : d.vL == 1 ? "vzeroall" : "vzeroupper");
            case "#movlps" -> {
                d.modrm();
                d.entry(pv + (d.mod == 3 ? "movhlps Vx,Hx,Ux" : "movlps Vx,Hx,Mq"));
            }
            case "#movhps" -> {
                d.modrm();
                d.entry(pv + (d.mod == 3 ? "movlhps Vx,Hx,Ux" : "movhps Vx,Hx,Mq"));
            }
            case "#grp17" -> {
                if (!v) {
                    throw X86Decoder.bad();
                }
                d.modrm();
                String[] g = {null, "blsr", "blsmsk", "blsi"};
                if (d.reg == 0 || d.reg > 3) {
                    throw X86Decoder.bad();
                }
                d.entry(g[d.reg] + " By,Ey");
            }
            case "#f5" -> {
                if (!v) {
                    throw X86Decoder.bad();
                }
                d.entry("bzhi Gy,Ey,By");
            }
            case "#amx49" -> {
                d.modrm();
                if (!d.vex || d.mod != 3 || d.reg != 0 || d.rm != 0) {
                    throw X86Decoder.bad();
                }
                d.setMnem("tilerelease");
            }
            case "#kmov" -> kmov(d, op);
            case "#vgrp15" -> {
                d.modrm();
                if (!d.vex || d.mod == 3 || d.reg < 2 || d.reg > 3) {
                    throw X86Decoder.bad();
                }
                d.entry(d.reg == 2 ? "vldmxcsr Md" : "vstmxcsr Md");
            }
            default -> throw new IllegalStateException(e);
        }
    }

    private static void shiftGroup(Decoding d, int op) {
        d.modrm();
        String[][] names = {
            {null, null, "psrlw", null, "psraw", null, "psllw", null},
            {"vpror{d|q}", "vprol{d|q}", "psrld", null, "psra{d|q}", null, "pslld", null},
            {null, null, "psrlq", "psrldq", null, null, "psllq", "pslldq"}};
        String m = names[op - 0x71][d.reg];
        boolean mmx = !(d.vex || d.evex) && !(d.p66 >= 0 && d.pfxUsed[d.p66]);
        if (m == null || m.startsWith("v") && !d.evex || mmx && (d.reg == 3 || d.reg == 7)) {
            throw X86Decoder.bad();
        }
        if (m.contains("{") && !d.evex) {
            m = m.replace("{d|q}", "d");
        }
        if (d.vex || d.evex) {
            d.entry((m.startsWith("v") ? "" : "v") + m + " Hx," + (d.evex ? "Wx" : "Ux") + ",Ib");
            if (d.evex) {
                d.maskDecor();
            }
        } else if (mmx) {
            d.entry(m + " Nq,Ib");
        } else {
            d.entry(m + " Ux,Ib");
        }
    }

    /** VEX 0F 90-93: moves to, from and between the AVX-512 mask registers. */
    private static void kmov(Decoding d, int op) {
        if (!d.vex) {
            throw X86Decoder.bad();
        }
        d.modrm();
        String sz = switch (d.vpp) {
            case 0 -> d.vW != 0 ? "q" : "w";
            case 1 -> d.vW != 0 ? "d" : "b";
            default -> d.vW != 0 ? "q" : "d";
        };
        d.setMnem("kmov" + sz);
        int gsize = sz.equals("q") ? 8 : 4;
        int memSize = d.sizeCode(sz);
        switch (op) {
            case 0x90 -> {
                d.reg("k" + d.reg);
                if (d.mod == 3) {
                    d.reg("k" + d.rm);
                } else {
                    d.memOperand(memSize);
                }
            }
            case 0x91 -> {
                if (d.mod == 3) {
                    throw X86Decoder.bad();
                }
                d.memOperand(memSize);
                d.reg("k" + d.reg);
            }
            case 0x92 -> {
                if (d.mod != 3) {
                    throw X86Decoder.bad();
                }
                d.reg("k" + d.reg);
                d.reg(Regs.gpr(d.rmNum(), gsize, false));
            }
            default -> {
                if (d.mod != 3) {
                    throw X86Decoder.bad();
                }
                d.reg(Regs.gpr(d.regNum(), gsize, false));
                d.reg("k" + d.rm);
            }
        }
    }
}
