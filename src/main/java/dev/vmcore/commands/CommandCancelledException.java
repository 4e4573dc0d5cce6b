package dev.vmcore.commands;

import dev.vmcore.util.VmcoreException;

/** The user abandoned the running command (Ctrl-C). */
public class CommandCancelledException extends VmcoreException {
    public CommandCancelledException() {
        super("interrupted");
    }
}
