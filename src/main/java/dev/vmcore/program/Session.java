package dev.vmcore.program;

import dev.vmcore.dump.DumpFile;
import dev.vmcore.dump.DumpOpener;
import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.PagingConfig;
import dev.vmcore.memory.x86_64.X86_64AddressSpace;
import dev.vmcore.symbols.KallsymsLocations;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One open dump and everything known about it. Each source of knowledge (kernel memory, symbols,
 * types, kernel objects) is built on first use and then kept, so a command pays only for what it
 * needs; commands reach them only through this object.
 */
public final class Session implements AutoCloseable {
    private final SessionInputs inputs;
    private final DumpFile dump;
    private final Supplier<Optional<VmcoreInfo>> vmcoreInfo;
    private final Supplier<PagingConfig> paging;
    private final Supplier<X86_64AddressSpace> kernelMemory;

    private Session(SessionInputs inputs, DumpFile dump) {
        this.inputs = inputs;
        this.dump = dump;
        this.vmcoreInfo = Lazy.of(() -> dump.vmcoreInfo().map(VmcoreInfo::parse));
        this.paging = Lazy.of(() -> KernelLayout.paging(vmcoreInfo(), dump.cpuNotes()));
        this.kernelMemory = Lazy.of(() -> X86_64AddressSpace.kernel(dump.memory(), paging.get()));
    }

    /** Opens the dump named by {@code inputs}; throws a VmcoreException with one line if it cannot be read. */
    public static Session open(SessionInputs inputs) {
        Objects.requireNonNull(inputs);
        return new Session(inputs, DumpOpener.open(inputs.dumps()));
    }

    public SessionInputs inputs() {
        return inputs;
    }

    public DumpFile dump() {
        return dump;
    }

    /** The dump's VMCOREINFO, parsed, if it has one. */
    public Optional<VmcoreInfo> vmcoreInfo() {
        return vmcoreInfo.get();
    }

    /** How kernel virtual addresses translate (throws a one-line VmcoreException when the dump cannot say). */
    public PagingConfig paging() {
        return paging.get();
    }

    /** The kernel's virtual address space. */
    public AddressSpace kernelMemory() {
        return kernelMemory.get();
    }

    /** Where kallsyms lives in kernel memory, when VMCOREINFO says. */
    public Optional<KallsymsLocations> kallsymsLocations() {
        return vmcoreInfo().flatMap(KernelLayout::kallsyms);
    }

    @Override
    public void close() {
        dump.close();
    }
}
