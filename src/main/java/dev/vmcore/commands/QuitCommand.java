package dev.vmcore.commands;

import java.util.List;

/** quit, exit, q: ends the shell or the batch run. */
final class QuitCommand implements Command {
    @Override
    public String name() {
        return "quit";
    }

    @Override
    public List<String> aliases() {
        return List.of("exit", "q");
    }

    @Override
    public String summary() {
        return "leave vmcore";
    }

    @Override
    public String help() {
        return """
                NAME
                  quit - leave vmcore

                SYNOPSIS
                  quit | exit | q

                DESCRIPTION
                  Ends the interactive shell, or stops a batch run (-c, -i) before its remaining
                  commands. Ctrl-D at the prompt does the same.
                """;
    }

    @Override
    public void run(Invocation call) {
        if (!call.args().isEmpty()) {
            throw new CommandException("quit: takes no arguments");
        }
        if (call.out().isJson()) {
            call.out().json().field("exit", true);
        }
    }

    @Override
    public boolean endsSession() {
        return true;
    }
}
