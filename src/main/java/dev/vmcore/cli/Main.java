package dev.vmcore.cli;

import dev.vmcore.commands.CommandRegistry;
import dev.vmcore.program.Session;
import dev.vmcore.shell.BatchRunner;
import dev.vmcore.shell.CommandRunner;
import dev.vmcore.shell.InteractiveShell;
import dev.vmcore.util.VmcoreException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vmcore [OPTIONS] [VMLINUX] DUMP}: opens a crash dump in the shell or runs commands on it. */
@Command(name = "vmcore", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Open a Linux kernel crash dump and explain why the machine died.%n"
                + "Files are recognised by content, in either order. Without -c or -i, opens the shell.",
        subcommands = {InfoSubcommand.class, SymbolizeSubcommand.class, AnalyzeSubcommand.class},
        exitCodeOnInvalidInput = Main.EXIT_USAGE)
public final class Main implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "the dump (ELF core, kdump-compressed, flattened), and optionally the vmlinux")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-c", "--command"}, paramLabel = "\"CMD[; CMD]...\"",
            description = "run these commands, print, exit (repeatable)")
    List<String> commands = new ArrayList<>();

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "run the commands in FILE (one a line, # comments), print, exit")
    Path inputFile;

    @Option(names = "--json", description = "print one JSON object per command (JSON Lines)")
    boolean json;

    @Option(names = {"-m", "--modules"}, paramLabel = "DIR", description = "where to look for kernel-module debuginfo (repeatable)")
    List<Path> moduleDirs = new ArrayList<>();

    @Option(names = "--debug", description = "show stack traces of errors")
    boolean debug;

    @Option(names = "--force", description = "use the vmlinux even if it does not match the dump")
    boolean force;

    private final PrintWriter out;
    private final PrintWriter err;

    Main(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, out, err));
    }

    /** Runs the tool as the command line would, with the given output streams; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main(out, err);
        CommandLine cl = new CommandLine(main);
        // "-c analyze" names a shell command, not the analyze subcommand.
        cl.setAllowSubcommandsAsOptionParameters(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            err.println(e instanceof VmcoreException ? e.getMessage() : "vmcore: internal error: " + e);
            if (main.debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return e instanceof InputError ? EXIT_USAGE : EXIT_FAILED;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() throws IOException {
        List<String> lines = new ArrayList<>(commands);
        if (inputFile != null) {
            lines.addAll(ScriptFile.read(inputFile));
        }
        try (Session session = openSession(files)) {
            CommandRegistry registry = CommandRegistry.standard();
            if (!commands.isEmpty() || inputFile != null) {
                CommandRunner runner = new CommandRunner(registry, session, json, debug, out, err);
                return BatchRunner.run(runner, lines);
            }
            try (Terminal terminal = TerminalBuilder.builder().name("vmcore").system(true).build()) {
                Path history = Path.of(System.getProperty("user.home"), ".vmcore_history");
                new InteractiveShell(terminal,
                        t -> new CommandRunner(registry, session, json, debug, t.writer(), t.writer()),
                        history, List.of("sys")).run();
            }
            return EXIT_OK;
        }
    }

    /** Recognises the files and opens the session; any problem is an InputError (exit status 2). */
    Session openSession(List<Path> givenFiles) {
        return openSession(givenFiles, moduleDirs);
    }

    /** As {@link #openSession(List)}, with these module directories. */
    Session openSession(List<Path> givenFiles, List<Path> modules) {
        var inputs = InputFiles.recognise(givenFiles, modules, force);
        try {
            return Session.open(inputs);
        } catch (InputError e) {
            throw e;
        } catch (VmcoreException e) {
            throw new InputError("vmcore: " + e.getMessage());
        }
    }

    List<Path> moduleDirs() {
        return moduleDirs;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** A problem with what was given on the command line (files, script): exit status 2. */
    static final class InputError extends VmcoreException {
        InputError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"vmcore-inspector " + (v == null ? "(development build)" : v)};
        }
    }
}
