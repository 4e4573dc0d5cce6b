package dev.vmcore.program;

import dev.vmcore.util.Lazy;
import dev.vmcore.dump.DumpFile;
import dev.vmcore.dump.DumpOpener;
import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.PagingConfig;
import dev.vmcore.memory.x86_64.X86_64AddressSpace;
import dev.vmcore.symbols.KallsymsLocations;
import dev.vmcore.symbols.ModuleKallsyms;
import dev.vmcore.symbols.KallsymsReader;
import dev.vmcore.symbols.KallsymsSearch;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.symbols.VmlinuxSymbols;
import dev.vmcore.types.TypeSource;
import dev.vmcore.util.VmcoreException;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One open dump and everything known about it. Each source of knowledge (kernel memory, symbols,
 * types, kernel objects) is built on first use and then kept, so a command pays only for what it
 * needs; commands reach them only through this object.
 */
public final class Session implements AutoCloseable {
    /** Direct-map bases without KASLR's memory randomisation (Documentation/arch/x86/x86_64/mm.rst). */
    private static final long DEFAULT_PAGE_OFFSET_4L = 0xffff888000000000L;
    private static final long DEFAULT_PAGE_OFFSET_5L = 0xff11000000000000L;
    /** How much of the kernel image the kallsyms search reads at most (images are tens of MB). */
    private static final long KALLSYMS_SEARCH_BYTES = 256L << 20;

    private final SessionInputs inputs;
    private final DumpFile dump;
    private final Optional<ElfSymbols> vmlinux;
    private final Supplier<Optional<VmcoreInfo>> vmcoreInfo;
    private final Supplier<PagingConfig> paging;
    private final Supplier<X86_64AddressSpace> kernelMemory;
    private final Supplier<Optional<KallsymsLocations>> kallsymsLocations;
    private final Supplier<SymbolTable> kernelSymbols;
    private final Supplier<List<ModuleKallsyms.LoadedModule>> modules;
    private final Supplier<SymbolTable> symbols;
    private final Supplier<Long> directMapBase;
    private final Supplier<TypeSource> types;

    private Session(SessionInputs inputs, DumpFile dump, Optional<ElfSymbols> vmlinux) {
        this.inputs = inputs;
        this.dump = dump;
        this.vmlinux = vmlinux;
        this.vmcoreInfo = Lazy.of(() -> dump.vmcoreInfo().map(VmcoreInfo::parse));
        this.paging = Lazy.of(() -> KernelLayout.paging(vmcoreInfo(), dump.cpuNotes()));
        this.kernelMemory = Lazy.of(() -> X86_64AddressSpace.kernel(dump.memory(), paging.get()));
        this.kallsymsLocations = Lazy.of(this::findKallsyms);
        this.kernelSymbols = Lazy.of(this::loadKernelSymbols);
        this.modules = Lazy.of(this::readModules);
        this.symbols = Lazy.of(this::allSymbols);
        this.directMapBase = Lazy.of(this::findDirectMapBase);
        this.types = Lazy.of(() -> vmlinux.isPresent() ? KernelBtf.fromVmlinux(vmlinux.get())
                : KernelBtf.fromMemory(kernelMemory(), kernelSymbols()));
    }

    /**
     * Opens the dump (and vmlinux) named by {@code inputs}; throws a VmcoreException with one line
     * if either cannot be read, or if the vmlinux does not match the dump and --force was not given.
     */
    public static Session open(SessionInputs inputs) {
        Objects.requireNonNull(inputs);
        DumpFile dump = DumpOpener.open(inputs.dumps());
        Optional<ElfSymbols> vmlinux = Optional.empty();
        try {
            if (inputs.vmlinux().isPresent()) {
                vmlinux = Optional.of(ElfSymbols.open(inputs.vmlinux().get()));
                if (!inputs.force()) {
                    Optional<String> why = VmlinuxMatch.mismatch(vmlinux.get(), dump.vmcoreInfo().map(VmcoreInfo::parse));
                    if (why.isPresent()) {
                        throw new VmcoreException(inputs.vmlinux().get() + " does not match the dump: " + why.get()
                                + " (use --force to use it anyway)");
                    }
                }
            }
        } catch (RuntimeException e) {
            vmlinux.ifPresent(ElfSymbols::close);
            dump.close();
            throw e;
        }
        return new Session(inputs, dump, vmlinux);
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

    /**
     * Where kallsyms lives in kernel memory: as VMCOREINFO says (Linux 6.0+), else found by a
     * search of the kernel image from _stext (older kernels).
     */
    public Optional<KallsymsLocations> kallsymsLocations() {
        return kallsymsLocations.get();
    }

    private Optional<KallsymsLocations> findKallsyms() {
        Optional<KallsymsLocations> exported = vmcoreInfo().flatMap(KernelLayout::kallsyms);
        if (exported.isPresent()) {
            return exported;
        }
        return vmcoreInfo().flatMap(v -> v.symbol("_stext").isPresent()
                ? KallsymsSearch.find(kernelMemory(), v.symbol("_stext").getAsLong(), KernelLayout.releaseAtLeast(v, 6, 1),
                        KALLSYMS_SEARCH_BYTES)
                : Optional.empty());
    }

    /** The KASLR text offset (VMCOREINFO KERNELOFFSET), 0 when the dump does not say. */
    public long kaslrOffset() {
        return vmcoreInfo().flatMap(v -> v.kernelOffset().isPresent()
                ? Optional.of(v.kernelOffset().getAsLong()) : Optional.<Long>empty()).orElse(0L);
    }

    /**
     * Every symbol: the kernel's (the vmlinux's symbol table when one was given, else kallsyms from
     * the dump) and each loaded module's own kallsyms.
     */
    public SymbolTable symbols() {
        return symbols.get();
    }

    /** The kernel image's symbols alone. */
    public SymbolTable kernelSymbols() {
        return kernelSymbols.get();
    }

    /** The loaded modules (needs the kernel's types for struct module). */
    public List<ModuleKallsyms.LoadedModule> modules() {
        return modules.get();
    }

    private List<ModuleKallsyms.LoadedModule> readModules() {
        long head = kernelSymbols().find("modules").orElseThrow(
                () -> new VmcoreException("modules: no symbol for the module list (modules)")).address();
        return ModuleKallsyms.read(kernelMemory(), head, ModuleLayouts.from(types()));
    }

    private SymbolTable allSymbols() {
        return new LayeredSymbols(kernelSymbols(), () -> modules().stream().map(ModuleKallsyms.LoadedModule::symbols).toList());
    }

    /** Start of the direct map of physical memory (page_offset_base), for ptov. */
    public long directMapBase() {
        return directMapBase.get();
    }

    /** Where types come from, said without loading them (for sys): "BTF from vmlinux" or "BTF from dump". */
    public String typeSourceName() {
        return vmlinux.isPresent() ? "BTF from vmlinux" : "BTF from dump";
    }

    /** The kernel's types: BTF from the vmlinux's .BTF section when one was given, else BTF in kernel memory. */
    public TypeSource types() {
        return types.get();
    }

    private SymbolTable loadKernelSymbols() {
        if (vmlinux.isPresent()) {
            return VmlinuxSymbols.fromElf(vmlinux.get(), kaslrOffset());
        }
        KallsymsLocations loc = kallsymsLocations().orElseThrow(() -> new VmcoreException(vmcoreInfo().isEmpty()
                ? "no symbols: the dump has no VMCOREINFO, so neither the KASLR offset nor _stext is known;"
                        + " give the matching vmlinux"
                : "no symbols: the dump's VMCOREINFO does not locate kallsyms and a search of the kernel image"
                        + " found no kallsyms tables; give the matching vmlinux"));
        return KallsymsReader.read(kernelMemory(), loc);
    }

    private long findDirectMapBase() {
        // With memory KASLR the base is in the variable page_offset_base; without it, the default.
        Optional<Symbol> sym = kernelSymbols().find("page_offset_base");
        if (sym.isPresent()) {
            return kernelMemory().readLong(sym.get().address());
        }
        return paging().fiveLevel() ? DEFAULT_PAGE_OFFSET_5L : DEFAULT_PAGE_OFFSET_4L;
    }

    @Override
    public void close() {
        vmlinux.ifPresent(ElfSymbols::close);
        dump.close();
    }
}
