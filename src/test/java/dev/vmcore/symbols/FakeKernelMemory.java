package dev.vmcore.symbols;

import dev.vmcore.memory.ArrayAddressSpace;

/** Kernel memory for the symbol tests: one byte array mapped at a virtual base. */
final class FakeKernelMemory extends ArrayAddressSpace {
    FakeKernelMemory(long base, byte[] bytes) {
        super(base, bytes);
    }
}
