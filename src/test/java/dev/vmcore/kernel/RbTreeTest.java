package dev.vmcore.kernel;

import dev.vmcore.memory.ArrayAddressSpace;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rb-tree walk on trees laid out in a byte image: order, empty trees, cycles and bad pointers. */
class RbTreeTest {
    private static final long BASE = 0xffff888000000000L;
    private static final long ROOT = BASE;
    /** Node i sits at BASE + 64 * (i + 1); colour bits set in the parent word to check they are masked. */
    private final ByteBuffer image = ByteBuffer.allocate(64 * 40).order(ByteOrder.LITTLE_ENDIAN);

    private static long node(int i) {
        return BASE + 64L * (i + 1);
    }

    private void link(int i, int parent, int left, int right) {
        int at = 64 * (i + 1);
        image.putLong(at, (parent < 0 ? 0 : node(parent)) | 1);
        image.putLong(at + 8, right < 0 ? 0 : node(right));
        image.putLong(at + 16, left < 0 ? 0 : node(left));
    }

    /** A balanced tree of keys 0..n-1 (node i holds key i), built recursively. */
    private int build(int lo, int hi, int parent) {
        if (lo > hi) {
            return -1;
        }
        int mid = (lo + hi) >>> 1;
        link(mid, parent, -1, -1);
        int l = build(lo, mid - 1, mid);
        int r = build(mid + 1, hi, mid);
        link(mid, parent, l, r);
        return mid;
    }

    private RbTree.Walk walk(int cap) {
        return new RbTree(new ArrayAddressSpace(BASE, image.array()), RbTree.Layout.STANDARD).walk(ROOT, cap);
    }

    @Test
    void inOrderFromLeftmost() {
        for (int n : new int[] {0, 1, 2, 7, 30}) {
            image.clear();
            java.util.Arrays.fill(image.array(), (byte) 0);
            int root = build(0, n - 1, -1);
            image.putLong(0, root < 0 ? 0 : node(root));
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(node(i));
            }
            RbTree.Walk w = walk(1000);
            assertEquals(expected, w.nodes(), "n=" + n);
            assertEquals("", w.problem());
        }
    }

    @Test
    void cycleAndCapAndBadPointerEndTheWalkWithOneLine() {
        int root = build(0, 6, -1);
        image.putLong(0, node(root));
        assertEquals(5, walk(5).nodes().size());
        assertTrue(walk(5).problem().contains("more than 5 nodes"), walk(5).problem());
        // node 6 (rightmost) gets a right child pointing back at node 0: the walk would start over.
        image.putLong(64 * 7 + 8, node(0));
        RbTree.Walk cyc = walk(1000);
        assertEquals(7, cyc.nodes().size());
        assertTrue(cyc.problem().contains("met twice"), cyc.problem());
        image.putLong(64 * 7 + 8, 0x1234);
        RbTree.Walk bad = walk(1000);
        assertEquals(7, bad.nodes().size());
        assertTrue(bad.problem().contains("unreadable"), bad.problem());
        // a left spine that loops on itself
        image.putLong(64 * (root + 1) + 16, node(root));
        RbTree.Walk spine = walk(100);
        assertTrue(spine.nodes().isEmpty());
        assertTrue(spine.problem().contains("left spine"), spine.problem());
    }
}
