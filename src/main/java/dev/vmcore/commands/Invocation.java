package dev.vmcore.commands;

import dev.vmcore.program.Session;

import java.util.List;

/**
 * One run of a command: the session it works on, the words after the command name, where it
 * prints, and the registry (for help and completion).
 */
public record Invocation(Session session, String name, List<String> args, Printer out, CommandRegistry registry) {
    public Invocation {
        args = List.copyOf(args);
    }
}
