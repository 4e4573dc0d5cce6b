package dev.vmcore.format.x86;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of decoding one instruction: prefixes, REX/VEX/EVEX, ModRM/SIB/displacement, and the
 * operands as they are produced (Intel order; {@link DecodingResult} turns them into objdump's). A
 * table entry (see {@link OpcodeTables}) is applied by {@link #entry}, its operand specs by
 * {@link OperandSpecs}; the opcodes that need more than a table are decoded in {@link LegacyMaps},
 * {@link SystemGroups}, {@link VectorGroups} and {@link X87}.
 * Running out of bytes or meeting an invalid encoding throws {@link X86Decoder.Bad}.
 */
final class Decoding {
    final byte[] b;
    final int start;
    final int end;
    final long addr;
    int pos;

    // prefixes, in order
    final int[] pfx = new int[X86Decoder.MAX_LENGTH];
    final boolean[] pfxUsed = new boolean[X86Decoder.MAX_LENGTH];
    int npfx;
    int p66 = -1;
    int p67 = -1;
    int pRep = -1;
    int pSeg = -1; // last segment prefix of any kind
    int pFsGs = -1; // last fs or gs prefix: the only overrides long mode honours
    int rex;
    int rexIdx = -1;
    int rexUsed;
    boolean rexAlone;

    // VEX / EVEX
    boolean vex;
    boolean evex;
    int vmap;
    int vpp;
    int vL;
    int vW;
    int vvvv;
    int aaa;
    boolean ez;
    boolean eb;
    /** REX/VEX/EVEX bits: B (1), X (2), R (4), W (8), EVEX R' (16); EVEX uses X as bit 4 of a vector rm. */
    int rBits;

    // ModRM
    boolean hasModrm;
    int mod;
    int reg;
    int rm;
    String memBase;
    String memIndex;
    int memScale;
    long memDisp;
    boolean memDispShown;
    int memRiz;
    int disp8Pos = -1;

    // result
    String mnem;
    final List<Operand> ops = new ArrayList<>(4);
    final List<Decoded.Hint> hints = new ArrayList<>(4);
    int suffixSize;
    boolean noReverse;
    String decorFirst = "";
    boolean isString;
    boolean isBranch;
    boolean isIndirectBranch;
    boolean isStore;
    boolean bndBranch;
    /** The Intel-syntax mnemonic when it is not the AT&amp;T one without its suffix; reset by {@link #setMnem}. */
    String intelMnem;
    /** The Intel keyword before the memory operand when its size does not give it (see {@link Decoded.Intel}). */
    String intelSizeWord;
    /** Intel syntax leaves the operands implicit (monitor, mwait). */
    boolean intelNoOperands;
    /** Text Intel syntax prints after the operands (",1" of a shift by one). */
    String intelTrailing = "";
    /** A prefix Intel syntax counts as used where AT&amp;T does not (-1: none). */
    int intelUsedPrefix = -1;

    Decoding(byte[] b, int start, long addr) {
        this.b = b;
        this.start = start;
        this.end = Math.min(b.length, start + X86Decoder.MAX_LENGTH);
        this.addr = addr;
        this.pos = start;
    }

    int u8() {
        if (pos >= end) {
            throw X86Decoder.bad();
        }
        return b[pos++] & 0xff;
    }

    int peek() {
        if (pos >= end) {
            throw X86Decoder.bad();
        }
        return b[pos] & 0xff;
    }

    long s8() {
        return (byte) u8();
    }

    long s16() {
        int lo = u8();
        return (short) (lo | u8() << 8);
    }

    long s32() {
        int v = u8() | u8() << 8 | u8() << 16 | u8() << 24;
        return v;
    }

    long s64() {
        long lo = s32() & 0xffffffffL;
        long hi = s32();
        return lo | hi << 32;
    }

    Decoded run() {
        readPrefixes();
        if (rexAlone) {
            // objdump ends an instruction at a REX prefix that another prefix follows
            mnem = DecodingResult.rexName(pfx[rexIdx]);
            rex = 0;
            npfx--;
            return finish();
        }
        int op = u8();
        if (op == 0xc4 || op == 0xc5 || op == 0x62) {
            rex = 0; // a REX before VEX/EVEX is ignored (objdump prints it as unused)
            readVex(op);
            vectorOp(vmap, u8());
        } else if (op == 0x0f) {
            int op2 = u8();
            if (op2 == 0x38) {
                vectorOp(2, u8());
            } else if (op2 == 0x3a) {
                vectorOp(3, u8());
            } else {
                LegacyMaps.twoByte(this, op2);
            }
        } else {
            LegacyMaps.oneByte(this, op);
        }
        return finish();
    }

    void readPrefixes() {
        while (true) {
            if (rex != 0 && pos >= end) {
                rexAlone = true; // a REX with nothing after it, as objdump shows it
                return;
            }
            int p = peek();
            boolean legacy = switch (p) {
                case 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65 -> true;
                default -> false;
            };
            if (legacy) {
                if (rex != 0) {
                    rexAlone = true; // objdump ends an instruction at a REX that a prefix follows
                    return;
                }
                if (npfx >= X86Decoder.MAX_LENGTH - 1) {
                    throw X86Decoder.bad();
                }
                int i = npfx++;
                pfx[i] = p;
                switch (p) {
                    case 0x66 -> p66 = i;
                    case 0x67 -> p67 = i;
                    case 0xf2, 0xf3 -> pRep = i;
                    case 0xf0 -> {
                    }
                    default -> {
                        pSeg = i;
                        if (p == 0x64 || p == 0x65) {
                            pFsGs = i;
                        }
                    }
                }
                pos++;
                continue;
            }
            if ((p & 0xf0) == 0x40 || p == 0x9b && rex != 0) {
                if (rex != 0) {
                    rexAlone = true;
                    return;
                }
                if (npfx >= X86Decoder.MAX_LENGTH - 1) {
                    throw X86Decoder.bad();
                }
                int i = npfx++;
                pfx[i] = p;
                rex = p;
                rexIdx = i;
                rBits = p & 0xf;
                pos++;
                continue;
            }
            return;
        }
    }

    void readVex(int op) {
        vex = true;
        if (op == 0xc5) {
            int p = u8();
            rBits = (p & 0x80) == 0 ? 4 : 0;
            vvvv = (~p >> 3) & 0xf;
            vL = (p >> 2) & 1;
            vpp = p & 3;
            vmap = 1;
        } else if (op == 0xc4) {
            int p0 = u8();
            int p1 = u8();
            rBits = (~p0 >> 5) & 7; // R, X, B
            vmap = p0 & 0x1f;
            vW = (p1 >> 7) & 1;
            rBits |= vW << 3;
            vvvv = (~p1 >> 3) & 0xf;
            vL = (p1 >> 2) & 1;
            vpp = p1 & 3;
        } else {
            evex = true;
            int p0 = u8();
            int p1 = u8();
            int p2 = u8();
            if ((p1 & 4) == 0) {
                throw X86Decoder.bad();
            }
            rBits = (~p0 >> 5) & 7;
            if ((p0 & 0x10) == 0) {
                rBits |= 16; // R'
            }
            vmap = p0 & 7;
            vW = (p1 >> 7) & 1;
            rBits |= vW << 3;
            vvvv = (~p1 >> 3) & 0xf;
            if ((p2 & 8) == 0) {
                vvvv |= 16;
            }
            vpp = p1 & 3;
            ez = (p2 & 0x80) != 0;
            vL = (p2 >> 5) & 3;
            eb = (p2 & 0x10) != 0;
            aaa = p2 & 7;
        }
        if (vmap < 1 || vmap > 3) {
            throw X86Decoder.bad();
        }
    }

    // ---- operand size helpers

    void useRex(int bit) {
        if ((rex & bit) != 0) {
            rexUsed |= bit | 0x40;
        }
    }

    boolean w() {
        useRex(8);
        return (rBits & 8) != 0;
    }

    int osz() {
        if (w()) {
            return 8;
        }
        if (p66 >= 0) {
            pfxUsed[p66] = true;
            return 2;
        }
        return 4;
    }

    /** ins/outs: 16 or 32 bits by the 66 prefix alone (REX.W does not widen them). */
    int zSize() {
        if (p66 >= 0) {
            pfxUsed[p66] = true;
            return 2;
        }
        return 4;
    }

    int osz64() {
        if ((rBits & 8) != 0) {
            return 8; // REX.W: 64 bits, the 66 prefix ignored (objdump leaves both unused)
        }
        if (p66 >= 0) {
            pfxUsed[p66] = true;
            return 2;
        }
        return 8;
    }

    int regNum() {
        useRex(4);
        return reg | ((rBits & 4) << 1);
    }

    int rmNum() {
        useRex(1);
        return rm | ((rBits & 1) << 3);
    }

    void modrm() {
        if (hasModrm) {
            return;
        }
        hasModrm = true;
        int m = u8();
        mod = m >> 6;
        reg = (m >> 3) & 7;
        rm = m & 7;
        if (mod == 3) {
            return;
        }
        boolean a32 = p67 >= 0;
        String[] regs = a32 ? Regs.R32 : Regs.R64;
        int base = rm;
        if (rm == 4) {
            int sib = u8();
            memScale = 1 << (sib >> 6);
            int idx = ((sib >> 3) & 7);
            base = sib & 7;
            useRex(2);
            int fullIdx = idx | ((rBits & 2) << 2);
            if (fullIdx != 4) {
                memIndex = regs[fullIdx];
            } else {
                memIndex = null;
                int s = sib >> 6;
                boolean hasBase = !(base == 5 && mod == 0);
                if (s != 0 || hasBase && base != 4) {
                    memRiz = memScale;
                }
                memScale = 1;
            }
            if (base == 5 && mod == 0) {
                useRex(1); // no base; objdump still counts REX.B as used
                memBase = null;
                memDisp = s32();
                memDispShown = true;
                return;
            }
        } else if (rm == 5 && mod == 0) {
            useRex(1); // ignored, but objdump counts REX.B as used here
            memBase = a32 ? "eip" : "rip";
            memDisp = s32();
            memDispShown = true;
            return;
        }
        useRex(1);
        memBase = regs[base | ((rBits & 1) << 3)];
        if (mod == 1) {
            disp8Pos = pos;
            memDisp = s8();
            memDispShown = true;
        } else if (mod == 2) {
            memDisp = s32();
            memDispShown = true;
        }
    }

    /** mov to/from control and debug registers: the ModRM rm is a register whatever mod says. */
    void modrmRegisterOnly() {
        if (!hasModrm) {
            hasModrm = true;
            int m = u8();
            reg = (m >> 3) & 7;
            rm = m & 7;
            mod = 3;
        }
    }

    String seg() {
        if (pFsGs >= 0) {
            pfxUsed[pSeg] = true; // objdump counts the last segment prefix as the one used
            return pfx[pFsGs] == 0x64 ? "fs" : "gs";
        }
        return null;
    }

    void memOperand(int size) {
        if (p67 >= 0) {
            pfxUsed[p67] = true;
        }
        long disp = memDisp;
        if (evex && mod == 1 && disp8Pos >= 0) {
            disp *= size > 0 ? size : 1;
        }
        add(new Operand.Mem(seg(), memBase, memIndex, memIndex == null ? 1 : memScale, disp, size),
                new Decoded.Hint(memDispShown, memRiz, ""));
    }

    void add(Operand o) {
        add(o, Decoded.Hint.NONE);
    }

    void add(Operand o, Decoded.Hint h) {
        ops.add(o);
        hints.add(h);
    }

    void reg(String name) {
        add(new Operand.Reg(name));
    }

    void gprRm(int size) {
        int n = rmNum();
        if (size == 1 && rex != 0 && n >= 4 && n < 8) {
            rexUsed |= 0x40;
        }
        reg(Regs.gpr(n, size, rex != 0));
    }

    void gprReg(int size) {
        int n = regNum();
        if (size == 1 && rex != 0 && n >= 4 && n < 8) {
            rexUsed |= 0x40;
        }
        reg(Regs.gpr(n, size, rex != 0));
    }

    /** E operand: register or memory of {@code size} bytes. */
    void eOperand(int size) {
        modrm();
        if (suffixSize == 0) {
            suffixSize = size;
        }
        if (mod == 3) {
            gprRm(size);
        } else {
            memOperand(size);
        }
    }

    void mOnly(int size) {
        modrm();
        if (mod == 3) {
            throw X86Decoder.bad();
        }
        memOperand(size);
    }

    int vecSize() {
        return (vex || evex) ? 16 << vL : 16;
    }

    int sizeCode(String s) {
        return switch (s) {
            case "b" -> 1;
            case "w" -> 2;
            case "d", "ss" -> 4;
            case "q", "sd" -> 8;
            case "dq" -> 16;
            case "qq" -> 32;
            case "v" -> osz();
            case "y" -> w() ? 8 : 4;
            case "z" -> osz() == 2 ? 2 : 4;
            case "x" -> vecSize();
            case "x2" -> vecSize() / 2;
            case "x4" -> vecSize() / 4;
            case "x8" -> vecSize() / 8;
            case "p" -> osz() == 2 ? 4 : 6; // far pointer: offset and selector
            case "", "sw" -> 0;
            default -> throw new IllegalStateException("size " + s);
        };
    }

    long imm(int size) {
        return switch (size) {
            case 1 -> s8();
            case 2 -> s16();
            case 4 -> s32();
            default -> s64();
        };
    }

    /** Applies operand spec {@code s} (Intel order; see {@link OperandSpecs}). */
    void operand(String s) {
        OperandSpecs.apply(this, s);
    }

    /** Applies a table entry "mnemonic ops". */
    void entry(String e) {
        int sp = e.indexOf(' ');
        String m = sp < 0 ? e : e.substring(0, sp);
        setMnem(m);
        if (sp >= 0) {
            for (String o : e.substring(sp + 1).split(",")) {
                operand(o);
            }
        }
    }

    void setMnem(String m) {
        int brace = m.indexOf('{');
        if (brace >= 0) {
            int bar = m.indexOf('|', brace);
            int close = m.indexOf('}', bar);
            boolean wide = vex || evex ? vW != 0 : w();
            m = m.substring(0, brace) + (wide ? m.substring(bar + 1, close) : m.substring(brace + 1, bar))
                    + m.substring(close + 1);
        }
        mnem = m;
        intelMnem = null;
    }

    boolean useF3() {
        if (pRep >= 0 && pfx[pRep] == 0xf3) {
            pfxUsed[pRep] = true;
            return true;
        }
        return false;
    }

    // ---- vector maps (0F, 0F38, 0F3A, VEX, EVEX)

    void vectorOp(int map, int op) {
        String e;
        int pp;
        if (vex || evex) {
            pp = vpp;
            int key = map << 10 | pp << 8 | op;
            e = evex ? OpcodeTables.EVEX.get(key) : null;
            if (e != null) {
                e = "V!" + e;
            } else {
                e = OpcodeTables.SSE.get(key);
            }
            if (e == null || e.startsWith("L!")) {
                throw X86Decoder.bad();
            }
        } else {
            pp = 0;
            e = null;
            if (pRep >= 0) {
                int rp = pfx[pRep] == 0xf3 ? 2 : 3;
                e = OpcodeTables.SSE.get(map << 10 | rp << 8 | op);
                if (e != null) {
                    pfxUsed[pRep] = true;
                }
            }
            if (e == null && p66 >= 0) {
                e = OpcodeTables.SSE.get(map << 10 | 1 << 8 | op);
                if (e != null) {
                    pfxUsed[p66] = true;
                }
            }
            if (e == null) {
                e = OpcodeTables.SSE.get(map << 10 | op);
            }
            if (e == null || e.startsWith("V!")) {
                throw X86Decoder.bad();
            }
        }
        boolean vexOnly = e.startsWith("V!");
        if (e.startsWith("V!") || e.startsWith("L!")) {
            e = e.substring(2);
        }
        if (e.startsWith("#")) {
            VectorGroups.decode(this, e, map, op);
            return;
        }
        if ((vex || evex) && !vexOnly) {
            e = "v" + e;
        }
        entry(e);
        if (map == 3 && op == 0x44) {
            pclmulAlias();
        }
        if (evex) {
            maskDecor();
        }
    }

    /** objdump prints pclmulqdq with immediates 0x00, 0x01, 0x10, 0x11 as pclmul{l,h}q{l,h}qdq. */
    void pclmulAlias() {
        Operand last = ops.get(ops.size() - 1);
        if (last instanceof Operand.Imm imm) {
            int v = (int) imm.value() & 0xff;
            int type = v == 0x10 ? 2 : v == 0x11 ? 3 : v;
            if (type < 4) {
                String pre = mnem.substring(0, mnem.indexOf("pclmul") + 6);
                mnem = pre + new String[] {"lqlq", "hqlq", "lqhq", "hqhq"}[type] + "dq";
                ops.remove(ops.size() - 1);
                hints.remove(hints.size() - 1);
            }
        }
    }

    void maskDecor() {
        String d = (aaa != 0 ? "{%k" + aaa + "}" : "") + (ez ? "{z}" : "");
        decorFirst = d;
    }

    Decoded finish() {
        return DecodingResult.finish(this);
    }
}
