package dev.vmcore.analyze;

import java.util.Optional;

/**
 * One line of oops text as {@link OopsText} understood it.
 *
 * @param number  1-based line number in the input
 * @param text    the line as it was read (without its line terminator)
 * @param bodyAt  where the kernel's own text starts (after timestamps, journalctl and caller prefixes)
 * @param kind    what the line is
 * @param frame   the {@code func+off/len [mod]} reference in it, when it has one
 * @param context the stack marker the line sits under ("IRQ", "TASK", "NMI", ...), empty outside markers
 */
public record OopsLine(int number, String text, int bodyAt, Kind kind, Optional<FrameRef> frame, String context) {
    /** What a line is. */
    public enum Kind {
        /** {@code RIP: 0010:func+off/len [mod]}: where the fault happened. */
        RIP,
        /** {@code Call Trace:}, or a KASAN report's {@code Allocated by task N:} and other stack headers. */
        TRACE_HEADER,
        /** A Call Trace entry: {@code [? ]func+off/len [mod]}. */
        TRACE_ENTRY,
        /** {@code <IRQ>}, {@code </IRQ>}, {@code <TASK>}, ...: the stack the next entries are on. */
        MARKER,
        /** {@code Code: ...} bytes: symbolize adds their disassembly ({@link CodeBytes}). */
        CODE,
        /** Any other line naming {@code func+off/len} (WARNING lines, {@code (%pS)} prints). */
        OTHER_FRAME,
        /** Everything else: passed through unchanged. */
        TEXT
    }

    /** The kernel's own text of the line, without its prefixes. */
    public String body() {
        return text.substring(bodyAt);
    }

    /**
     * A {@code func+0xoff/0xlen [module buildid]} reference.
     *
     * @param start    index in the line of the function name
     * @param end      index just past the reference (past the module's closing bracket when there is one)
     * @param reliable false for {@code ? } entries (found by scanning the stack, maybe stale)
     * @param function the symbol name
     * @param offset   the offset into it
     * @param length   the symbol's size as the kernel printed it
     * @param module   the module name, empty for the kernel image
     * @param buildId  the module's build id, when the kernel printed it (CONFIG_STACKTRACE_BUILD_ID)
     */
    public record FrameRef(int start, int end, boolean reliable, String function, long offset, long length,
                           Optional<String> module, Optional<String> buildId) {
        /** The reference as printed: {@code func+0x15/0x30 [mod]}. */
        public String symbolText() {
            return function + "+0x" + Long.toHexString(offset) + "/0x" + Long.toHexString(length)
                    + module.map(m -> " [" + m + buildId.map(b -> " " + b).orElse("") + "]").orElse("");
        }
    }
}
