package dev.vmcore.format.x86;

import java.util.HashMap;
import java.util.Map;

/**
 * The opcode maps, written from the Intel SDM volume 2 appendix A and checked against objdump.
 *
 * <p>An entry is {@code "mnemonic operands"}, operands in Intel order (destination first) and in
 * the SDM's notation: E/G (ModRM rm/reg), I (immediate), J (relative), Z (register in the opcode),
 * M (memory only), V/W/U/H (vector reg, vector rm, vector reg in rm, VEX.vvvv), P/Q/N (MMX), O
 * (moffs), X/Y (string source/destination), S/C/D (segment, control, debug register); sizes b, w,
 * d, q, v (operand size), z (16/32), y (32/64), x (by VEX.L), x2/x4/x8 (half, quarter, eighth
 * of x), p (far pointer); "Ed/b" is a dword register or a byte of memory. A mnemonic ending in
 * {@code ~} takes objdump's size suffix when its rm operand is memory; one ending in {@code @}
 * always takes it.
 * An entry starting with {@code #} is resolved in code (groups and the like). {@code null}: invalid.
 */
final class OpcodeTables {
    private OpcodeTables() {
    }

    static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"};
    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    static final String[] ONE = new String[256];
    static final String[] TWO = new String[256];

    static {
        for (int i = 0; i < 8; i++) {
            String m = ALU[i];
            ONE[i * 8] = m + " Eb,Gb";
            ONE[i * 8 + 1] = m + " Ev,Gv";
            ONE[i * 8 + 2] = m + " Gb,Eb";
            ONE[i * 8 + 3] = m + " Gv,Ev";
            ONE[i * 8 + 4] = m + " AL,Ib";
            ONE[i * 8 + 5] = m + " rAX,Iz";
            ONE[0x50 + i] = "push Z64";
            ONE[0x58 + i] = "pop Z64";
            ONE[0x91 + i] = "xchg Zv,rAX";
            ONE[0xb0 + i] = "mov Zb,Ib";
            ONE[0xb8 + i] = "#movimm";
        }
        for (int i = 0; i < 16; i++) {
            ONE[0x70 + i] = "j" + CC[i] + " Jb";
            TWO[0x80 + i] = "j" + CC[i] + " Jz";
            TWO[0x40 + i] = "cmov" + CC[i] + " Gv,Ev";
            TWO[0x90 + i] = "set" + CC[i] + " Eb";
        }
        ONE[0x63] = "#movsxd";
        ONE[0x68] = "push Iz64";
        ONE[0x69] = "imul Gv,Ev,Iz";
        ONE[0x6a] = "push Ibs64";
        ONE[0x6b] = "imul Gv,Ev,Ibs";
        ONE[0x6c] = "ins@ Yb,DX";
        ONE[0x6d] = "ins@ Yz,DX";
        ONE[0x6e] = "outs@ DX,Xb";
        ONE[0x6f] = "outs@ DX,Xz";
        ONE[0x80] = "#grp1 Eb,Ib";
        ONE[0x81] = "#grp1 Ev,Iz";
        ONE[0x83] = "#grp1 Ev,Ibs";
        ONE[0x84] = "test Eb,Gb";
        ONE[0x85] = "test Ev,Gv";
        ONE[0x86] = "xchg Eb,Gb";
        ONE[0x87] = "xchg Ev,Gv";
        ONE[0x88] = "mov Eb,Gb";
        ONE[0x89] = "mov Ev,Gv";
        ONE[0x8a] = "mov Gb,Eb";
        ONE[0x8b] = "mov Gv,Ev";
        ONE[0x8c] = "mov Esw,Sw";
        ONE[0x8d] = "lea Gv,M";
        ONE[0x8e] = "mov Sw,Esw";
        ONE[0x8f] = "#pop";
        ONE[0x90] = "#nop";
        ONE[0x98] = "#cbw";
        ONE[0x99] = "#cwd";
        ONE[0x9b] = "#fwait";
        ONE[0x9c] = "#pushf";
        ONE[0x9d] = "#popf";
        ONE[0x9e] = "sahf";
        ONE[0x9f] = "lahf";
        ONE[0xa0] = "movabs AL,Ob";
        ONE[0xa1] = "movabs rAX,Ov";
        ONE[0xa2] = "movabs Ob,AL";
        ONE[0xa3] = "movabs Ov,rAX";
        ONE[0xa4] = "movs@ Yb,Xb";
        ONE[0xa5] = "movs@ Yv,Xv";
        ONE[0xa6] = "cmps@ Xb,Yb";
        ONE[0xa7] = "cmps@ Xv,Yv";
        ONE[0xa8] = "test AL,Ib";
        ONE[0xa9] = "test rAX,Iz";
        ONE[0xaa] = "stos Yb,AL";
        ONE[0xab] = "stos Yv,rAX";
        ONE[0xac] = "lods AL,Xb";
        ONE[0xad] = "lods rAX,Xv";
        ONE[0xae] = "scas AL,Yb";
        ONE[0xaf] = "scas rAX,Yv";
        ONE[0xc0] = "#grp2 Eb,Ib";
        ONE[0xc1] = "#grp2 Ev,Ib";
        ONE[0xc2] = "#ret Iw";
        ONE[0xc3] = "#ret";
        ONE[0xc6] = "#grp11 Eb,Ib";
        ONE[0xc7] = "#grp11 Ev,Iz";
        ONE[0xc8] = "enter Iw,Ib";
        ONE[0xc9] = "leave";
        ONE[0xca] = "#lret Iw";
        ONE[0xcb] = "#lret";
        ONE[0xcc] = "int3";
        ONE[0xcd] = "int Ib";
        ONE[0xcf] = "#iret";
        ONE[0xd0] = "#grp2 Eb,1";
        ONE[0xd1] = "#grp2 Ev,1";
        ONE[0xd2] = "#grp2 Eb,CL";
        ONE[0xd3] = "#grp2 Ev,CL";
        ONE[0xd7] = "xlat Xbx";
        for (int i = 0xd8; i <= 0xdf; i++) {
            ONE[i] = "#x87";
        }
        ONE[0xe0] = "loopne Jb";
        ONE[0xe1] = "loope Jb";
        ONE[0xe2] = "loop Jb";
        ONE[0xe3] = "#jrcxz";
        ONE[0xe4] = "in AL,Ib";
        ONE[0xe5] = "in eAX,Ib";
        ONE[0xe6] = "out Ib,AL";
        ONE[0xe7] = "out Ib,eAX";
        ONE[0xe8] = "call Jz";
        ONE[0xe9] = "jmp Jz";
        ONE[0xeb] = "jmp Jb";
        ONE[0xec] = "in AL,DX";
        ONE[0xed] = "in eAX,DX";
        ONE[0xee] = "out DX,AL";
        ONE[0xef] = "out DX,eAX";
        ONE[0xf1] = "int1";
        ONE[0xf4] = "hlt";
        ONE[0xf5] = "cmc";
        ONE[0xf6] = "#grp3 Eb";
        ONE[0xf7] = "#grp3 Ev";
        ONE[0xf8] = "clc";
        ONE[0xf9] = "stc";
        ONE[0xfa] = "cli";
        ONE[0xfb] = "sti";
        ONE[0xfc] = "cld";
        ONE[0xfd] = "std";
        ONE[0xfe] = "#grp4";
        ONE[0xff] = "#grp5";

        TWO[0x00] = "#grp6";
        TWO[0x01] = "#grp7";
        TWO[0x02] = "lar Gv,Esw";
        TWO[0x03] = "lsl Gv,Esw";
        TWO[0x05] = "syscall";
        TWO[0x06] = "clts";
        TWO[0x07] = "#sysret";
        TWO[0x08] = "invd";
        TWO[0x09] = "wbinvd";
        TWO[0x0b] = "ud2";
        TWO[0x0d] = "#prefetchw";
        TWO[0x0e] = "femms";
        TWO[0x18] = "#prefetch";
        for (int i = 0x19; i <= 0x1f; i++) {
            TWO[i] = "nop~ Ev";
        }
        TWO[0x1e] = "#0f1e";
        TWO[0x20] = "mov Rq,Cq";
        TWO[0x21] = "mov Rq,Dq";
        TWO[0x22] = "mov Cq,Rq";
        TWO[0x23] = "mov Dq,Rq";
        TWO[0x30] = "wrmsr";
        TWO[0x31] = "rdtsc";
        TWO[0x32] = "rdmsr";
        TWO[0x33] = "rdpmc";
        TWO[0x34] = "sysenter";
        TWO[0x35] = "#sysexit";
        TWO[0x37] = "getsec";
        TWO[0x78] = "vmread Eq,Gq";
        TWO[0x79] = "vmwrite Gq,Eq";
        TWO[0xa0] = "push FS";
        TWO[0xa1] = "pop FS";
        TWO[0xa2] = "cpuid";
        TWO[0xa3] = "bt Ev,Gv";
        TWO[0xa4] = "shld Ev,Gv,Ib";
        TWO[0xa5] = "shld Ev,Gv,CL";
        TWO[0xa8] = "push GS";
        TWO[0xa9] = "pop GS";
        TWO[0xaa] = "rsm";
        TWO[0xab] = "bts Ev,Gv";
        TWO[0xac] = "shrd Ev,Gv,Ib";
        TWO[0xad] = "shrd Ev,Gv,CL";
        TWO[0xae] = "#grp15";
        TWO[0xaf] = "imul Gv,Ev";
        TWO[0xb0] = "cmpxchg Eb,Gb";
        TWO[0xb1] = "cmpxchg Ev,Gv";
        TWO[0xb2] = "lss Gv,Mp";
        TWO[0xb3] = "btr Ev,Gv";
        TWO[0xb4] = "lfs Gv,Mp";
        TWO[0xb5] = "lgs Gv,Mp";
        TWO[0xb6] = "#movzb";
        TWO[0xb7] = "#movzw";
        TWO[0xb8] = "#popcnt";
        TWO[0xb9] = "ud1 Gv,Ev";
        TWO[0xba] = "#grp8";
        TWO[0xbb] = "btc Ev,Gv";
        TWO[0xbc] = "#bsf";
        TWO[0xbd] = "#bsr";
        TWO[0xbe] = "#movsb";
        TWO[0xbf] = "#movsw";
        TWO[0xc0] = "xadd Eb,Gb";
        TWO[0xc1] = "xadd Ev,Gv";
        TWO[0xc3] = "movnti My,Gy";
        TWO[0xc7] = "#grp9";
        for (int i = 0xc8; i <= 0xcf; i++) {
            TWO[i] = "bswap Zv";
        }
        TWO[0xff] = "ud0 Gv,Ev";
    }

    /**
     * Vector (and other prefix-selected) entries: key {@code map << 10 | pp << 8 | opcode}, map 1
     * (0F), 2 (0F38), 3 (0F3A); pp 0 (none), 1 (66), 2 (F3), 3 (F2). A leading {@code V!} marks a
     * VEX/EVEX-only entry, {@code L!} a legacy-only one; a VEX encoding of any other entry gets
     * the "v" prefix. {@code {d|q}} picks by REX.W / VEX.W.
     */
    static final Map<Integer, String> SSE = new HashMap<>();

    private static void put(int map, int op, String none, String p66, String pf3, String pf2) {
        String[] v = {none, p66, pf3, pf2};
        for (int pp = 0; pp < 4; pp++) {
            if (v[pp] != null) {
                SSE.put(map << 10 | pp << 8 | op, v[pp]);
            }
        }
    }

    /** An integer SIMD op: MMX without prefix, SSE with 66. */
    private static void pint(int map, int op, String m, String ops) {
        String mmx = ops.replace("Vx", "Pq").replace("Hx,", "").replace("Wx", "Qq").replace("Wdq", "Qq")
                .replace("Ux", "Nq");
        put(map, op, "L!" + m + " " + mmx, m + " " + ops, null, null);
    }

    static {
        put(1, 0x10, "movups Vx,Wx", "movupd Vx,Wx", "movss Vdq,Hmss,Wss", "movsd Vdq,Hmsd,Wsd");
        put(1, 0x11, "movups Wx,Vx", "movupd Wx,Vx", "movss Wss,Hmss,Vdq", "movsd Wsd,Hmsd,Vdq");
        put(1, 0x12, "#movlps", "movlpd Vx,Hx,Mq", "movsldup Vx,Wx", "movddup Vx,Wx");
        put(1, 0x13, "movlps Mq,Vx", "movlpd Mq,Vx", null, null);
        put(1, 0x14, "unpcklps Vx,Hx,Wx", "unpcklpd Vx,Hx,Wx", null, null);
        put(1, 0x15, "unpckhps Vx,Hx,Wx", "unpckhpd Vx,Hx,Wx", null, null);
        put(1, 0x16, "#movhps", "movhpd Vx,Hx,Mq", "movshdup Vx,Wx", null);
        put(1, 0x17, "movhps Mq,Vx", "movhpd Mq,Vx", null, null);
        put(1, 0x28, "movaps Vx,Wx", "movapd Vx,Wx", null, null);
        put(1, 0x29, "movaps Wx,Vx", "movapd Wx,Vx", null, null);
        put(1, 0x2a, "L!cvtpi2ps Vx,Qq", "L!cvtpi2pd Vx,Qq", "cvtsi2ss~ Vdq,Hss,Ey", "cvtsi2sd~ Vdq,Hsd,Ey");
        put(1, 0x2b, "movntps Mx,Vx", "movntpd Mx,Vx", null, null);
        put(1, 0x2c, "L!cvttps2pi Pq,Wq", "L!cvttpd2pi Pq,Wx", "cvttss2si Gy,Wss", "cvttsd2si Gy,Wsd");
        put(1, 0x2d, "L!cvtps2pi Pq,Wq", "L!cvtpd2pi Pq,Wx", "cvtss2si Gy,Wss", "cvtsd2si Gy,Wsd");
        put(1, 0x2e, "ucomiss Vdq,Wss", "ucomisd Vdq,Wsd", null, null);
        put(1, 0x2f, "comiss Vdq,Wss", "comisd Vdq,Wsd", null, null);
        put(1, 0x50, "movmskps Gd,Ux", "movmskpd Gd,Ux", null, null);
        String[] arith = {"sqrt", "rsqrt", "rcp", "and", "andn", "or", "xor", "add", "mul", null, null, "sub", "min",
            "div", "max"};
        for (int i = 0; i < arith.length; i++) {
            String m = arith[i];
            if (m == null) {
                continue;
            }
            int op = 0x51 + i;
            boolean logic = i >= 3 && i <= 6;
            boolean unary = i <= 2;
            String h = unary ? "" : "Hx,";
            put(1, op, m + "ps Vx," + h + "Wx", i == 1 || i == 2 ? null : m + "pd Vx," + h + "Wx",
                    logic ? null : m + "ss Vdq,Hss,Wss", logic || i == 1 || i == 2 ? null : m + "sd Vdq,Hsd,Wsd");
        }
        put(1, 0x5a, "cvtps2pd Vx,Wx2", "cvtpd2ps Vx,Wx", "cvtss2sd Vdq,Hdq,Wss", "cvtsd2ss Vdq,Hdq,Wsd");
        put(1, 0x5b, "cvtdq2ps Vx,Wx", "cvtps2dq Vx,Wx", "cvttps2dq Vx,Wx", null);
        String[] p60 = {"punpcklbw", "punpcklwd", "punpckldq", "packsswb", "pcmpgtb", "pcmpgtw", "pcmpgtd", "packuswb",
            "punpckhbw", "punpckhwd", "punpckhdq", "packssdw"};
        for (int i = 0; i < p60.length; i++) {
            pint(1, 0x60 + i, p60[i], "Vx,Hx,Wx");
            if (i < 3) {
                SSE.put(1 << 10 | (0x60 + i), "L!" + p60[i] + " Pq,Qd"); // the MMX low unpacks read 4 bytes
            }
        }
        put(1, 0x6c, null, "punpcklqdq Vx,Hx,Wx", null, null);
        put(1, 0x6d, null, "punpckhqdq Vx,Hx,Wx", null, null);
        put(1, 0x6e, "L!mov{d|q} Pq,Ey", "mov{d|q} Vx,Ey", null, null);
        put(1, 0x6f, "L!movq Pq,Qq", "movdqa Vx,Wx", "movdqu Vx,Wx", null);
        put(1, 0x70, "L!pshufw Pq,Qq,Ib", "pshufd Vx,Wx,Ib", "pshufhw Vx,Wx,Ib", "pshuflw Vx,Wx,Ib");
        put(1, 0x71, "#grp12", "#grp12", null, null);
        put(1, 0x72, "#grp13", "#grp13", null, null);
        put(1, 0x73, "#grp14", "#grp14", null, null);
        pint(1, 0x74, "pcmpeqb", "Vx,Hx,Wx");
        pint(1, 0x75, "pcmpeqw", "Vx,Hx,Wx");
        pint(1, 0x76, "pcmpeqd", "Vx,Hx,Wx");
        put(1, 0x77, "#emms", null, null, null);
        put(1, 0x7c, null, "haddpd Vx,Hx,Wx", null, "haddps Vx,Hx,Wx");
        put(1, 0x7d, null, "hsubpd Vx,Hx,Wx", null, "hsubps Vx,Hx,Wx");
        put(1, 0x7e, "L!mov{d|q} Ey,Pq", "mov{d|q} Ey,Vx", "movq Vx,Wq", null);
        put(1, 0x7f, "L!movq Qq,Pq", "movdqa Wx,Vx", "movdqu Wx,Vx", null);
        put(1, 0x90, "V!#kmov", "V!#kmov", null, null);
        put(1, 0x91, "V!#kmov", "V!#kmov", null, null);
        put(1, 0x92, "V!#kmov", "V!#kmov", null, "V!#kmov");
        put(1, 0x93, "V!#kmov", "V!#kmov", null, "V!#kmov");
        put(1, 0xae, "V!#vgrp15", null, null, null);
        put(1, 0xc2, "cmpps Vx,Hx,Wx,Ib", "cmppd Vx,Hx,Wx,Ib", "cmpss Vdq,Hdq,Wss,Ib", "cmpsd Vdq,Hdq,Wsd,Ib");
        put(1, 0xc4, "L!pinsrw Pq,Ed/w,Ib", "pinsrw Vx,Hx,Ed/w,Ib", null, null);
        put(1, 0xc5, "L!pextrw Gd,Nq,Ib", "pextrw Gd,Ux,Ib", null, null);
        put(1, 0xc6, "shufps Vx,Hx,Wx,Ib", "shufpd Vx,Hx,Wx,Ib", null, null);
        put(1, 0xd0, null, "addsubpd Vx,Hx,Wx", null, "addsubps Vx,Hx,Wx");
        String[] pd = {null, "psrlw", "psrld", "psrlq", "paddq", "pmullw", null, null,
            "psubusb", "psubusw", "pminub", "pand", "paddusb", "paddusw", "pmaxub", "pandn",
            "pavgb", "psraw", "psrad", "pavgw", "pmulhuw", "pmulhw", null, null,
            "psubsb", "psubsw", "pminsw", "por", "paddsb", "paddsw", "pmaxsw", "pxor",
            null, "psllw", "pslld", "psllq", "pmuludq", "pmaddwd", "psadbw", null,
            "psubb", "psubw", "psubd", "psubq", "paddb", "paddw", "paddd", null};
        for (int i = 0; i < pd.length; i++) {
            if (pd[i] != null) {
                boolean shiftByXmm = pd[i].startsWith("ps") && (pd[i].contains("l") || pd[i].contains("ra"))
                        && !pd[i].startsWith("psub") && !pd[i].startsWith("psad");
                pint(1, 0xd0 + i, pd[i], shiftByXmm ? "Vx,Hx,Wdq" : "Vx,Hx,Wx");
            }
        }
        put(1, 0xd6, null, "movq Wq,Vx", "L!movq2dq Vx,Nq", "L!movdq2q Pq,Ux");
        put(1, 0xd7, "L!pmovmskb Gd,Nq", "pmovmskb Gd,Ux", null, null);
        put(1, 0xe6, null, "cvttpd2dq Vx,Wx", "cvtdq2pd Vx,Wx2", "cvtpd2dq Vx,Wx");
        put(1, 0xe7, "L!movntq Mq,Pq", "movntdq Mx,Vx", null, null);
        put(1, 0xf0, null, null, null, "lddqu Vx,Mx");
        put(1, 0xf7, "L!maskmovq Pq,Nq", "maskmovdqu Vx,Ux", null, null);

        // 0F 38
        String[] s38 = {"pshufb", "phaddw", "phaddd", "phaddsw", "pmaddubsw", "phsubw", "phsubd", "phsubsw",
            "psignb", "psignw", "psignd", "pmulhrsw"};
        for (int i = 0; i < s38.length; i++) {
            pint(2, i, s38[i], "Vx,Hx,Wx");
        }
        put(2, 0x1c, "L!pabsb Pq,Qq", "pabsb Vx,Wx", null, null);
        put(2, 0x1d, "L!pabsw Pq,Qq", "pabsw Vx,Wx", null, null);
        put(2, 0x1e, "L!pabsd Pq,Qq", "pabsd Vx,Wx", null, null);
        put(2, 0x10, null, "L!pblendvb Vx,Wx,XMM0", null, null);
        put(2, 0x14, null, "L!blendvps Vx,Wx,XMM0", null, null);
        put(2, 0x15, null, "L!blendvpd Vx,Wx,XMM0", null, null);
        put(2, 0x16, null, "V!vpermps Vx,Hx,Wx", null, null);
        put(2, 0x17, null, "ptest Vx,Wx", null, null);
        put(2, 0x18, null, "V!vbroadcastss Vx,Wd", null, null);
        put(2, 0x19, null, "V!vbroadcastsd Vx,Wq", null, null);
        put(2, 0x1a, null, "V!vbroadcastf128 Vx,Mdq", null, null);
        String[] pmov = {"pmovsxbw", "pmovsxbd", "pmovsxbq", "pmovsxwd", "pmovsxwq", "pmovsxdq"};
        String[] pmovSrc = {"Wx2", "Wx4", "Wx8", "Wx2", "Wx4", "Wx2"};
        for (int i = 0; i < 6; i++) {
            put(2, 0x20 + i, null, pmov[i] + " Vx," + pmovSrc[i], null, null);
            put(2, 0x30 + i, null, pmov[i].replace("sx", "zx") + " Vx," + pmovSrc[i], null, null);
        }
        put(2, 0x28, null, "pmuldq Vx,Hx,Wx", null, null);
        put(2, 0x29, null, "pcmpeqq Vx,Hx,Wx", null, null);
        put(2, 0x2a, null, "movntdqa Vx,Mx", null, null);
        put(2, 0x2b, null, "packusdw Vx,Hx,Wx", null, null);
        put(2, 0x36, null, "V!vpermd Vx,Hx,Wx", null, null);
        put(2, 0x37, null, "pcmpgtq Vx,Hx,Wx", null, null);
        String[] p38 = {"pminsb", "pminsd", "pminuw", "pminud", "pmaxsb", "pmaxsd", "pmaxuw", "pmaxud", "pmulld",
            "phminposuw"};
        for (int i = 0; i < p38.length; i++) {
            put(2, 0x38 + i, null, p38[i] + (i == 9 ? " Vx,Wx" : " Vx,Hx,Wx"), null, null);
        }
        put(2, 0x45, null, "V!vpsrlv{d|q} Vx,Hx,Wx", null, null);
        put(2, 0x46, null, "V!vpsravd Vx,Hx,Wx", null, null);
        put(2, 0x47, null, "V!vpsllv{d|q} Vx,Hx,Wx", null, null);
        put(2, 0x49, "#amx49", null, null, null);
        put(2, 0x58, null, "V!vpbroadcastd Vx,Wd", null, null);
        put(2, 0x59, null, "V!vpbroadcastq Vx,Wq", null, null);
        put(2, 0x5a, null, "V!vbroadcasti128 Vx,Mdq", null, null);
        put(2, 0x78, null, "V!vpbroadcastb Vx,Wb", null, null);
        put(2, 0x79, null, "V!vpbroadcastw Vx,Ww", null, null);
        put(2, 0x8c, null, "V!vpmaskmov{d|q} Vx,Hx,Mx", null, null);
        put(2, 0x8e, null, "V!vpmaskmov{d|q} Mx,Hx,Vx", null, null);
        put(2, 0x80, null, "L!invept Gq,Mdq", null, null);
        put(2, 0x81, null, "L!invvpid Gq,Mdq", null, null);
        put(2, 0x82, null, "L!invpcid Gq,M", null, null);
        put(2, 0xc8, "L!sha1nexte Vx,Wx", null, null, null);
        put(2, 0xc9, "L!sha1msg1 Vx,Wx", null, null, null);
        put(2, 0xca, "L!sha1msg2 Vx,Wx", null, null, null);
        put(2, 0xcb, "L!sha256rnds2 Vx,Wx,XMM0", null, null, null);
        put(2, 0xcc, "L!sha256msg1 Vx,Wx", null, null, null);
        put(2, 0xcd, "L!sha256msg2 Vx,Wx", null, null, null);
        put(2, 0xcf, null, "gf2p8mulb Vx,Hx,Wx", null, null);
        put(2, 0xdb, null, "aesimc Vx,Wx", null, null);
        put(2, 0xdc, null, "aesenc Vx,Hx,Wx", null, null);
        put(2, 0xdd, null, "aesenclast Vx,Hx,Wx", null, null);
        put(2, 0xde, null, "aesdec Vx,Hx,Wx", null, null);
        put(2, 0xdf, null, "aesdeclast Vx,Hx,Wx", null, null);
        put(2, 0xf0, "L!movbe Gv,Mv", "L!movbe Gv,Mv", null, "L!crc32~ Gy,Eb");
        put(2, 0xf1, "L!movbe Mv,Gv", "L!movbe Mv,Gv", null, "L!crc32~ Gy,Ev");
        put(2, 0xf2, "V!andn Gy,By,Ey", null, null, null);
        put(2, 0xf3, "#grp17", null, null, null);
        put(2, 0xf5, "#f5", "L!wruss{d|q} M,Gy", "V!pext Gy,By,Ey", "V!pdep Gy,By,Ey");
        put(2, 0xf6, "L!wrss{d|q} M,Gy", "L!adcx Gy,Ey", "L!adox Gy,Ey", "V!mulx Gy,By,Ey");
        put(2, 0xf7, "V!bextr Gy,Ey,By", "V!shlx Gy,Ey,By", "V!sarx Gy,Ey,By", "V!shrx Gy,Ey,By");
        put(2, 0xf8, null, "L!movdir64b Gq,M", "L!enqcmds Gq,M", "L!enqcmd Gq,M");
        put(2, 0xf9, "L!movdiri My,Gy", null, null, null);

        // 0F 3A
        put(3, 0x00, null, "V!vpermq Vx,Wx,Ib", null, null);
        put(3, 0x01, null, "V!vpermpd Vx,Wx,Ib", null, null);
        put(3, 0x02, null, "V!vpblendd Vx,Hx,Wx,Ib", null, null);
        put(3, 0x06, null, "V!vperm2f128 Vx,Hx,Wx,Ib", null, null);
        put(3, 0x08, null, "roundps Vx,Wx,Ib", null, null);
        put(3, 0x09, null, "roundpd Vx,Wx,Ib", null, null);
        put(3, 0x0a, null, "roundss Vdq,Hdq,Wss,Ib", null, null);
        put(3, 0x0b, null, "roundsd Vdq,Hdq,Wsd,Ib", null, null);
        put(3, 0x0c, null, "blendps Vx,Hx,Wx,Ib", null, null);
        put(3, 0x0d, null, "blendpd Vx,Hx,Wx,Ib", null, null);
        put(3, 0x0e, null, "pblendw Vx,Hx,Wx,Ib", null, null);
        put(3, 0x0f, "L!palignr Pq,Qq,Ib", "palignr Vx,Hx,Wx,Ib", null, null);
        put(3, 0x14, null, "pextrb Ed/b,Vdq,Ib", null, null);
        put(3, 0x15, null, "pextrw Ed/w,Vdq,Ib", null, null);
        put(3, 0x16, null, "pextr{d|q} Ey,Vdq,Ib", null, null);
        put(3, 0x17, null, "extractps Ed,Vdq,Ib", null, null);
        put(3, 0x18, null, "V!vinsertf128 Vx,Hx,Wdq,Ib", null, null);
        put(3, 0x19, null, "V!vextractf128 Wdq,Vx,Ib", null, null);
        put(3, 0x20, null, "pinsrb Vdq,Hdq,Ed/b,Ib", null, null);
        put(3, 0x21, null, "insertps Vdq,Hdq,Wd,Ib", null, null);
        put(3, 0x22, null, "pinsr{d|q} Vdq,Hdq,Ey,Ib", null, null);
        put(3, 0x38, null, "V!vinserti128 Vx,Hx,Wdq,Ib", null, null);
        put(3, 0x39, null, "V!vextracti128 Wdq,Vx,Ib", null, null);
        put(3, 0x40, null, "dpps Vx,Hx,Wx,Ib", null, null);
        put(3, 0x41, null, "dppd Vx,Hx,Wx,Ib", null, null);
        put(3, 0x42, null, "mpsadbw Vx,Hx,Wx,Ib", null, null);
        put(3, 0x44, null, "pclmulqdq Vx,Hx,Wx,Ib", null, null);
        put(3, 0x46, null, "V!vperm2i128 Vx,Hx,Wx,Ib", null, null);
        put(3, 0x4a, null, "V!vblendvps Vx,Hx,Wx,Lx", null, null);
        put(3, 0x4b, null, "V!vblendvpd Vx,Hx,Wx,Lx", null, null);
        put(3, 0x4c, null, "V!vpblendvb Vx,Hx,Wx,Lx", null, null);
        put(3, 0x60, null, "pcmpestrm Vx,Wx,Ib", null, null);
        put(3, 0x61, null, "pcmpestri Vx,Wx,Ib", null, null);
        put(3, 0x62, null, "pcmpistrm Vx,Wx,Ib", null, null);
        put(3, 0x63, null, "pcmpistri Vx,Wx,Ib", null, null);
        put(3, 0xcc, "L!sha1rnds4 Vx,Wx,Ib", null, null, null);
        put(3, 0xce, null, "gf2p8affineqb Vx,Hx,Wx,Ib", null, null);
        put(3, 0xcf, null, "gf2p8affineinvqb Vx,Hx,Wx,Ib", null, null);
        put(3, 0xdf, null, "aeskeygenassist Vx,Wx,Ib", null, null);
        put(3, 0xf0, null, null, null, "V!rorx Gy,Ey,Ib");
    }

    /**
     * EVEX-only entries and EVEX renamings (same key as {@link #SSE}); {@code {d|q}} picks by EVEX.W.
     */
    static final Map<Integer, String> EVEX = new HashMap<>();

    static {
        EVEX.put(1 << 10 | 1 << 8 | 0x6f, "vmovdqa{32|64} Vx,Wx");
        EVEX.put(1 << 10 | 2 << 8 | 0x6f, "vmovdqu{32|64} Vx,Wx");
        EVEX.put(1 << 10 | 3 << 8 | 0x6f, "vmovdqu{8|16} Vx,Wx");
        EVEX.put(1 << 10 | 1 << 8 | 0x7f, "vmovdqa{32|64} Wx,Vx");
        EVEX.put(1 << 10 | 2 << 8 | 0x7f, "vmovdqu{32|64} Wx,Vx");
        EVEX.put(1 << 10 | 3 << 8 | 0x7f, "vmovdqu{8|16} Wx,Vx");
        EVEX.put(1 << 10 | 1 << 8 | 0xdb, "vpand{d|q} Vx,Hx,Wx");
        EVEX.put(1 << 10 | 1 << 8 | 0xdf, "vpandn{d|q} Vx,Hx,Wx");
        EVEX.put(1 << 10 | 1 << 8 | 0xeb, "vpor{d|q} Vx,Hx,Wx");
        EVEX.put(1 << 10 | 1 << 8 | 0xef, "vpxor{d|q} Vx,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x14, "vprorv{d|q} Vx,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x15, "vprolv{d|q} Vx,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x76, "vpermi2{d|q} Vx,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x7e, "vpermt2{d|q} Vx,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x36, "vperm{d|q} Vx,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x64, "vpblendm{d|q} Vx,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x7c, "vpbroadcast{d|q} Vx,Ey");
        EVEX.put(3 << 10 | 1 << 8 | 0x25, "vpternlog{d|q} Vx,Hx,Wx,Ib");
        EVEX.put(3 << 10 | 1 << 8 | 0x38, "vinserti{32x4|64x2} Vx,Hx,Wdq,Ib");
        EVEX.put(3 << 10 | 1 << 8 | 0x39, "vextracti{32x4|64x2} Wdq,Vx,Ib");
        EVEX.put(3 << 10 | 1 << 8 | 0x3a, "vinserti{32x8|64x4} Vx,Hx,Wqq,Ib");
        EVEX.put(3 << 10 | 1 << 8 | 0x3b, "vextracti{32x8|64x4} Wqq,Vx,Ib");
        EVEX.put(3 << 10 | 1 << 8 | 0x00, "vpermq Vx,Wx,Ib");
        String[] cmp = {"vpcmpgtb", "vpcmpgtw", "vpcmpgtd"};
        for (int i = 0; i < 3; i++) {
            EVEX.put(1 << 10 | 1 << 8 | (0x64 + i), cmp[i] + " Kr,Hx,Wx");
            EVEX.put(1 << 10 | 1 << 8 | (0x74 + i), cmp[i].replace("gt", "eq") + " Kr,Hx,Wx");
        }
        EVEX.put(2 << 10 | 1 << 8 | 0x29, "vpcmpeqq Kr,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x37, "vpcmpgtq Kr,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x26, "vptestm{b|w} Kr,Hx,Wx");
        EVEX.put(2 << 10 | 1 << 8 | 0x27, "vptestm{d|q} Kr,Hx,Wx");
        EVEX.put(2 << 10 | 2 << 8 | 0x26, "vptestnm{b|w} Kr,Hx,Wx");
        EVEX.put(2 << 10 | 2 << 8 | 0x27, "vptestnm{d|q} Kr,Hx,Wx");
        EVEX.put(2 << 10 | 2 << 8 | 0x28, "vpmovm2{b|w} Vx,Km");
        EVEX.put(2 << 10 | 2 << 8 | 0x38, "vpmovm2{d|q} Vx,Km");
        EVEX.put(2 << 10 | 2 << 8 | 0x29, "vpmov{b|w}2m Kr,Ux");
        EVEX.put(2 << 10 | 2 << 8 | 0x39, "vpmov{d|q}2m Kr,Ux");
        EVEX.put(3 << 10 | 1 << 8 | 0x43, "vshufi{32x4|64x2} Vx,Hx,Wx,Ib");
        EVEX.put(3 << 10 | 1 << 8 | 0x23, "vshuff{32x4|64x2} Vx,Hx,Wx,Ib");
        EVEX.put(2 << 10 | 1 << 8 | 0x5a, "vbroadcasti{32x4|64x2} Vx,Mdq");
        EVEX.put(2 << 10 | 1 << 8 | 0x5b, "vbroadcasti{32x8|64x4} Vx,Mqq");
        EVEX.put(2 << 10 | 1 << 8 | 0x1a, "vbroadcastf{32x4|64x2} Vx,Mdq");
        EVEX.put(3 << 10 | 1 << 8 | 0x0f, "vpalignr Vx,Hx,Wx,Ib");
        EVEX.put(3 << 10 | 1 << 8 | 0x44, "vpclmulqdq Vx,Hx,Wx,Ib");
    }

    static final String[] X87_MEM = {
        "fadds", "fmuls", "fcoms", "fcomps", "fsubs", "fsubrs", "fdivs", "fdivrs",
        "flds", null, "fsts", "fstps", "fldenv", "fldcw", "fnstenv", "fnstcw",
        "fiaddl", "fimull", "ficoml", "ficompl", "fisubl", "fisubrl", "fidivl", "fidivrl",
        "fildl", "fisttpl", "fistl", "fistpl", null, "fldt", null, "fstpt",
        "faddl", "fmull", "fcoml", "fcompl", "fsubl", "fsubrl", "fdivl", "fdivrl",
        "fldl", "fisttpll", "fstl", "fstpl", "frstor", null, "fnsave", "fnstsw",
        "fiadds", "fimuls", "ficoms", "ficomps", "fisubs", "fisubrs", "fidivs", "fidivrs",
        "filds", "fisttps", "fists", "fistps", "fbld", "fildll", "fbstp", "fistpll"};

    private static final boolean[] SSE_0F = new boolean[256];

    static {
        for (int k : SSE.keySet()) {
            if (k >> 10 == 1 && !SSE.get(k).startsWith("V!")) {
                SSE_0F[k & 0xff] = true;
            }
        }
    }

    /** True when 0F {@code op} is in the prefix-selected (vector) table. */
    static boolean hasSse(int op) {
        return SSE_0F[op];
    }
}
