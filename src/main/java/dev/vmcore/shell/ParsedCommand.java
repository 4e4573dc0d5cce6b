package dev.vmcore.shell;

import java.util.List;
import java.util.Optional;

/**
 * One command of a line: its words, and where its output goes.
 *
 * @param text the command as typed, without its pipe or redirection (used in JSON output)
 * @param name the first word
 * @param args the remaining words, quotes removed
 * @param pipeline a shell pipeline to feed the output through ({@code | grep x}), if any
 * @param redirect a file to write the output to ({@code > f} or {@code >> f}), if any
 */
public record ParsedCommand(String text, String name, List<String> args, Optional<String> pipeline,
                            Optional<Redirect> redirect) {
    public ParsedCommand {
        args = List.copyOf(args);
    }

    /** Output redirection to a file. */
    public record Redirect(String file, boolean append) {
    }
}
