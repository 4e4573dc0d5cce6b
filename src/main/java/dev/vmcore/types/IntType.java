package dev.vmcore.types;

/**
 * An integer base type under its C name as gdb prints it ("unsigned long", not DWARF's
 * "long unsigned int"); {@code character} for the char types, which print as characters too.
 */
public record IntType(String name, long size, boolean signed, boolean character) implements Type {
}
