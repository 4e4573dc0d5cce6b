package dev.vmcore.format.x86;

import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Prints an {@link Instruction} in AT&amp;T syntax as {@code objdump -d} (binutils 2.40) does:
 * the mnemonic padded to six columns, prefixes before it ("lock", "rep", "cs", "notrack",
 * "data16", "rex.W"), {@code *} before an indirect branch operand, branch targets as
 * {@code ffffffff81234567 <foo+0x12>} and RIP-relative operands followed by
 * {@code # ffffffff82000000 <bar>}. The symbolizer maps an address to "name+0xoff"; when it
 * returns empty the address prints alone, with {@code 0x} as objdump prints it without symbols.
 */
public final class AttFormatter {
    private AttFormatter() {
    }

    /** The instruction with no symbols. */
    public static String format(Instruction i) {
        return format(i, a -> Optional.empty());
    }

    public static String format(Instruction i, LongFunction<Optional<String>> symbolizer) {
        String prefixes = "";
        List<Decoded.Hint> hints = null;
        if (i.bytes() != null && i.bytes().length > 0) {
            Decoded d = X86Decoder.decodeFull(i.bytes(), 0, i.address());
            if (d.insn().length() == i.length() && d.insn().mnemonic().equals(i.mnemonic())
                    && d.insn().operands().equals(i.operands())) {
                prefixes = d.prefixText();
                hints = d.hints();
            }
        }
        StringBuilder sb = new StringBuilder();
        String head = prefixes + i.mnemonic();
        sb.append(head);
        if (i.operands().isEmpty()) {
            return sb.toString();
        }
        do {
            sb.append(' ');
        } while (sb.length() < 7);
        boolean indirect = isIndirectBranch(i.mnemonic());
        String comment = null;
        for (int k = 0; k < i.operands().size(); k++) {
            if (k > 0) {
                sb.append(',');
            }
            Operand o = i.operands().get(k);
            Decoded.Hint h = hints != null && k < hints.size() ? hints.get(k) : Decoded.Hint.NONE;
            switch (o) {
                case Operand.Reg r -> {
                    if (indirect) {
                        sb.append('*');
                    }
                    sb.append('%').append(r.name());
                }
                case Operand.Imm m -> sb.append("$0x").append(Long.toHexString(m.unsignedValue()));
                case Operand.Rel r -> sb.append(address(r.target(), symbolizer));
                case Operand.Mem m -> {
                    if (indirect) {
                        sb.append('*');
                    }
                    mem(sb, m, h);
                    if (m.isRipRelative()) {
                        long target = i.address() + i.length() + m.displacement();
                        comment = address(target, symbolizer);
                    }
                }
            }
            sb.append(h.decor());
        }
        if (comment != null) {
            sb.append("        # ").append(comment);
        }
        return sb.toString();
    }

    private static boolean isIndirectBranch(String m) {
        return m.equals("call") || m.equals("jmp") || m.equals("lcall") || m.equals("ljmp")
                || m.equals("callw") || m.equals("jmpw");
    }

    private static String address(long a, LongFunction<Optional<String>> symbolizer) {
        Optional<String> s = symbolizer.apply(a);
        return s.map(name -> Long.toHexString(a) + " <" + name + ">").orElse("0x" + Long.toHexString(a));
    }

    private static void mem(StringBuilder sb, Operand.Mem m, Decoded.Hint h) {
        if (m.segment() != null) {
            sb.append('%').append(m.segment()).append(':');
        }
        boolean hasBase = m.base() != null;
        boolean hasIndex = m.index() != null || h.rizScale() != 0;
        if (!hasBase && !hasIndex) {
            sb.append("0x").append(Long.toHexString(m.displacement()));
            return;
        }
        long d = m.displacement();
        if (d != 0 || h.dispShown()) {
            if (d < 0) {
                sb.append("-0x").append(Long.toHexString(-d));
            } else {
                sb.append("0x").append(Long.toHexString(d));
            }
        }
        sb.append('(');
        if (hasBase) {
            sb.append('%').append(m.base());
        }
        if (m.index() != null) {
            sb.append(",%").append(m.index()).append(',').append(m.scale());
        } else if (h.rizScale() != 0) {
            sb.append(",%").append(m.base() != null && m.base().startsWith("e") ? "eiz" : "riz").append(',')
                    .append(h.rizScale());
        }
        sb.append(')');
    }
}
