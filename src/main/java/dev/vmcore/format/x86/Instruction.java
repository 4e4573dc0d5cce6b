package dev.vmcore.format.x86;

import java.util.List;
import java.util.Optional;

/**
 * One decoded instruction. {@code mnemonic} is objdump's, with the size suffix it prints
 * ("movl", "movzbl", "nopw", "pushw") and branch hints ("jne,pn"), but without prefixes ("lock",
 * "rep", "cs", "notrack", "data16", "rex.W" are printed by {@link AttFormatter}); {@code operands}
 * are in AT&amp;T order (destination last) and are what objdump prints: an implicit operand objdump
 * leaves out (the 1 of {@code shl %eax}) is not there. {@code bytes} are the instruction's bytes.
 */
public record Instruction(long address, int length, byte[] bytes, String mnemonic, List<Operand> operands) {
    /** The mnemonic of an undecodable byte. */
    public static final String BAD = "(bad)";

    public Instruction {
        operands = List.copyOf(operands);
    }

    /** The target of a direct call, jmp, jcc, loop or jrcxz; empty for anything else. */
    public Optional<Long> branchTarget() {
        for (Operand o : operands) {
            if (o instanceof Operand.Rel r) {
                return Optional.of(r.target());
            }
        }
        return Optional.empty();
    }

    /** The effective address of a RIP-relative memory operand; empty when there is none. */
    public Optional<Long> ripTarget() {
        for (Operand o : operands) {
            if (o instanceof Operand.Mem m && m.isRipRelative()) {
                return Optional.of(address + length + m.displacement());
            }
        }
        return Optional.empty();
    }

    /** True for bytes that do not decode (objdump's "(bad)"); such an instruction is one byte long. */
    public boolean isBad() {
        return BAD.equals(mnemonic);
    }

    /** The address of the next instruction. */
    public long next() {
        return address + length;
    }
}
