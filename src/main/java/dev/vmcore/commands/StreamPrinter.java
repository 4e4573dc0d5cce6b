package dev.vmcore.commands;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The printer for one invocation. Text goes straight to the writer. JSON is buffered so that a
 * command failing half-way yields the error object alone, never half an object: the contract is
 * one JSON object per invocation, one per line.
 */
public final class StreamPrinter implements Printer {
    private static final JsonFactory JSON = new JsonFactory();

    private final PrintWriter out;
    private final String commandText;
    private final boolean json;
    private final StringWriter buffer = new StringWriter();
    private final List<String> strayText = new ArrayList<>();
    private final JsonGenerator gen;
    private final JsonOut jsonOut;

    private StreamPrinter(PrintWriter out, String commandText, boolean json) {
        this.out = out;
        this.commandText = commandText;
        this.json = json;
        if (json) {
            try {
                gen = JSON.createGenerator(buffer);
                gen.writeStartObject();
                gen.writeStringField("command", commandText);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jsonOut = new JsonOut(gen, StreamPrinter::checkCancelled);
        } else {
            gen = null;
            jsonOut = null;
        }
    }

    /** A printer whose lines go to {@code out}. */
    public static StreamPrinter text(PrintWriter out) {
        return new StreamPrinter(out, "", false);
    }

    /** A printer that writes one JSON object for {@code commandText} to {@code out} when finished. */
    public static StreamPrinter json(PrintWriter out, String commandText) {
        return new StreamPrinter(out, commandText, true);
    }

    @Override
    public boolean isJson() {
        return json;
    }

    @Override
    public void println(String line) {
        checkCancelled();
        if (json) {
            // A command without JSON support still loses nothing: its lines become a "text" array.
            strayText.add(line);
        } else {
            out.println(line);
        }
    }

    @Override
    public JsonOut json() {
        if (!json) {
            throw new IllegalStateException("json() called in text mode");
        }
        return jsonOut;
    }

    /** Completes a successful invocation: in JSON mode writes the buffered object as one line. */
    public void finish() {
        if (json) {
            try {
                if (!strayText.isEmpty()) {
                    gen.writeArrayFieldStart("text");
                    for (String line : strayText) {
                        gen.writeString(line);
                    }
                    gen.writeEndArray();
                }
                gen.writeEndObject();
                gen.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println(buffer);
        }
        out.flush();
    }

    /**
     * Reports a failed invocation. JSON mode: the partial object is dropped and
     * {@code {"command": ..., "error": ...}} written instead. Text mode: {@code errors} gets the line.
     */
    public void fail(String message, PrintWriter errors) {
        if (json) {
            StringWriter w = new StringWriter();
            try (JsonGenerator g = JSON.createGenerator(w)) {
                g.writeStartObject();
                g.writeStringField("command", commandText);
                g.writeStringField("error", message);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println(w);
            out.flush();
        } else {
            out.flush();
            errors.println(message);
            errors.flush();
        }
    }

    private static void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CommandCancelledException();
        }
    }
}
