package dev.vmcore.types;

/**
 * A member of a struct or union.
 *
 * @param name null for an anonymous struct/union member
 * @param bitOffset offset from the start of the containing struct, in bits
 * @param bitSize bitfield width, 0 when not a bitfield
 */
public record Member(String name, Type type, long bitOffset, int bitSize) {
    /** Byte offset of the member (of the byte holding its first bit, for bitfields). */
    public long offset() {
        return bitOffset / 8;
    }

    public boolean isBitfield() {
        return bitSize != 0;
    }

    @Override
    public String toString() {
        return name + "@" + bitOffset;
    }
}
