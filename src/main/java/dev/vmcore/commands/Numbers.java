package dev.vmcore.commands;

/** Number syntax as crash reads it: addresses in hex with or without 0x, counts in decimal unless 0x. */
final class Numbers {
    private Numbers() {
    }

    /** A hexadecimal address ("ffffffff81000000" or "0xffffffff81000000"), or empty if it is not one. */
    static java.util.OptionalLong hexAddress(String s) {
        String digits = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
        if (digits.isEmpty() || digits.length() > 16 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(Long.parseUnsignedLong(digits, 16));
    }

    /** A count: decimal, or hex with 0x. */
    static long count(String command, String s) {
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CommandException(command + ": invalid count: " + s);
        }
    }

    /** crash's 16-digit lowercase hex. */
    static String hex16(long v) {
        return String.format("%016x", v);
    }
}
