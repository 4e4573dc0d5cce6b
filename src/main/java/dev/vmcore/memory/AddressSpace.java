package dev.vmcore.memory;

import dev.vmcore.util.ByteCursor;

/** A virtual address space (the kernel's, or a user process's) over physical memory. Thread-safe. */
public interface AddressSpace {
    /** "kernel virtual" or "user virtual", for messages. */
    String name();

    /**
     * Reads {@code len} bytes at virtual address {@code vaddr}, across pages as needed.
     *
     * @throws MemoryFault NotMapped when a page has no translation; the physical faults otherwise
     */
    void read(long vaddr, byte[] dst, int off, int len);

    /** The page-table walk for {@code vaddr}; throws {@link MemoryFault.NotMapped} when there is none. */
    Translation translate(long vaddr);

    default byte[] readBytes(long vaddr, int len) {
        byte[] b = new byte[len];
        read(vaddr, b, 0, len);
        return b;
    }

    default long readLong(long vaddr) {
        return ByteCursor.getLong(readBytes(vaddr, 8), 0);
    }

    default int readInt(long vaddr) {
        return ByteCursor.getInt(readBytes(vaddr, 4), 0);
    }

    /**
     * The NUL-terminated string at {@code vaddr} (Latin-1), at most {@code max} bytes, read a page
     * piece at a time so that an unmapped page after the NUL is never touched.
     */
    default String readCString(long vaddr, int max) {
        byte[] out = new byte[max];
        int n = 0;
        while (n < max) {
            long at = vaddr + n;
            int piece = (int) Math.min(max - n, 4096 - (at & 4095));
            read(at, out, n, piece);
            for (int k = n; k < n + piece; k++) {
                if (out[k] == 0) {
                    return new String(out, 0, k, java.nio.charset.StandardCharsets.ISO_8859_1);
                }
            }
            n += piece;
        }
        return new String(out, 0, max, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
