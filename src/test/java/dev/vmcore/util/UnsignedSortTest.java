package dev.vmcore.util;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Unsigned.sortedOrder gives the stable unsigned order, whichever way it sorts. */
class UnsignedSortTest {
    /** The expected permutation: indexes sorted stably by unsigned key. */
    private static int[] reference(long[] keys, int n) {
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> keys[i] ^ Long.MIN_VALUE)).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void symbolLikeKeysWithTiesSortStablyWithPerCpuOffsetsFirst() {
        Random r = new Random(7);
        long[] keys = new long[50_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x40000);                              // per-CPU offsets
                case 1 -> 0xffffffff81000000L + (r.nextInt(1000) << 4);   // many ties in text
                default -> 0xffffffff81000000L + r.nextInt(0x3000000);
            };
        }
        assertArrayEquals(reference(keys, keys.length), Unsigned.sortedOrder(keys, keys.length));
    }

    @Test
    void keysSpreadOverTheWholeRangeFallBackToTheMergeSort() {
        Random r = new Random(11);
        long[] keys = r.longs(10_000).toArray();
        keys[5] = keys[6];
        assertArrayEquals(reference(keys, keys.length), Unsigned.sortedOrder(keys, keys.length));
    }

    @Test
    void onlyThePrefixCountsAndSortedInputNeedsNoOrder() {
        long[] keys = {5, 3, -1, 0, 99, 1};
        assertArrayEquals(reference(keys, 4), Unsigned.sortedOrder(keys, 4));
        assertArrayEquals(new int[] {1, 0}, Unsigned.sortedOrder(new long[] {-1, 2}, 2));
        assertNull(Unsigned.sortedOrder(new long[] {1, 2, 2, -5}, 4));
        assertNull(Unsigned.sortedOrder(new long[0], 0));
        for (List<Long> one : List.of(List.of(-3L, -4L), List.of(Long.MIN_VALUE, Long.MAX_VALUE))) {
            long[] k = one.stream().mapToLong(Long::longValue).toArray();
            assertArrayEquals(reference(k, 2), Unsigned.sortedOrder(k, 2));
        }
    }
}
