package dev.vmcore.format.dwarf;

import dev.vmcore.util.FormatException;

import java.nio.charset.StandardCharsets;

/**
 * One DWARF section's bytes with bounds-checked little-endian reads at explicit offsets, so that a
 * reader can be a plain {@code long pos} (see {@link Reader}). Errors name the section and offset.
 */
final class Section {
    static final Section EMPTY_DEBUG_STR = new Section(".debug_str", new byte[0]);

    final String name;
    final byte[] b;

    Section(String name, byte[] b) {
        this.name = name;
        this.b = b;
    }

    int size() {
        return b.length;
    }

    FormatException fault(long offset, String problem) {
        return new FormatException(name, offset, problem);
    }

    void check(long pos, long n) {
        if (pos < 0 || n < 0 || pos > b.length - n) {
            throw fault(pos, "needs " + n + " bytes past the end of the section (size 0x"
                    + Integer.toHexString(b.length) + ")");
        }
    }

    int u8(long pos) {
        check(pos, 1);
        return b[(int) pos] & 0xff;
    }

    int u16(long pos) {
        check(pos, 2);
        int p = (int) pos;
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    int u24(long pos) {
        check(pos, 3);
        int p = (int) pos;
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16;
    }

    long u32(long pos) {
        check(pos, 4);
        int p = (int) pos;
        return ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24)
                & 0xffffffffL;
    }

    long u64(long pos) {
        return u32(pos) | u32(pos + 4) << 32;
    }

    /** An unsigned value of {@code size} bytes (1, 2, 4 or 8). */
    long uN(long pos, int size) {
        return switch (size) {
            case 1 -> u8(pos);
            case 2 -> u16(pos);
            case 4 -> u32(pos);
            case 8 -> u64(pos);
            default -> throw fault(pos, "unsupported value size " + size);
        };
    }

    /** The NUL-terminated string at {@code pos}. */
    String cString(long pos) {
        int end = cStringEnd(pos);
        return new String(b, (int) pos, end - (int) pos, StandardCharsets.UTF_8);
    }

    /** Offset of the NUL that ends the string at {@code pos}. */
    int cStringEnd(long pos) {
        check(pos, 1);
        int p = (int) pos;
        while (p < b.length && b[p] != 0) {
            p++;
        }
        if (p >= b.length) {
            throw fault(pos, "string runs off the end of the section");
        }
        return p;
    }
}
