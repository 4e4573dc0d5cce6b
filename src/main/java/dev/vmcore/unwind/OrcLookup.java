package dev.vmcore.unwind;

import dev.vmcore.format.orc.OrcEntry;

import java.util.Optional;

/** The ORC entry for an instruction address, from whichever table (kernel or module) covers it. */
public interface OrcLookup {
    /** Whether {@code ip} lies in kernel or module text at all (else the unwind has gone astray). */
    boolean isText(long ip);

    /** The entry covering {@code ip}; empty when no table covers it (code without ORC data). */
    Optional<OrcEntry> find(long ip);
}
