package dev.vmcore.shell;

import dev.vmcore.commands.Command;
import dev.vmcore.commands.CommandRegistry;
import dev.vmcore.commands.Invocation;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shell loop on jline's dumb terminal, as a user would drive it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteractiveShellTest {
    @TempDir
    Path dir;

    /** Prints numbered lines until cancelled: stands in for a long command such as foreach bt. */
    static final class SpinCommand implements Command {
        @Override
        public String name() {
            return "spin";
        }

        @Override
        public String summary() {
            return "print forever";
        }

        @Override
        public String help() {
            return "spin";
        }

        @Override
        public void run(Invocation call) {
            for (long i = 0; ; i++) {
                call.out().println("spin-line " + i);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Prints its arguments, one a line. */
    static final class EchoCommand implements Command {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public String summary() {
            return "print the arguments";
        }

        @Override
        public String help() {
            return "echo WORD...";
        }

        @Override
        public void run(Invocation call) {
            call.args().forEach(call.out()::println);
        }
    }

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private String screen() {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }

    private Terminal terminal(String input) throws IOException {
        return new DumbTerminal("test", "dumb", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                screen, StandardCharsets.UTF_8);
    }

    private InteractiveShell shell(Terminal t) {
        CommandRegistry base = CommandRegistry.standard();
        List<Command> commands = new ArrayList<>(base.commands());
        commands.add(new SpinCommand());
        commands.add(new EchoCommand());
        CommandRegistry registry = new CommandRegistry(commands);
        return new InteractiveShell(t, term -> new CommandRunner(registry, null, false, false, term.writer(), term.writer()),
                dir.resolve("history"), List.of("echo greeting-line"));
    }

    @Test
    void unknownCommandPrintsOneLineAndTheShellGoesOn() throws IOException {
        try (Terminal t = terminal("blah\necho still-here\nquit\necho never\n")) {
            shell(t).run();
        }
        String s = screen();
        assertTrue(s.contains("vmcore: command not found: blah"), s);
        assertTrue(s.contains("still-here"), s);
        assertTrue(!s.contains("never"), s);
        assertTrue(s.contains(InteractiveShell.PROMPT), s);
        assertTrue(s.indexOf("greeting-line") < s.indexOf(InteractiveShell.PROMPT), "greeting before the first prompt");
    }

    @Test
    void pipeSendsOutputThroughTheShellPipeline() throws IOException {
        try (Terminal t = terminal("echo apple banana cherry | grep an | tr a-z A-Z\n")) {
            shell(t).run();
        }
        String s = screen();
        assertTrue(s.contains("BANANA"), s);
        assertTrue(!s.contains("apple") || s.indexOf("apple") < s.indexOf("|"), s);
        assertTrue(!s.contains("CHERRY"), s);
    }

    @Test
    void redirectWritesAndAppendsToAFile() throws IOException {
        Path out = dir.resolve("out.txt");
        try (Terminal t = terminal("echo one > " + out + "\necho two >> " + out + "\n")) {
            shell(t).run();
        }
        assertEquals(List.of("one", "two"), Files.readAllLines(out));
        assertTrue(!screen().contains("one\n"), screen());
    }

    @Test
    void ctrlCAbandonsTheRunningCommandNotTheShell() throws Exception {
        try (Terminal t = terminal("spin\necho after-interrupt\n")) {
            Thread interrupter = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!screen().contains("spin-line 5") && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                t.raise(Terminal.Signal.INT);
            });
            interrupter.start();
            shell(t).run();
            interrupter.join();
        }
        String s = screen();
        assertTrue(s.contains("interrupted"), s);
        assertTrue(s.contains("after-interrupt"), s);
    }

    @Test
    void endOfInputLeavesTheShellAndHistoryPersists() throws IOException {
        try (Terminal t = terminal("echo remembered\n")) {
            shell(t).run();
        }
        assertTrue(Files.readString(dir.resolve("history")).contains("echo remembered"));
    }
}
