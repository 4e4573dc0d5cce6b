package dev.vmcore.commands;

/**
 * Where a command writes. In text mode it prints lines; in JSON mode it fills the one object of
 * this invocation (the runner has already written its {@code "command"} field and closes it).
 * Every write checks whether the user cancelled the command.
 */
public interface Printer {
    /** True when the user asked for --json. */
    boolean isJson();

    /** Prints one line of text (text mode). */
    void println(String line);

    /** Prints one formatted line of text (text mode), formatted with the root locale. */
    default void printf(String format, Object... args) {
        println(String.format(java.util.Locale.ROOT, format, args));
    }

    /** The JSON object of this invocation (JSON mode). */
    JsonOut json();
}
