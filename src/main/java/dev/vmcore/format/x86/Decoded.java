package dev.vmcore.format.x86;

import java.util.List;

/**
 * An {@link Instruction} with what objdump's text needs beyond it: the prefixes printed before the
 * mnemonic, per operand (AT&amp;T order) how it is printed, and the Intel-syntax form.
 */
record Decoded(Instruction insn, String prefixText, List<Hint> hints, Intel intel) {

    Decoded(Instruction insn, String prefixText, List<Hint> hints) {
        this(insn, prefixText, hints, new Intel(insn.mnemonic(), prefixText, true, true, null, ""));
    }

    /**
     * How operand {@code i} prints: {@code dispShown} a zero displacement that was encoded (objdump
     * prints "0x0(%rax)"); {@code rizScale} non-zero when a SIB without index prints
     * {@code %riz}; {@code decor} text after the operand (EVEX "{%k1}{z}", "{1to16}").
     */
    record Hint(boolean dispShown, int rizScale, String decor) {
        static final Hint NONE = new Hint(false, 0, "");
    }

    /**
     * What {@code objdump -M intel} prints differently: the {@code mnemonic} (no AT&amp;T size
     * suffix: "movzx", "cdqe", "fld"); {@code prefixText} (the 67 of loop and the branch hints
     * are prefixes here, not "loopl" and "jne,pn"); {@code reversed} when the Intel operand order
     * is the reverse of the AT&amp;T one (not for enter); {@code operandsShown} false where the
     * operands are implicit (monitor, mwait); {@code sizeWord} the keyword before a memory
     * operand when its size does not give it ("OWORD", "FWORD"), "" for none, null for the one
     * by size; {@code trailing} an operand Intel syntax adds at the end (the ",1" of a shift by one).
     */
    record Intel(String mnemonic, String prefixText, boolean reversed, boolean operandsShown, String sizeWord,
            String trailing) {
    }
}
