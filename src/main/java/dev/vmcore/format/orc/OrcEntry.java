package dev.vmcore.format.orc;

/**
 * One decoded ORC entry: the rule to find the caller's frame from the state at an instruction.
 *
 * @param spReg    the register the caller's stack pointer is computed from
 * @param spOffset added to it (or to the loaded value, for the indirect registers)
 * @param bpReg    where the caller's frame pointer is: UNDEFINED (unchanged), PREV_SP or BP (loaded from base + bpOffset)
 * @param bpOffset offset for the frame pointer rule
 * @param type     what sits at the computed stack pointer
 * @param signal   the frame was entered by an interrupt or exception, so its ip is exact (no "return address - 1")
 */
public record OrcEntry(OrcReg spReg, int spOffset, OrcReg bpReg, int bpOffset, OrcType type, boolean signal) {
    /** The kernel's orc_fp_entry: what to assume for code without ORC data (a frame-pointer frame). */
    public static final OrcEntry FRAME_POINTER = new OrcEntry(OrcReg.BP, 16, OrcReg.PREV_SP, -16, OrcType.CALL, false);

    @Override
    public String toString() {
        return type + " sp=" + spReg + (spOffset < 0 ? "" : "+") + spOffset + " bp=" + bpReg
                + (bpOffset < 0 ? "" : "+") + bpOffset + (signal ? " signal" : "");
    }
}
