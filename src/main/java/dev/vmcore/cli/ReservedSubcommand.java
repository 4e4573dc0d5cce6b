package dev.vmcore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Subcommand names kept for planned work, so that a file called "symbolize" or "analyze" is never
 * mistaken for them later. Each says plainly that it is not available yet.
 */
final class ReservedSubcommand {
    private ReservedSubcommand() {
    }

    @Command(name = "symbolize", description = "turn pasted oops text into function, file and line (planned)")
    static final class Symbolize implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            throw new Main.InputError("vmcore symbolize: not available in this version yet");
        }
    }

    @Command(name = "analyze", description = "classify the fault in a dump (planned)")
    static final class Analyze implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            throw new Main.InputError("vmcore analyze: not available in this version yet");
        }
    }
}
