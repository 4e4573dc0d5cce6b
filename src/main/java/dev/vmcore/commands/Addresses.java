package dev.vmcore.commands;

/** Address arguments and symbolic display shared by the memory commands. */
final class Addresses {
    private Addresses() {
    }

    /** An address argument: hex (with or without 0x). */
    static long resolve(Invocation call, String command, String text) {
        return Numbers.hexAddress(text).orElseThrow(
                () -> new CommandException(command + ": invalid address: " + text));
    }

    /** A value as rd -s shows it: the symbol it points into, or the hex value. */
    static String symbolic(Invocation call, long value, int digits) {
        return String.format("%0" + digits + "x", value);
    }
}
