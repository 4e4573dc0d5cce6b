package dev.vmcore.memory.x86_64;

import dev.vmcore.memory.ArrayPhysicalMemory;

/**
 * Builds x86-64 page tables in test memory: map a virtual address to a physical one with a 4 KiB,
 * 2 MiB or 1 GiB page, allocating intermediate tables from a bump allocator.
 */
final class PageTableWriter {
    static final long PRESENT_RW = 0x3;
    static final long PS = 1L << 7;
    static final long NX = 1L << 63;

    final ArrayPhysicalMemory mem = new ArrayPhysicalMemory();
    final boolean fiveLevel;
    final long top;
    private long nextTable = 0x100000;

    PageTableWriter(boolean fiveLevel) {
        this.fiveLevel = fiveLevel;
        this.top = allocate();
    }

    private long allocate() {
        long t = nextTable;
        nextTable += 4096;
        mem.writePage(t >>> 12, new byte[4096]);
        return t;
    }

    /** Maps vaddr to paddr with a page of {@code pageSize} (4K, 2M or 1G), entries flagged with {@code flags}. */
    PageTableWriter map(long vaddr, long paddr, long pageSize, long flags) {
        int[] shifts = fiveLevel ? new int[] {48, 39, 30, 21, 12} : new int[] {39, 30, 21, 12};
        long table = top;
        for (int shift : shifts) {
            long entryAddr = table + ((vaddr >>> shift) & 0x1ff) * 8;
            if ((1L << shift) == pageSize) {
                mem.writeLong(entryAddr, (paddr & -pageSize) | flags | (shift > 12 ? PS : 0));
                return this;
            }
            long existing = mem.readLong(entryAddr);
            if ((existing & 1) == 0) {
                long next = allocate();
                mem.writeLong(entryAddr, next | PRESENT_RW);
                table = next;
            } else {
                table = existing & 0x000f_ffff_ffff_f000L;
            }
        }
        throw new IllegalArgumentException("page size " + pageSize);
    }

    /** Writes a raw entry at the level with the given shift for vaddr (tables above must exist). */
    PageTableWriter rawEntry(long vaddr, int levelShift, long entry) {
        int[] shifts = fiveLevel ? new int[] {48, 39, 30, 21, 12} : new int[] {39, 30, 21, 12};
        long table = top;
        for (int shift : shifts) {
            long entryAddr = table + ((vaddr >>> shift) & 0x1ff) * 8;
            if (shift == levelShift) {
                mem.writeLong(entryAddr, entry);
                return this;
            }
            table = mem.readLong(entryAddr) & 0x000f_ffff_ffff_f000L;
        }
        throw new IllegalArgumentException("level " + levelShift);
    }
}
