package dev.vmcore.format.orc;

/** What an ORC entry says sits at the computed stack pointer. */
public enum OrcType {
    /** No unwind information: the unwind cannot go on from here. */
    UNDEFINED,
    /** The bottom of a task's (or kernel thread's) stack: the unwind ends normally. */
    END_OF_STACK,
    /** A normal call frame: the return address sits just below the computed stack pointer. */
    CALL,
    /** A full {@code struct pt_regs} sits at the computed stack pointer (an entry from an exception or interrupt). */
    REGS,
    /** Only the hardware's IRET frame (ip, cs, flags, sp, ss) sits at the computed stack pointer. */
    REGS_PARTIAL
}
