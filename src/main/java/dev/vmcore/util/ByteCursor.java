package dev.vmcore.util;

import java.nio.charset.StandardCharsets;

/**
 * Sequential little-endian reads over an array, every read bounds-checked: running off the end
 * throws a {@link FormatException} naming the source and the absolute offset.
 */
public final class ByteCursor {
    private final String source;
    private final byte[] bytes;
    private final long base;
    private int pos;

    /**
     * @param base the offset of {@code bytes[0]} in the source, so errors give real offsets
     */
    public ByteCursor(String source, byte[] bytes, long base) {
        this.source = source;
        this.bytes = bytes;
        this.base = base;
    }

    public int position() {
        return pos;
    }

    public ByteCursor seek(int position) {
        if (position < 0 || position > bytes.length) {
            throw fault(position, "seek past the end");
        }
        pos = position;
        return this;
    }

    public ByteCursor skip(int n) {
        return seek(need(n) + n);
    }

    public int remaining() {
        return bytes.length - pos;
    }

    public int u8() {
        int p = need(1);
        pos++;
        return bytes[p] & 0xff;
    }

    public int u16() {
        int p = need(2);
        pos += 2;
        return (bytes[p] & 0xff) | (bytes[p + 1] & 0xff) << 8;
    }

    public long u32() {
        return s32() & 0xffffffffL;
    }

    public int s32() {
        int p = need(4);
        pos += 4;
        return getInt(bytes, p);
    }

    public long u64() {
        int p = need(8);
        pos += 8;
        return getLong(bytes, p);
    }

    public byte[] bytes(int n) {
        int p = need(n);
        pos += n;
        return java.util.Arrays.copyOfRange(bytes, p, p + n);
    }

    /** A fixed-size char field, cut at its first NUL. */
    public String fixedString(int n) {
        int p = need(n);
        pos += n;
        int end = p;
        while (end < p + n && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, p, end - p, StandardCharsets.ISO_8859_1);
    }

    /** A new cursor over the next {@code n} bytes; this cursor moves past them. */
    public ByteCursor sub(int n) {
        int p = need(n);
        pos += n;
        return new ByteCursor(source, java.util.Arrays.copyOfRange(bytes, p, p + n), base + p);
    }

    /** Offset of the current position in the source. */
    public long sourceOffset() {
        return base + pos;
    }

    public FormatException fault(String problem) {
        return fault(pos, problem);
    }

    private FormatException fault(int at, String problem) {
        return new FormatException(source, base + at, problem);
    }

    private int need(int n) {
        if (n < 0 || n > bytes.length - pos) {
            throw fault("needs " + n + " bytes, " + (bytes.length - pos) + " left (truncated or corrupt)");
        }
        return pos;
    }

    public static int getInt(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    public static long getLong(byte[] b, int p) {
        return (getInt(b, p) & 0xffffffffL) | ((long) getInt(b, p + 4)) << 32;
    }
}
