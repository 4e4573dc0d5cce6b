package dev.vmcore.format.x86;

import java.util.List;

/**
 * An {@link Instruction} with what objdump's text needs beyond it: the prefixes printed before the
 * mnemonic and, per operand (AT&amp;T order), how it is printed.
 */
record Decoded(Instruction insn, String prefixText, List<Hint> hints) {

    /**
     * How operand {@code i} prints: {@code dispShown} a zero displacement that was encoded (objdump
     * prints "0x0(%rax)"); {@code rizScale} non-zero when a SIB without index prints
     * {@code %riz}; {@code decor} text after the operand (EVEX "{%k1}{z}", "{1to16}").
     */
    record Hint(boolean dispShown, int rizScale, String decor) {
        static final Hint NONE = new Hint(false, 0, "");
    }
}
