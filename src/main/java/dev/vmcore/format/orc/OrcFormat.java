package dev.vmcore.format.orc;

/**
 * The layouts of the 6-byte {@code struct orc_entry} {s16 sp_offset; s16 bp_offset; u16 bits}. They
 * differ only in the last 16 bits (little-endian bitfields, sp_reg in bits 0-3, bp_reg in 4-7):
 * <ul>
 * <li>{@link #END_BIT} (4.14 to 6.3): type:2 (CALL 0, REGS 1, REGS_PARTIAL 2) in bits 8-9, an
 * end-of-stack bit 10, and since 6.3 a signal bit 11. A frame with an undefined sp register ends
 * the unwind when its end bit is set and is an error otherwise.</li>
 * <li>{@link #TYPED} (6.4 on, the kernels that carry {@code .orc_header}): type:3 (UNDEFINED 0,
 * END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4) in bits 8-10, signal bit 11.</li>
 * <li>{@link #TYPED_RENUMBERED}: the typed layout with the registers renumbered (7.1).</li>
 * </ul>
 * The kernels before 6.3 have no signal bit; their REGS frames are signal frames all the same.
 */
public enum OrcFormat {
    END_BIT(false),
    TYPED(false),
    TYPED_RENUMBERED(true);

    /**
     * Register numbers before 7.1; AX (10) came with objtool's support for Clang's RAX DRAP
     * sequence (commit 96f3b16a9de5, backported to 6.12) and is unused by older kernels.
     */
    private static final OrcReg[] REGISTERS = {OrcReg.UNDEFINED, OrcReg.PREV_SP, OrcReg.DX, OrcReg.DI,
        OrcReg.BP, OrcReg.SP, OrcReg.R10, OrcReg.R13, OrcReg.BP_INDIRECT, OrcReg.SP_INDIRECT, OrcReg.AX};
    /** Register numbers since 7.1. */
    private static final OrcReg[] RENUMBERED = {OrcReg.UNDEFINED, OrcReg.AX, OrcReg.DX, OrcReg.SP, OrcReg.BP,
        OrcReg.DI, OrcReg.R10, OrcReg.R13, OrcReg.PREV_SP, OrcReg.SP_INDIRECT, OrcReg.BP_INDIRECT};
    private static final OrcType[] END_BIT_TYPES = {OrcType.CALL, OrcType.REGS, OrcType.REGS_PARTIAL};
    private static final OrcType[] TYPED_TYPES = {OrcType.UNDEFINED, OrcType.END_OF_STACK, OrcType.CALL,
        OrcType.REGS, OrcType.REGS_PARTIAL};

    private final boolean renumbered;

    OrcFormat(boolean renumbered) {
        this.renumbered = renumbered;
    }

    /** The register numbered {@code number} in this layout; null for numbers the layout does not define. */
    public OrcReg register(int number) {
        OrcReg[] table = renumbered ? RENUMBERED : REGISTERS;
        return number >= 0 && number < table.length ? table[number] : null;
    }

    /** The number of {@code reg} in this layout (for writers of test tables); -1 when it has none. */
    public int number(OrcReg reg) {
        OrcReg[] table = renumbered ? RENUMBERED : REGISTERS;
        for (int i = 0; i < table.length; i++) {
            if (table[i] == reg) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Decodes one entry, or null when its bits name a register or type this layout does not know
     * (the caller reports that as corrupt data).
     */
    public OrcEntry decode(short spOffset, short bpOffset, int bits) {
        OrcReg sp = register(bits & 0xf);
        OrcReg bp = register((bits >> 4) & 0xf);
        if (sp == null || bp == null) {
            return null;
        }
        boolean signalBit = (bits & 0x800) != 0;
        OrcType type;
        if (this == END_BIT) {
            int t = (bits >> 8) & 0x3;
            if (t >= END_BIT_TYPES.length) {
                return null;
            }
            boolean end = (bits & 0x400) != 0;
            type = sp == OrcReg.UNDEFINED ? (end ? OrcType.END_OF_STACK : OrcType.UNDEFINED) : END_BIT_TYPES[t];
        } else {
            int t = (bits >> 8) & 0x7;
            if (t >= TYPED_TYPES.length) {
                return null;
            }
            type = TYPED_TYPES[t];
        }
        boolean signal = signalBit || type == OrcType.REGS || type == OrcType.REGS_PARTIAL;
        return new OrcEntry(sp, spOffset, bp, bpOffset, type, signal);
    }
}
