package dev.vmcore.cli;

import dev.vmcore.commands.CommandRegistry;
import dev.vmcore.program.Session;
import dev.vmcore.shell.BatchRunner;
import dev.vmcore.shell.CommandRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vmcore info DUMP}: the shell's info command, straight from the command line. */
@Command(name = "info", description = "what a dump file is and holds (format, pages, dump level, release)")
final class InfoSubcommand implements Callable<Integer> {
    @ParentCommand
    Main parent;

    @Parameters(arity = "1..*", paramLabel = "DUMP", description = "the dump (all parts of a split dump)")
    List<Path> files = new ArrayList<>();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        try (Session session = parent.openSession(files)) {
            CommandRunner runner = new CommandRunner(CommandRegistry.standard(), session, json || parent.json,
                    parent.debug, parent.out(), parent.err());
            return BatchRunner.run(runner, List.of("info"));
        }
    }
}
