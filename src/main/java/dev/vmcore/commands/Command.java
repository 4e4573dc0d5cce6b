package dev.vmcore.commands;

import java.util.List;

/** A command of the shell and batch modes. Implementations are stateless apart from their help text. */
public interface Command {
    /** The name users type, as crash names it. */
    String name();

    /** Other names that run this command. */
    default List<String> aliases() {
        return List.of();
    }

    /** One line for the command list of {@code help}. */
    String summary();

    /** The full text of {@code help NAME}: synopsis, description, options. */
    String help();

    /** Runs the command; throws a {@link dev.vmcore.util.VmcoreException} with a one-line message on failure. */
    void run(Invocation call);

    /** True for the commands that end the shell or batch run (quit, exit, q). */
    default boolean endsSession() {
        return false;
    }
}
