package dev.vmcore.commands;

import dev.vmcore.util.VmcoreException;

/** Wrong use of a command: an unknown option, a missing or malformed argument. */
public class CommandException extends VmcoreException {
    public CommandException(String message) {
        super(message);
    }
}
