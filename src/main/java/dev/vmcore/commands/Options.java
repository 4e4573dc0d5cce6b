package dev.vmcore.commands;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * crash-style command options: single flags such as {@code -s} or {@code -64} before or among the
 * arguments; anything else starting with '-' is a usage error naming the command.
 */
final class Options {
    private final Set<String> flags;
    private final List<String> positional;

    private Options(Set<String> flags, List<String> positional) {
        this.flags = flags;
        this.positional = positional;
    }

    /**
     * @param allowed every flag the command knows, with its dash ("-s", "-64")
     */
    static Options parse(String command, List<String> args, Set<String> allowed) {
        Set<String> flags = new LinkedHashSet<>();
        List<String> positional = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("-") && a.length() > 1) {
                if (!allowed.contains(a)) {
                    throw new CommandException(command + ": invalid option: " + a);
                }
                flags.add(a);
            } else {
                positional.add(a);
            }
        }
        return new Options(flags, positional);
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    /** The first of {@code candidates} given, or null. */
    String oneOf(String command, String... candidates) {
        String found = null;
        for (String c : candidates) {
            if (flags.contains(c)) {
                if (found != null) {
                    throw new CommandException(command + ": options " + found + " and " + c + " exclude each other");
                }
                found = c;
            }
        }
        return found;
    }

    List<String> positional() {
        return positional;
    }
}
