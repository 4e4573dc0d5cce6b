package dev.vmcore.shell;

/** How running a command (or a line of them) ended. */
public enum RunStatus {
    OK, FAILED, EXIT;

    /** Combines the statuses of consecutive commands: EXIT wins, then FAILED. */
    RunStatus and(RunStatus next) {
        if (this == EXIT || next == EXIT) {
            return EXIT;
        }
        return this == FAILED || next == FAILED ? FAILED : OK;
    }
}
