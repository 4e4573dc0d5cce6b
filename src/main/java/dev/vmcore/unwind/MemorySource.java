package dev.vmcore.unwind;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.util.ByteSource;

/** {@code size} bytes of kernel memory from {@code base}, as a ByteSource (for tables read in place). */
final class MemorySource implements ByteSource {
    private final String name;
    private final AddressSpace mem;
    private final long base;
    private final long size;

    MemorySource(String name, AddressSpace mem, long base, long size) {
        this.name = name;
        this.mem = mem;
        this.base = base;
        this.size = size;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position >= size) {
            return 0;
        }
        int n = (int) Math.min(len, size - position);
        mem.read(base + position, dst, off, n);
        return n;
    }

    @Override
    public void close() {
    }
}
