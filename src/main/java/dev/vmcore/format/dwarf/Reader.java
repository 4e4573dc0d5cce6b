package dev.vmcore.format.dwarf;

/** A moving position in a {@link Section}: LEB128, fixed-size values, offsets of 4 or 8 bytes. */
final class Reader {
    final Section s;
    /** {@code s.buf}, held here for the hot reads. */
    private final java.nio.ByteBuffer b;
    long pos;
    /** End of the current unit or table; reads past it fail. */
    final long limit;

    Reader(Section s, long pos, long limit) {
        this.s = s;
        this.b = s.buf;
        this.pos = pos;
        this.limit = Math.min(limit, s.size());
    }

    Reader(Section s, long pos) {
        this(s, pos, s.size());
    }

    boolean atEnd() {
        return pos >= limit;
    }

    private void need(long n) {
        if (pos < 0 || n < 0 || pos > limit - n) {
            throw s.fault(pos, "needs " + n + " bytes past the end of the unit or table at 0x" + Long.toHexString(limit));
        }
    }

    int u8() {
        need(1);
        return b.get((int) pos++) & 0xff;
    }

    int u16() {
        need(2);
        int v = b.getShort((int) pos) & 0xffff;
        pos += 2;
        return v;
    }

    int u24() {
        need(3);
        int p = (int) pos;
        int v = (b.getShort(p) & 0xffff) | (b.get(p + 2) & 0xff) << 16;
        pos += 3;
        return v;
    }

    long u32() {
        need(4);
        long v = b.getInt((int) pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = b.getLong((int) pos);
        pos += 8;
        return v;
    }

    long uN(int size) {
        return switch (size) {
            case 1 -> u8();
            case 2 -> u16();
            case 4 -> u32();
            case 8 -> u64();
            default -> throw s.fault(pos, "unsupported value size " + size);
        };
    }

    /** A section offset: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF. */
    long offset(int offsetSize) {
        return offsetSize == 8 ? u64() : u32();
    }

    void skip(long n) {
        need(n);
        pos += n;
    }

    long uleb() {
        long p = pos;
        if (p >= 0 && p < limit) { // one byte: most codes, forms, lengths and small values
            int x = b.get((int) p);
            if (x >= 0) {
                pos = p + 1;
                return x;
            }
        }
        return ulebLong();
    }

    private long ulebLong() {
        long result = 0;
        int shift = 0;
        while (true) {
            need(1);
            int x = b.get((int) pos++);
            if (shift < 64) {
                result |= (long) (x & 0x7f) << shift;
            }
            shift += 7;
            if (x >= 0) {
                return result;
            }
        }
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        int x;
        do {
            need(1);
            x = b.get((int) pos++);
            if (shift < 64) {
                result |= (long) (x & 0x7f) << shift;
            }
            shift += 7;
        } while (x < 0);
        if (shift < 64 && (x & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    /** A ULEB128 that must fit in an int (counts, codes, indices). */
    int ulebInt(String what) {
        long at = pos;
        long v = uleb();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw s.fault(at, what + " " + Long.toUnsignedString(v) + " is too large");
        }
        return (int) v;
    }

    String cString() {
        int end = s.cStringEnd(pos);
        if (end >= limit) {
            throw s.fault(pos, "string runs past the end of the unit");
        }
        String str = s.cString(pos);
        pos = end + 1;
        return str;
    }

    void skipCString() {
        int end = s.cStringEnd(pos);
        if (end >= limit) {
            throw s.fault(pos, "string runs past the end of the unit");
        }
        pos = end + 1;
    }
}
