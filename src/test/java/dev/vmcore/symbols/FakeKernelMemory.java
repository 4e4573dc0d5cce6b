package dev.vmcore.symbols;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.Translation;

import java.util.List;

/** Kernel memory for tests: one byte array mapped at a virtual base; everything else is unmapped. */
final class FakeKernelMemory implements AddressSpace {
    private final long base;
    private final byte[] bytes;
    int reads;

    FakeKernelMemory(long base, byte[] bytes) {
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
