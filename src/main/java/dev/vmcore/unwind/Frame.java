package dev.vmcore.unwind;

import java.util.Optional;

/**
 * One frame of a backtrace, as crash numbers them: a return address found on the stack (or, for
 * the first frame, the starting registers' instruction pointer).
 *
 * @param ip        the return address (or the exact ip of a frame without a slot)
 * @param slot      the stack address the return address was read from; 0 for a frame from registers
 * @param sp        the stack pointer in this frame (the caller's, after the return)
 * @param stack     the stack the slot (or sp) lies on; null when it lies on none of the known stacks
 * @param exception the pt_regs this frame's code saved (an exception, interrupt or system-call entry),
 *                  whose ip and sp the unwind continued from
 * @param reliable  false when the step into this frame guessed (no ORC data: frame-pointer fallback)
 */
public record Frame(long ip, long slot, long sp, StackRegion stack, Optional<PtRegs> exception, boolean reliable) {
    public Frame withException(PtRegs regs) {
        return new Frame(ip, slot, sp, stack, Optional.of(regs), reliable);
    }

    /** The return address was read from the stack (not a frame from registers). */
    public boolean hasSlot() {
        return slot != 0;
    }
}
