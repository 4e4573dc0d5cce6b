package dev.vmcore.unwind;

/**
 * Where an unwind starts (and each step's result): the instruction and stack pointers, the frame
 * pointer, and what is known beyond them.
 *
 * @param ip     the instruction pointer: exact when {@code signal}, else a return address
 * @param sp     the stack pointer in that frame
 * @param bp     the frame pointer
 * @param slot   the stack address {@code ip} was read from; 0 when it came from registers
 * @param signal {@code ip} is the interrupted instruction itself (registers, an exception frame), so
 *               its ORC entry is looked up at {@code ip}, not at {@code ip - 1}
 * @param regs   the full register set when known (a CPU note, or the pt_regs just passed); null otherwise
 */
public record RegisterState(long ip, long sp, long bp, long slot, boolean signal, PtRegs regs) {
    public boolean hasSlot() {
        return slot != 0;
    }

    /** The state a CPU note (or any full register set) gives. */
    public static RegisterState fromRegisters(PtRegs regs) {
        return new RegisterState(regs.get("ip").orElse(0), regs.get("sp").orElse(0), regs.get("bp").orElse(0), 0,
                true, regs);
    }
}
