package dev.vmcore.unwind;

import java.util.List;
import java.util.Optional;

/**
 * The frames of one unwind, innermost first, and why it stopped.
 *
 * @param start  the registers it started from (for the first frame's exception block)
 * @param frames innermost first
 * @param error  why the unwind stopped early (one line), empty when it reached the end of the stack
 */
public record StackTrace(RegisterState start, List<Frame> frames, Optional<String> error) {
    public StackTrace {
        frames = List.copyOf(frames);
    }
}
