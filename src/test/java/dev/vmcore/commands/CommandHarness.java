package dev.vmcore.commands;

import dev.vmcore.program.Session;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/** Runs a command line on a session and returns what it printed (text or the one JSON object). */
public final class CommandHarness {
    private final Session session;
    private final CommandRegistry registry = CommandRegistry.standard();

    public CommandHarness(Session session) {
        this.session = session;
    }

    /** Runs "NAME ARG..." (words split on blanks) in text mode. */
    public String text(String line) {
        return run(line, false);
    }

    public String json(String line) {
        return run(line, true);
    }

    private String run(String line, boolean json) {
        List<String> words = Arrays.asList(line.strip().split("\\s+"));
        StringWriter w = new StringWriter();
        StreamPrinter p = json ? StreamPrinter.json(new PrintWriter(w), line) : StreamPrinter.text(new PrintWriter(w));
        Command c = registry.find(words.get(0)).orElseThrow();
        c.run(new Invocation(session, words.get(0), words.subList(1, words.size()), p, registry));
        p.finish();
        return w.toString();
    }
}
