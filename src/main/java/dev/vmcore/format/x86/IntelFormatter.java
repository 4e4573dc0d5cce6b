package dev.vmcore.format.x86;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Prints an {@link Instruction} in Intel syntax as {@code objdump -d -M intel} (binutils 2.40)
 * does: destination first, registers without {@code %}, immediates without {@code $}, memory as
 * {@code QWORD PTR gs:[rdi+rax*8+0x10]} (the size keyword where objdump prints one; {@code ds:0x10}
 * for an absolute address), Intel mnemonics ("movzx", "cdqe", "retf"), prefixes as
 * {@link AttFormatter} prints them. Branch targets print as {@code ffffffff81234567 <foo+0x12>}
 * and RIP-relative operands are followed by {@code # ffffffff82000000 <bar>}; the symbolizer maps
 * an address to "name+0xoff", and when it returns empty the address prints alone with {@code 0x}.
 */
public final class IntelFormatter {
    private IntelFormatter() {
    }

    /** The instruction with no symbols. */
    public static String format(Instruction i) {
        return format(i, a -> Optional.empty());
    }

    public static String format(Instruction i, LongFunction<Optional<String>> symbolizer) {
        Decoded d = null;
        if (i.bytes() != null && i.bytes().length > 0) {
            Decoded again = X86Decoder.decodeFull(i.bytes(), 0, i.address());
            if (again.insn().length() == i.length() && again.insn().mnemonic().equals(i.mnemonic())
                    && again.insn().operands().equals(i.operands())) {
                d = again;
            }
        }
        // Without the bytes that made it: the AT&T names and the reversed operands, the best guess.
        Decoded.Intel intel = d != null ? d.intel()
                : new Decoded.Intel(IntelNames.mnemonic(i.mnemonic()), "", true, true, null, "");
        List<Operand> ops = new ArrayList<>(i.operands());
        List<Decoded.Hint> hints = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            hints.add(d != null && k < d.hints().size() ? d.hints().get(k) : Decoded.Hint.NONE);
        }
        if (intel.reversed()) {
            Collections.reverse(ops);
            Collections.reverse(hints);
        }
        StringBuilder sb = new StringBuilder(intel.prefixText()).append(intel.mnemonic());
        if (ops.isEmpty() || !intel.operandsShown()) {
            return sb.toString();
        }
        do {
            sb.append(' ');
        } while (sb.length() < 7);
        String comment = null;
        for (int k = 0; k < ops.size(); k++) {
            if (k > 0) {
                sb.append(',');
            }
            Decoded.Hint h = hints.get(k);
            String decor = h.decor();
            switch (ops.get(k)) {
                case Operand.Reg r -> sb.append(IntelNames.register(r.name()));
                case Operand.Imm m -> sb.append("0x").append(Long.toHexString(m.unsignedValue()));
                case Operand.Rel r -> sb.append(address(r.target(), symbolizer));
                case Operand.Mem m -> {
                    int bcst = decor.indexOf("{1to");
                    if (bcst >= 0) {
                        decor = decor.substring(0, bcst) + decor.substring(decor.indexOf('}', bcst) + 1);
                    }
                    mem(sb, m, h, intel.sizeWord(), bcst >= 0);
                    if (m.isRipRelative()) {
                        comment = address(i.address() + i.length() + m.displacement(), symbolizer);
                    }
                }
            }
            sb.append(decor.replace("{%", "{"));
        }
        sb.append(intel.trailing());
        if (comment != null) {
            sb.append("        # ").append(comment);
        }
        return sb.toString();
    }

    private static String address(long a, LongFunction<Optional<String>> symbolizer) {
        Optional<String> s = symbolizer.apply(a);
        return s.map(name -> Long.toHexString(a) + " <" + name + ">").orElse("0x" + Long.toHexString(a));
    }

    private static void mem(StringBuilder sb, Operand.Mem m, Decoded.Hint h, String sizeWord, boolean broadcast) {
        if (m.segment() == null && "dx".equals(m.base())) {
            sb.append("dx"); // the port of in/out/ins/outs
            return;
        }
        String word = sizeWord != null ? sizeWord : IntelNames.sizeWord(m.size());
        if (!word.isEmpty()) {
            sb.append(word).append(broadcast ? " BCST " : " PTR ");
        }
        boolean hasBase = m.base() != null;
        boolean hasIndex = m.index() != null || h.rizScale() != 0;
        if (!hasBase && !hasIndex) {
            String segment = m.segment() != null ? m.segment() : "ds";
            sb.append(segment).append(":0x").append(Long.toHexString(m.displacement()));
            return;
        }
        if (m.segment() != null) {
            sb.append(m.segment()).append(':');
        }
        sb.append('[');
        if (hasBase) {
            sb.append(m.base());
        }
        if (hasIndex) {
            if (hasBase) {
                sb.append('+');
            }
            String index = m.index() != null ? m.index()
                    : m.base() != null && m.base().startsWith("e") ? "eiz" : "riz";
            sb.append(index).append('*').append(m.index() != null ? m.scale() : h.rizScale());
        }
        long d = m.displacement();
        if (d != 0 || h.dispShown()) {
            if (d < 0 && !m.isRipRelative()) {
                sb.append("-0x").append(Long.toHexString(-d));
            } else {
                sb.append("+0x").append(Long.toHexString(d));
            }
        }
        sb.append(']');
    }
}
