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

/** {@code vmcore analyze [VMLINUX] DUMP}: the shell's analyze command, for scripts and CI. */
@Command(name = "analyze", description = "classify the fault in a dump: a verdict with its evidence")
final class AnalyzeSubcommand implements Callable<Integer> {
    @ParentCommand
    Main parent;

    @Parameters(arity = "1..*", paramLabel = "[VMLINUX] DUMP", description = "the dump, and optionally the vmlinux")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-m", "--modules"}, paramLabel = "DIR", description = "module debuginfo: a directory or a .ko (repeatable)")
    List<Path> modules = new ArrayList<>();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        List<Path> mods = new ArrayList<>(parent.moduleDirs());
        mods.addAll(modules);
        try (Session session = parent.openSession(files, mods)) {
            CommandRunner runner = new CommandRunner(CommandRegistry.standard(), session, json || parent.json,
                    parent.debug, parent.out(), parent.err());
            return BatchRunner.run(runner, List.of("analyze"));
        }
    }
}
