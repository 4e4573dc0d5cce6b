package dev.vmcore.format.dwarf;

/**
 * One frame of an address's inline chain: the function (empty when unnamed) and the source location
 * in it: the line-table row for the innermost frame, the call site of the inlined callee for the others.
 *
 * @param inlined true when this function was inlined into the next frame
 * @param dieOffset the subprogram or inlined_subroutine DIE
 */
public record Frame(String function, String file, int line, boolean inlined, long dieOffset) {
}
