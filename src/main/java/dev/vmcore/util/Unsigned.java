package dev.vmcore.util;

/**
 * Unsigned 64-bit address arithmetic in one place. Kernel addresses live in the top half of the
 * address space, so they are negative as Java longs; every ordering of addresses goes through here.
 */
public final class Unsigned {
    private Unsigned() {
    }

    /** Orders {@code a} and {@code b} as unsigned 64-bit values: negative, zero or positive. */
    public static int compare(long a, long b) {
        return Long.compareUnsigned(a, b);
    }

    /** {@code a < b}, unsigned. */
    public static boolean lessThan(long a, long b) {
        return compare(a, b) < 0;
    }

    /** {@code a <= b}, unsigned. */
    public static boolean lessOrEqual(long a, long b) {
        return compare(a, b) <= 0;
    }

    /** True when {@code address} lies in {@code [start, start + size)}; {@code size} is unsigned too. */
    public static boolean inRange(long address, long start, long size) {
        return lessThan(address - start, size);
    }

    /** The larger of {@code a} and {@code b}, unsigned. */
    public static long max(long a, long b) {
        return compare(a, b) >= 0 ? a : b;
    }

    /** "0x" and lowercase hex digits of {@code value} read as unsigned. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
