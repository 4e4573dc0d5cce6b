package dev.vmcore.memory;

/** The physical memory a dump holds. Safe for concurrent readers. */
public interface PhysicalMemory {
    int pageSize();

    /**
     * Reads {@code len} bytes at physical address {@code paddr}, across pages as needed.
     *
     * @throws MemoryFault when a page is not in the dump, was excluded, or lies past a truncation
     */
    void read(long paddr, byte[] dst, int off, int len);

    /** What the dump holds for page frame {@code pfn}, without reading it. */
    PageState state(long pfn);

    /** Highest page frame number the dump describes, plus one. */
    long maxPfn();

    /** Reads 8 bytes little-endian at {@code paddr}. */
    default long readLong(long paddr) {
        byte[] b = new byte[8];
        read(paddr, b, 0, 8);
        return dev.vmcore.util.ByteCursor.getLong(b, 0);
    }
}
