package dev.vmcore.shell;

import java.util.List;

/** Batch mode (-c, -i): runs each command line in order, on through failures, and reports an exit status. */
public final class BatchRunner {
    private BatchRunner() {
    }

    /**
     * Runs {@code lines} (each may hold several commands separated by ';').
     *
     * @return 0 if every command succeeded, 1 if any failed
     */
    public static int run(CommandRunner runner, List<String> lines) {
        boolean failed = false;
        for (String line : lines) {
            RunStatus status = runner.runLine(line);
            failed |= status == RunStatus.FAILED;
            if (status == RunStatus.EXIT) {
                break;
            }
        }
        return failed ? 1 : 0;
    }
}
