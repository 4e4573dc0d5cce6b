package dev.vmcore.memory;

import java.util.List;

/** Kernel memory for tests: one byte array mapped at a virtual base; everything else is unmapped. */
public class ArrayAddressSpace implements AddressSpace {
    private final long base;
    private final byte[] bytes;
    /** How many reads succeeded (tests of caching and read-ahead count them). */
    public int reads;

    public ArrayAddressSpace(long base, byte[] bytes) {
        this.base = base;
        this.bytes = bytes;
    }

    @Override
    public String name() {
        return "kernel virtual";
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        long rel = vaddr - base;
        if (len < 0 || rel < 0 || rel > bytes.length - (long) len) {
            throw new MemoryFault.NotMapped(rel < 0 || rel >= bytes.length ? vaddr : base + bytes.length,
                    name(), "not mapped in the test image");
        }
        reads++;
        System.arraycopy(bytes, (int) rel, dst, off, len);
    }

    @Override
    public Translation translate(long vaddr) {
        long rel = vaddr - base;
        if (rel < 0 || rel >= bytes.length) {
            throw new MemoryFault.NotMapped(vaddr, name(), "not mapped in the test image");
        }
        return new Translation(vaddr, rel, 0, List.of());
    }
}
