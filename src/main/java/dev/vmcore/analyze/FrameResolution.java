package dev.vmcore.analyze;

import dev.vmcore.analyze.OopsLine.FrameRef;
import dev.vmcore.format.dwarf.Frame;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What became of one {@code func+off/len [mod]} reference.
 *
 * @param ref     the reference
 * @param object  the vmlinux or .ko whose symbols and DWARF were used, when one was found
 * @param address symbol + offset where that file's DWARF describes it (a .ko's sections laid out from
 *                {@link DebugObject#MODULE_BASE}), when the symbol was found
 * @param chain   the inline chain, innermost first, as {@code addr2line -i -f}: the first frame's
 *                file:line is the address's own; each later frame holds the call site of the one
 *                before it. Empty when unresolved
 * @param note    why it was not resolved, or a caveat (an ambiguous name)
 */
public record FrameResolution(FrameRef ref, Optional<Path> object, OptionalLong address, List<Frame> chain,
                              Optional<String> note) {
    public FrameResolution {
        chain = List.copyOf(chain);
    }

    static FrameResolution unresolved(FrameRef ref, Optional<Path> object, String why) {
        return new FrameResolution(ref, object, OptionalLong.empty(), List.of(), Optional.of(why));
    }

    public boolean resolved() {
        return !chain.isEmpty();
    }
}
