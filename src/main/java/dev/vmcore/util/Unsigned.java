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

    /**
     * A stable permutation sorting {@code keys[0..n)} unsigned, or null when already sorted. A
     * bottom-up merge sort that moves the keys with the indexes, so merging reads memory in order.
     */
    public static int[] sortedOrder(long[] keys, int n) {
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
            sorted = lessOrEqual(keys[i - 1], keys[i]);
        }
        if (sorted) {
            return null;
        }
        int[] packed = packedOrder(keys, n);
        if (packed != null) {
            return packed;
        }
        long[] k = java.util.Arrays.copyOf(keys, n);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        long[] k2 = new long[n];
        int[] idx2 = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                for (int o = lo; o < hi; o++) {
                    if (j >= hi || (i < mid && lessOrEqual(k[i], k[j]))) {
                        k2[o] = k[i];
                        idx2[o] = idx[i++];
                    } else {
                        k2[o] = k[j];
                        idx2[o] = idx[j++];
                    }
                }
            }
            long[] tk = k;
            k = k2;
            k2 = tk;
            int[] ti = idx;
            idx = idx2;
            idx2 = ti;
        }
        return idx;
    }

    /**
     * {@link #sortedOrder} by sorting plain longs: each key's distance from the smallest key of its
     * half of the unsigned range (top bit clear, then set) shifted up, its index in the low bits,
     * so equal keys keep their order. A symbol table's addresses (kernel text and data within a
     * few hundred MB, per-CPU offsets near 0) always fit; null when the keys are too spread out.
     */
    private static int[] packedOrder(long[] keys, int n) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
        long[] min = {Long.MAX_VALUE, -1};
        long[] max = {0, Long.MIN_VALUE};
        int low = 0;
        for (int i = 0; i < n; i++) {
            long k = keys[i];
            int half = k < 0 ? 1 : 0;
            low += 1 - half;
            min[half] = Math.min(min[half], k);
            max[half] = Math.max(max[half], k);
        }
        for (int half = 0; half < 2; half++) {
            boolean empty = half == 0 ? low == 0 : low == n;
            if (!empty && (max[half] - min[half]) >>> (63 - bits) != 0) {
                return null;
            }
        }
        long[] packed = new long[n];
        int lo = 0;
        int hi = low;
        for (int i = 0; i < n; i++) {
            long k = keys[i];
            int half = k < 0 ? 1 : 0;
            packed[half == 0 ? lo++ : hi++] = (k - min[half]) << bits | i;
        }
        java.util.Arrays.sort(packed, 0, low);
        java.util.Arrays.sort(packed, low, n);
        int[] order = new int[n];
        long mask = (1L << bits) - 1;
        for (int i = 0; i < n; i++) {
            order[i] = (int) (packed[i] & mask);
        }
        return order;
    }
}
