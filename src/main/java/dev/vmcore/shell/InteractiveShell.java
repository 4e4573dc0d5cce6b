package dev.vmcore.shell;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The interactive shell: prompt, persistent history, completion of command names, Ctrl-C abandons
 * the running command (not the shell), Ctrl-D or quit leaves.
 */
public final class InteractiveShell {
    public static final String PROMPT = "vmcore> ";

    private final Terminal terminal;
    private final Function<Terminal, CommandRunner> runnerFactory;
    private final Path historyFile;
    private final java.util.List<String> greeting;

    /**
     * @param runnerFactory builds the runner that writes to this terminal
     * @param historyFile where history persists, or null for none
     * @param greeting command lines run before the first prompt (crash shows `sys` on start)
     */
    public InteractiveShell(Terminal terminal, Function<Terminal, CommandRunner> runnerFactory, Path historyFile,
                            java.util.List<String> greeting) {
        this.terminal = terminal;
        this.runnerFactory = runnerFactory;
        this.historyFile = historyFile;
        this.greeting = java.util.List.copyOf(greeting);
    }

    /** Reads and runs lines until quit or end of input. */
    public void run() {
        CommandRunner runner = runnerFactory.apply(terminal);
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("vmcore")
                .completer(new ArgumentCompleter(new StringsCompleter(runner.registry().names()), NullCompleter.INSTANCE))
                // '!' appears in expressions; never treat it as history expansion.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        if (historyFile != null) {
            builder.variable(LineReader.HISTORY_FILE, historyFile)
                    .variable(LineReader.HISTORY_FILE_SIZE, 10_000);
        }
        LineReader reader = builder.build();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vmcore-command");
            t.setDaemon(true);
            return t;
        });
        try {
            for (String line : greeting) {
                runCancellable(worker, runner, line);
                terminal.writer().println();
            }
            while (true) {
                String line;
                try {
                    line = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt: a fresh prompt, as in bash
                } catch (EndOfFileException e) {
                    break;
                }
                if (runCancellable(worker, runner, line) == RunStatus.EXIT) {
                    break;
                }
            }
        } finally {
            worker.shutdownNow();
            terminal.writer().flush();
        }
    }

    private RunStatus runCancellable(ExecutorService worker, CommandRunner runner, String line) {
        Future<RunStatus> running = worker.submit(() -> runner.runLine(line));
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> running.cancel(true));
        try {
            return running.get();
        } catch (CancellationException e) {
            terminal.writer().println("vmcore: interrupted");
            return RunStatus.FAILED;
        } catch (ExecutionException e) {
            terminal.writer().println("vmcore: internal error: " + e.getCause());
            return RunStatus.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunStatus.EXIT;
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            terminal.writer().flush();
        }
    }
}
