package dev.vmcore.commands;

import java.util.List;
import java.util.Locale;

/** help: the command list (in crash's column layout) or one command's help text. */
final class HelpCommand implements Command {
    private static final int COLUMN_WIDTH = 15;
    private static final int COLUMNS = 5;

    @Override
    public String name() {
        return "help";
    }

    @Override
    public List<String> aliases() {
        return List.of("h", "?");
    }

    @Override
    public String summary() {
        return "list the commands, or show one command's help";
    }

    @Override
    public String help() {
        return """
                NAME
                  help - list the commands, or show one command's help

                SYNOPSIS
                  help [COMMAND]...
                  help -D        the dump file's header
                  help -n        the dump file's notes, CPU registers decoded
                  help -s        where symbols, types and source lines come from (loads them)

                DESCRIPTION
                  Without arguments, lists every command. With command names, prints the help of
                  each. Commands may be followed by "| shell-pipeline", "> file" or ">> file", and
                  several commands may be given on one line separated by ";".
                """;
    }

    @Override
    public void run(Invocation call) {
        if (call.args().isEmpty()) {
            listAll(call);
            return;
        }
        if (call.args().size() == 1 && call.args().get(0).startsWith("-")) {
            switch (call.args().get(0)) {
                case "-D" -> DumpHeaderReport.header(call.session().dump(), call.out());
                case "-n" -> DumpHeaderReport.notes(call.session().dump(), call.out());
                case "-s" -> SourcesReport.print(call.session(), call.out());
                default -> throw new CommandException("help: unknown option " + call.args().get(0) + " (use -D, -n or -s)");
            }
            return;
        }
        for (String name : call.args()) {
            Command c = call.registry().find(name).orElseThrow(
                    () -> new CommandException("help: no such command: " + name));
            if (call.out().isJson()) {
                call.out().json().beginObject(c.name()).field("summary", c.summary())
                        .field("help", c.help()).end();
            } else {
                c.help().lines().forEach(call.out()::println);
            }
        }
    }

    private static void listAll(Invocation call) {
        List<Command> commands = call.registry().commands().stream()
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
        Printer out = call.out();
        if (out.isJson()) {
            JsonOut json = out.json().beginArray("commands");
            for (Command c : commands) {
                json.beginObject().field("name", c.name()).field("summary", c.summary());
                json.beginArray("aliases");
                c.aliases().forEach(json::value);
                json.end().end();
            }
            json.end();
            return;
        }
        // crash prints the names in columns, filled down each column.
        int rows = (commands.size() + COLUMNS - 1) / COLUMNS;
        for (int r = 0; r < rows; r++) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < COLUMNS; col++) {
                int i = col * rows + r;
                if (i < commands.size()) {
                    line.append(String.format(Locale.ROOT, "%-" + COLUMN_WIDTH + "s", commands.get(i).name()));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.println("");
        out.println("For help on any command above, enter \"help <command>\".");
    }
}
