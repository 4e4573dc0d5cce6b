package dev.vmcore.format.x86;

/**
 * One operand of a decoded {@link Instruction}, in the order objdump's AT&amp;T syntax prints them
 * (sources first, destination last).
 */
public sealed interface Operand permits Operand.Reg, Operand.Imm, Operand.Mem, Operand.Rel {

    /** A register, by its objdump name without {@code %}: "rax", "eax", "al", "r8d", "xmm0", "cr3", "k1". */
    record Reg(String name) implements Operand {
    }

    /**
     * An immediate. {@code value} is sign- or zero-extended as the instruction extends it;
     * {@code size} is the width it is printed at in bytes (objdump prints {@code value} masked to it).
     */
    record Imm(long value, int size) implements Operand {
        /** The value as objdump prints it: masked to {@code size} bytes. */
        public long unsignedValue() {
            return size >= 8 ? value : value & ((1L << (size * 8)) - 1);
        }
    }

    /**
     * A memory operand {@code segment:displacement(base,index,scale)}. {@code segment} is set only
     * for an explicit fs/gs override (or the implicit ds/es of string instructions); {@code base} is
     * "rip" for a RIP-relative operand (then {@code displacement} is relative to the next
     * instruction); {@code size} is the access width in bytes, 0 when unknown or not meaningful
     * (lea, nop, prefetch, system descriptors).
     */
    record Mem(String segment, String base, String index, int scale, long displacement, int size) implements Operand {
        public boolean isRipRelative() {
            return "rip".equals(base) || "eip".equals(base);
        }
    }

    /** A direct branch target (call/jmp/jcc/loop/jrcxz rel8/rel32), already resolved to an address. */
    record Rel(long target) implements Operand {
    }
}
