package dev.vmcore.kernel;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * In-order walk of a kernel red-black tree (include/linux/rbtree.h, lib/rbtree.c): rb_first, then
 * rb_next along the parent pointers, as crash and the kernel walk it. {@code struct rb_node} is
 * {@code __rb_parent_color} (parent address, colour in the low 2 bits), {@code rb_right},
 * {@code rb_left}; the offsets come from the kernel's types.
 *
 * <p>The dump is hostile: a node met twice, a walk longer than the cap, or unreadable memory ends
 * the walk with the nodes found so far and one line in {@link Walk#problem()}.
 */
public final class RbTree {
    /** rb_node member offsets. */
    public record Layout(long parentColor, long right, long left) {
        /** The layout every Linux since 2.6.18 has on 64-bit machines. */
        public static final Layout STANDARD = new Layout(0, 8, 16);
    }

    /**
     * The nodes in order, and what stopped the walk early (empty when it reached the end).
     *
     * @param nodes   addresses of the struct rb_node members, leftmost first
     * @param problem one line when the tree is corrupt or unreadable, else ""
     */
    public record Walk(List<Long> nodes, String problem) {
    }

    private final AddressSpace mem;
    private final Layout layout;

    public RbTree(AddressSpace mem, Layout layout) {
        this.mem = mem;
        this.layout = layout;
    }

    /** Every node of the tree whose {@code struct rb_root} is at {@code root}, at most {@code cap} of them. */
    public Walk walk(long root, int cap) {
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        try {
            long node = first(mem.readLong(root), cap);
            while (node != 0) {
                if (!seen.add(node)) {
                    return new Walk(out, "rb-tree at " + hex(root) + " corrupt: node " + hex(node) + " met twice after "
                            + out.size() + " nodes");
                }
                if (out.size() >= cap) {
                    return new Walk(out, "rb-tree at " + hex(root) + " corrupt: more than " + cap + " nodes");
                }
                out.add(node);
                node = next(node, cap);
            }
        } catch (VmcoreException e) {
            return new Walk(out, "rb-tree at " + hex(root) + " unreadable after " + out.size() + " nodes: " + e.getMessage());
        }
        return new Walk(out, "");
    }

    /** The leftmost node under {@code node} (0 for an empty tree). */
    private long first(long node, int cap) {
        if (node == 0) {
            return 0;
        }
        for (int depth = 0; ; depth++) {
            long left = mem.readLong(node + layout.left());
            if (left == 0) {
                return node;
            }
            if (depth >= cap) {
                throw new VmcoreException("left spine longer than " + cap + " nodes");
            }
            node = left;
        }
    }

    /** lib/rbtree.c rb_next: the leftmost of the right subtree, else the first ancestor we came to from the left. */
    private long next(long node, int cap) {
        long right = mem.readLong(node + layout.right());
        if (right != 0) {
            return first(right, cap);
        }
        for (int depth = 0; depth <= cap; depth++) {
            long parent = mem.readLong(node + layout.parentColor()) & ~3L;
            if (parent == 0 || mem.readLong(parent + layout.right()) != node) {
                return parent;
            }
            node = parent;
        }
        throw new VmcoreException("parent chain longer than " + cap + " nodes");
    }

    private static String hex(long v) {
        return Long.toHexString(v);
    }
}
