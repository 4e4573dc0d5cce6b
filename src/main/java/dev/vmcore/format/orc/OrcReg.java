package dev.vmcore.format.orc;

/**
 * A base register of an ORC entry (arch/x86/include/asm/orc_types.h ORC_REG_*): the register the
 * caller's stack pointer (or saved frame pointer) is found from.
 */
public enum OrcReg {
    /** Not known, or (for bp) unchanged in this frame. */
    UNDEFINED,
    /** The caller's stack pointer: the DWARF CFA. */
    PREV_SP,
    AX,
    DX,
    DI,
    BP,
    SP,
    R10,
    R13,
    /** The value is loaded from [bp + offset]. */
    BP_INDIRECT,
    /** The value is loaded from [sp], then the offset added. */
    SP_INDIRECT
}
