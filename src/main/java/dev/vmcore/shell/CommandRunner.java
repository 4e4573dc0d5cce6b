package dev.vmcore.shell;

import dev.vmcore.commands.Command;
import dev.vmcore.commands.CommandCancelledException;
import dev.vmcore.commands.CommandRegistry;
import dev.vmcore.commands.Invocation;
import dev.vmcore.commands.StreamPrinter;
import dev.vmcore.program.Session;
import dev.vmcore.util.VmcoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs command lines against the command tree, for the shell and batch mode alike: resolves the
 * command, routes its output (terminal, pipe, file), and turns every failure into one line so the
 * caller can go on.
 */
public final class CommandRunner {
    private final CommandRegistry registry;
    private final Session session;
    private final boolean json;
    private final boolean debug;
    private final PrintWriter out;
    private final PrintWriter err;
    private int warningsShown;

    /**
     * @param out where command output goes when not piped or redirected
     * @param err where error lines go in text mode (JSON errors go to {@code out} as objects)
     */
    public CommandRunner(CommandRegistry registry, Session session, boolean json, boolean debug,
                         PrintWriter out, PrintWriter err) {
        this.registry = registry;
        this.session = session;
        this.json = json;
        this.debug = debug;
        this.out = out;
        this.err = err;
    }

    public CommandRegistry registry() {
        return registry;
    }

    /** Runs every command of one line, in order, whatever each one's outcome, until one ends the session. */
    public RunStatus runLine(String line) {
        List<ParsedCommand> commands;
        try {
            commands = LineParser.parse(line);
        } catch (VmcoreException e) {
            report(line.strip(), e, out);
            return RunStatus.FAILED;
        }
        RunStatus status = RunStatus.OK;
        for (ParsedCommand command : commands) {
            status = status.and(run(command));
            if (status == RunStatus.EXIT) {
                break;
            }
        }
        return status;
    }

    /** Runs one parsed command. */
    public RunStatus run(ParsedCommand parsed) {
        Optional<Command> command = registry.find(parsed.name());
        if (command.isEmpty()) {
            List<String> close = registry.suggestions(parsed.name());
            String hint = close.isEmpty() ? " (type \"help\" for the list)" : " (did you mean \"" + close.get(0) + "\"?)";
            report(parsed.text(), new VmcoreException("vmcore: command not found: " + parsed.name() + hint), out);
            return RunStatus.FAILED;
        }
        Sink sink;
        try {
            sink = openSink(parsed);
        } catch (VmcoreException e) {
            report(parsed.text(), e, out);
            return RunStatus.FAILED;
        }
        StreamPrinter printer = json ? StreamPrinter.json(sink.writer, parsed.text()) : StreamPrinter.text(sink.writer);
        RunStatus status;
        try {
            command.get().run(new Invocation(session, parsed.name(), parsed.args(), printer, registry));
            printer.finish();
            status = command.get().endsSession() ? RunStatus.EXIT : RunStatus.OK;
        } catch (CommandCancelledException e) {
            sink.writer.flush();
            err.println("vmcore: " + parsed.name() + ": interrupted");
            err.flush();
            status = RunStatus.FAILED;
        } catch (RuntimeException | StackOverflowError e) {
            printer.fail(oneLine(parsed.name(), e), json ? sink.writer : err);
            if (debug) {
                e.printStackTrace(err);
                err.flush();
            }
            status = RunStatus.FAILED;
        } finally {
            sink.close();
        }
        reportNewWarnings();
        return status;
    }

    /** Problems the session met while loading optional sources during the command, each said once on err. */
    private void reportNewWarnings() {
        if (session == null) {
            return;
        }
        List<String> all = session.warnings();
        for (int i = warningsShown; i < all.size(); i++) {
            err.println("vmcore: warning: " + all.get(i));
        }
        if (all.size() > warningsShown) {
            err.flush();
            warningsShown = all.size();
        }
    }

    private void report(String commandText, VmcoreException e, PrintWriter target) {
        StreamPrinter printer = json ? StreamPrinter.json(target, commandText) : StreamPrinter.text(target);
        printer.fail(e.getMessage(), err);
        if (debug) {
            e.printStackTrace(err);
            err.flush();
        }
    }

    private static String oneLine(String name, Throwable e) {
        if (e instanceof VmcoreException) {
            return e.getMessage();
        }
        // Not one of ours: a bug. Still one line; --debug shows where.
        String detail = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
        return "vmcore: " + name + ": internal error: " + e.getClass().getSimpleName() + detail
                + " (run with --debug for details)";
    }

    private Sink openSink(ParsedCommand parsed) {
        if (parsed.redirect().isPresent()) {
            return Sink.file(parsed.redirect().get(), inputFiles());
        }
        if (parsed.pipeline().isPresent()) {
            return Sink.pipe(parsed.pipeline().get(), out);
        }
        return Sink.of(out);
    }

    private List<Path> inputFiles() {
        List<Path> files = new ArrayList<>();
        if (session != null) {
            files.addAll(session.inputs().dumps());
            session.inputs().vmlinux().ifPresent(files::add);
        }
        return files;
    }

    /** Where one command's output goes, and what must be done when it is complete. */
    private static final class Sink {
        final PrintWriter writer;
        private final Process process;
        private final Thread copier;
        private final boolean ownsWriter;

        private Sink(PrintWriter writer, Process process, Thread copier, boolean ownsWriter) {
            this.writer = writer;
            this.process = process;
            this.copier = copier;
            this.ownsWriter = ownsWriter;
        }

        static Sink of(PrintWriter out) {
            return new Sink(out, null, null, false);
        }

        static Sink file(ParsedCommand.Redirect redirect, List<Path> inputFiles) {
            Path target = Path.of(redirect.file());
            for (Path input : inputFiles) {
                if (sameFile(input, target)) {
                    throw new VmcoreException("vmcore: refusing to write to input file " + target);
                }
            }
            try {
                var options = redirect.append()
                        ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                        : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE};
                return new Sink(new PrintWriter(Files.newBufferedWriter(target, StandardCharsets.UTF_8, options)),
                        null, null, true);
            } catch (IOException e) {
                throw new VmcoreException("vmcore: cannot write " + target + ": " + describe(e));
            }
        }

        static Sink pipe(String pipeline, PrintWriter terminal) {
            Process process;
            try {
                process = new ProcessBuilder("/bin/sh", "-c", pipeline).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new VmcoreException("vmcore: cannot start pipeline \"" + pipeline + "\": " + describe(e));
            }
            Thread copier = new Thread(() -> copy(process.getInputStream(), terminal), "pipe-output");
            copier.setDaemon(true);
            copier.start();
            PrintWriter toProcess = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            return new Sink(toProcess, process, copier, true);
        }

        private static void copy(InputStream from, PrintWriter to) {
            try (Reader r = new InputStreamReader(from, StandardCharsets.UTF_8)) {
                char[] buf = new char[8192];
                int n;
                while ((n = r.read(buf)) > 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the pipeline went away; nothing more to show
            }
        }

        void close() {
            if (!ownsWriter) {
                writer.flush();
                return;
            }
            writer.close();
            if (process != null) {
                try {
                    process.waitFor();
                    copier.join();
                } catch (InterruptedException e) {
                    process.destroy();
                    Thread.currentThread().interrupt();
                }
            }
        }

        private static boolean sameFile(Path a, Path b) {
            try {
                return Files.exists(b) && Files.isSameFile(a, b);
            } catch (IOException e) {
                return false;
            }
        }

        private static String describe(IOException e) {
            String m = e.getMessage();
            return e.getClass().getSimpleName().replace("Exception", "") + (m == null ? "" : " " + m);
        }
    }
}
