package dev.vmcore.commands;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The command tree shared by the shell, -c and -i: names and aliases to commands. */
public final class CommandRegistry {
    private final Map<String, Command> byName = new LinkedHashMap<>();
    private final List<Command> commands;

    public CommandRegistry(List<Command> commands) {
        this.commands = List.copyOf(commands);
        for (Command c : this.commands) {
            register(c.name(), c);
            for (String alias : c.aliases()) {
                register(alias, c);
            }
        }
    }

    /** Every command the tool has. */
    public static CommandRegistry standard() {
        return new CommandRegistry(List.of(new HelpCommand(), new InfoCommand(), new RdCommand(), new VtopCommand(),
                new SysCommand(), new SymCommand(), new LogCommand(), new PtovCommand(), new PCommand(),
                new StructCommand(dev.vmcore.types.StructType.Kind.STRUCT),
                new StructCommand(dev.vmcore.types.StructType.Kind.UNION), new WhatisCommand(),
                new PsCommand(), new RunqCommand(), new BtCommand(), new ForeachCommand(), new DisCommand(), new AnalyzeCommand(),
                new TaskCommand(), new SetCommand(),
                new ModCommand(), new QuitCommand()));
    }

    private void register(String name, Command c) {
        if (byName.putIfAbsent(name, c) != null) {
            throw new IllegalArgumentException("command name used twice: " + name);
        }
    }

    public Optional<Command> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Commands in registration order, each once. */
    public List<Command> commands() {
        return commands;
    }

    /** All names and aliases, sorted: what tab completion offers. */
    public List<String> names() {
        return List.copyOf(new TreeSet<>(byName.keySet()));
    }

    /** The known names closest to a mistyped one (edit distance at most 2), best first. */
    public List<String> suggestions(String typo) {
        List<String> close = new ArrayList<>();
        for (int limit = 1; limit <= 2 && close.isEmpty(); limit++) {
            for (String name : names()) {
                if (editDistance(typo, name) <= limit) {
                    close.add(name);
                }
            }
        }
        return Collections.unmodifiableList(close);
    }

    static int editDistance(String a, String b) {
        return dev.vmcore.util.Similar.editDistance(a, b);
    }
}
