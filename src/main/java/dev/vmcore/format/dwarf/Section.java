package dev.vmcore.format.dwarf;

import dev.vmcore.util.FormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One DWARF section's bytes with bounds-checked little-endian reads at explicit offsets, so that a
 * reader can be a plain {@code long pos} (see {@link Reader}). Errors name the section and offset.
 *
 * <p>The bytes are a read-only {@link ByteBuffer} read with absolute gets only: for a file, a mapped
 * slice of it (nothing is copied into the heap); for a test or a decompressed section, a wrapped array.
 */
final class Section {
    final String name;
    /** Read-only, little-endian, index 0 is the section's first byte; never repositioned. */
    final ByteBuffer buf;
    private final int size;

    /** A section over the bytes between {@code bytes}' position and limit (not copied, not modified). */
    Section(String name, ByteBuffer bytes) {
        this.name = name;
        this.buf = bytes.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.size = buf.capacity();
    }

    int size() {
        return size;
    }

    /** True when the bytes are outside the Java heap (a mapped file), i.e. were not copied. */
    boolean isDirect() {
        return buf.isDirect();
    }

    FormatException fault(long offset, String problem) {
        return new FormatException(name, offset, problem);
    }

    void check(long pos, long n) {
        if (pos < 0 || n < 0 || pos > size - n) {
            throw fault(pos, "needs " + n + " bytes past the end of the section (size 0x"
                    + Integer.toHexString(size) + ")");
        }
    }

    int u8(long pos) {
        check(pos, 1);
        return buf.get((int) pos) & 0xff;
    }

    int u16(long pos) {
        check(pos, 2);
        return buf.getShort((int) pos) & 0xffff;
    }

    int u24(long pos) {
        check(pos, 3);
        int p = (int) pos;
        return (buf.getShort(p) & 0xffff) | (buf.get(p + 2) & 0xff) << 16;
    }

    long u32(long pos) {
        check(pos, 4);
        return buf.getInt((int) pos) & 0xffffffffL;
    }

    long u64(long pos) {
        check(pos, 8);
        return buf.getLong((int) pos);
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

    /** A copy of the {@code n} bytes at {@code pos}. */
    byte[] bytes(long pos, int n) {
        check(pos, n);
        byte[] out = new byte[n];
        buf.get((int) pos, out, 0, n);
        return out;
    }

    /** The NUL-terminated string at {@code pos}. */
    String cString(long pos) {
        int end = cStringEnd(pos);
        int p = (int) pos;
        return new String(bytes(p, end - p), StandardCharsets.UTF_8);
    }

    /** Offset of the NUL that ends the string at {@code pos}. */
    int cStringEnd(long pos) {
        check(pos, 1);
        int p = (int) pos;
        while (p < size && buf.get(p) != 0) {
            p++;
        }
        if (p >= size) {
            throw fault(pos, "string runs off the end of the section");
        }
        return p;
    }

    /** A hash of the NUL-terminated string at {@code pos} (the same as {@link #hash(byte[])} of its bytes). */
    int hashCString(long pos) {
        int end = cStringEnd(pos);
        int h = 0;
        for (int p = (int) pos; p < end; p++) {
            h = 31 * h + buf.get(p);
        }
        return h;
    }

    /** The hash of a name's bytes, as {@link #hashCString} computes it in the section. */
    static int hash(byte[] b) {
        int h = 0;
        for (byte x : b) {
            h = 31 * h + x;
        }
        return h;
    }

    /** True when the NUL-terminated string at {@code pos} has exactly the bytes {@code b}. */
    boolean cStringEquals(long pos, byte[] b) {
        if (pos < 0 || pos > size - (long) b.length - 1) {
            return false;
        }
        int p = (int) pos;
        for (int i = 0; i < b.length; i++) {
            if (buf.get(p + i) != b[i]) {
                return false;
            }
        }
        return buf.get(p + b.length) == 0;
    }

    /**
     * True when the strings at {@code pos} here and at {@code otherPos} of {@code other} are equal;
     * both must be known to be NUL-terminated (see {@link #cStringEnd}).
     */
    boolean cStringEquals(long pos, Section other, long otherPos) {
        if (other == this && pos == otherPos) {
            return true;
        }
        int a = (int) pos;
        int b = (int) otherPos;
        while (true) {
            byte x = buf.get(a++);
            if (x != other.buf.get(b++)) {
                return false;
            }
            if (x == 0) {
                return true;
            }
        }
    }
}
