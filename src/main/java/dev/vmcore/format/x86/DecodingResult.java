package dev.vmcore.format.x86;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The end of a {@link Decoding}: the mnemonic with objdump's size suffix and branch hints, the
 * operands in AT&amp;T order, the prefixes objdump prints (unused ones, by the names it gives them:
 * rep/repz, bnd, xacquire/xrelease, notrack, rex.W...), and the Intel-syntax form.
 */
final class DecodingResult {
    private DecodingResult() {
    }

    static String suffix(int size) {
        return switch (size) {
            case 1 -> "b";
            case 2 -> "w";
            case 4 -> "l";
            default -> "q";
        };
    }

    static Decoded finish(Decoding d) {
        int len = d.pos - d.start;
        String m = d.mnem;
        String im;
        if (m.endsWith("~")) {
            m = m.substring(0, m.length() - 1);
            im = m;
            if (d.hasModrm && d.mod != 3) {
                m += suffix(d.suffixSize);
            }
        } else if (m.endsWith("@")) {
            m = m.substring(0, m.length() - 1);
            im = m;
            m += suffix(d.suffixSize == 0 ? 4 : d.suffixSize);
        } else {
            im = IntelNames.mnemonic(m);
        }
        if (d.intelMnem != null) {
            im = d.intelMnem;
        }
        boolean[] intelUsed = d.pfxUsed.clone(); // Intel syntax prints loop's 67 and jcc's hints as prefixes
        if (d.intelUsedPrefix >= 0) {
            intelUsed[d.intelUsedPrefix] = true;
        }
        d.bndBranch = d.isBranch && !m.startsWith("loop") && !m.startsWith("j")
                || m.startsWith("j") && !m.endsWith("cxz") || d.isIndirectBranch && !m.startsWith("l");
        if (d.isBranch && m.startsWith("loop") && d.p67 >= 0) {
            d.pfxUsed[d.p67] = true;
            m += "l";
        }
        if (d.isBranch && (m.startsWith("j") && !m.startsWith("jmp") || m.startsWith("loop"))) {
            boolean cs = false;
            boolean ds = false;
            for (int i = 0; i < d.npfx; i++) {
                cs |= d.pfx[i] == 0x2e;
                ds |= d.pfx[i] == 0x3e;
            }
            if (cs != ds) {
                d.pfxUsed[d.pSeg] = true;
                m += cs ? ",pn" : ",pt";
            }
        }
        List<Operand> out = new ArrayList<>(d.ops);
        List<Decoded.Hint> h = new ArrayList<>(d.hints);
        if (!d.decorFirst.isEmpty() && !out.isEmpty()) {
            Decoded.Hint first = h.get(0);
            h.set(0, new Decoded.Hint(first.dispShown(), first.rizScale(), first.decor() + d.decorFirst));
        }
        if (!d.noReverse) {
            Collections.reverse(out);
            Collections.reverse(h);
        }
        byte[] bytes = Arrays.copyOfRange(d.b, d.start, d.start + len);
        return new Decoded(new Instruction(d.addr, len, bytes, m, out), prefixText(d, d.pfxUsed, m), h,
                new Decoded.Intel(im, prefixText(d, intelUsed, m), !d.noReverse, !d.intelNoOperands,
                        d.intelSizeWord != null ? d.intelSizeWord : IntelNames.sizeWord(im),
                        d.intelTrailing));
    }

    /** The prefixes objdump prints before the mnemonic: REX when not wholly used, others when unused. */
    private static String prefixText(Decoding d, boolean[] used, String m) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < d.npfx; i++) {
            if ((d.pfx[i] & 0xf0) == 0x40) {
                if (!(i == d.rexIdx && d.rex != 0 && d.rexUsed == d.rex)) {
                    p.append(rexName(d.pfx[i])).append(' ');
                }
            } else if (!used[i]) {
                p.append(prefixName(d, d.pfx[i], m)).append(' ');
            }
        }
        return p.toString();
    }

    private static String prefixName(Decoding d, int p, String m) {
        return switch (p) {
            case 0xf0 -> "lock";
            case 0xf3 -> d.isString && !(m.startsWith("cmps") || m.startsWith("scas")) ? "rep"
                    : hle(d, m, true) ? "xrelease" : "repz";
            case 0xf2 -> d.bndBranch ? "bnd" : hle(d, m, false) ? "xacquire" : "repnz";
            case 0x66 -> "data16";
            case 0x67 -> "addr32";
            case 0x2e -> "cs";
            case 0x36 -> "ss";
            case 0x3e -> d.isIndirectBranch && !m.startsWith("l") ? "notrack" : "ds";
            case 0x26 -> "es";
            case 0x64 -> "fs";
            case 0x65 -> "gs";
            default -> String.format("0x%02x", p);
        };
    }

    /** Whether F2/F3 are the HLE hints here: a locked (or xchg) read-modify-write, or a store (F3). */
    private static boolean hle(Decoding d, String m, boolean release) {
        if (!d.hasModrm || d.mod == 3) {
            return false;
        }
        String base = m.replaceAll("[bwlq]$", "");
        boolean lockable = switch (base) {
            case "add", "adc", "and", "btc", "btr", "bts", "cmpxchg", "cmpxchg8b", "cmpxchg16b", "dec", "inc",
                    "neg", "not", "or", "sbb", "sub", "xor", "xadd" -> true;
            default -> false;
        };
        boolean locked = false;
        for (int i = 0; i < d.npfx; i++) {
            locked |= d.pfx[i] == 0xf0;
        }
        return base.equals("xchg") || lockable && locked || release && base.equals("mov") && d.isStore;
    }

    static String rexName(int r) {
        if ((r & 0xf) == 0) {
            return "rex";
        }
        StringBuilder s = new StringBuilder("rex.");
        if ((r & 8) != 0) {
            s.append('W');
        }
        if ((r & 4) != 0) {
            s.append('R');
        }
        if ((r & 2) != 0) {
            s.append('X');
        }
        if ((r & 1) != 0) {
            s.append('B');
        }
        return s.toString();
    }
}
