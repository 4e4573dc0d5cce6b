package dev.vmcore.program;

import dev.vmcore.util.Lazy;
import dev.vmcore.dump.DumpFile;
import dev.vmcore.dump.DumpOpener;
import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.format.elf.ElfSection;
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
import dev.vmcore.format.dwarf.SourceLine;
import dev.vmcore.types.BtfTypeSource;
import dev.vmcore.types.CompositeTypeSource;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Variable;
import dev.vmcore.util.Unsigned;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final Supplier<Optional<BtfTypeSource>> kernelBtf;
    private final Supplier<Optional<KernelDwarf>> kernelDwarf;
    private final Supplier<List<ModuleDebugInfo>> moduleDebugInfo;
    /** The module debug information as mod -s / mod -d changed it; null until they are used. */
    private volatile List<ModuleDebugInfo> moduleDebugChanged;
    private final Supplier<CompositeTypeSource> types;
    private final Supplier<ModuleFiles> moduleFiles;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    /** Why the kernel's BTF could not be loaded, for the message when no types exist at all. */
    private volatile String btfProblem;
    /** The task_struct `set` chose as the current context; 0 until then (the context is the panic task). */
    private volatile long contextTask;

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
        this.kernelBtf = Lazy.of(this::loadKernelBtf);
        this.kernelDwarf = Lazy.of(this::loadKernelDwarf);
        this.moduleDebugInfo = Lazy.of(this::loadModuleDebugInfo);
        this.types = Lazy.of(this::allTypes);
        this.moduleFiles = Lazy.of(() -> new ModuleFiles(inputs.moduleDirs(), vmcoreInfo().flatMap(VmcoreInfo::release)));
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
        return ModuleKallsyms.read(kernelMemory(), head, ModuleLayouts.from(kernelTypes()));
    }

    private SymbolTable allSymbols() {
        return new LayeredSymbols(kernelSymbols(), () -> modules().stream().map(ModuleKallsyms.LoadedModule::symbols).toList());
    }

    /** Start of the direct map of physical memory (page_offset_base), for ptov. */
    public long directMapBase() {
        return directMapBase.get();
    }

    /**
     * Where types come from, said without loading anything new (for sys): the kernel's source(s),
     * then the module sources already loaded.
     */
    public String typeSourceName() {
        List<String> parts = new ArrayList<>();
        parts.add(vmlinux.isPresent() && vmlinux.get().section(".BTF").isPresent() ? "BTF from vmlinux" : "BTF from dump");
        if (vmlinux.isPresent() && KernelDwarf.present(vmlinux.get())) {
            parts.add(KernelDwarf.DESCRIPTION);
        }
        return String.join(", ", parts);
    }

    /**
     * Every type source in use, loading each (for help -s): the kernel's BTF and DWARF, and each
     * module's BTF and DWARF.
     */
    public List<String> typeSourceDescriptions() {
        return types.get().members().stream().map(TypeSource::description).toList();
    }

    /**
     * The types and variables of the kernel and its modules, asked in this order: the kernel's
     * BTF (from the vmlinux's .BTF section, else kernel memory), the vmlinux's DWARF, each module's
     * BTF (kernel memory), each module's DWARF (its .ko from -m directories). Throws a one-line
     * VmcoreException when the kernel has neither BTF nor DWARF.
     */
    public TypeSource types() {
        return types.get();
    }

    /**
     * A section of the vmlinux, mapped (not read into the heap), with its link-time header; empty
     * without a vmlinux or without that section. Add {@link #kaslrOffset()} to its address.
     */
    public Optional<Map.Entry<ElfSection, java.nio.ByteBuffer>> vmlinuxSection(String name) {
        if (vmlinux.isEmpty()) {
            return Optional.empty();
        }
        Optional<ElfSection> header = vmlinux.get().section(name);
        Optional<java.nio.ByteBuffer> bytes = vmlinux.get().sectionBuffer(name);
        if (header.isEmpty() || bytes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Map.entry(header.get(), bytes.get()));
    }

    /**
     * The variable or function a symbol names, asked where it can be: a module's symbol in that
     * module's BTF and .ko DWARF only (its statics are nowhere else, and asking the vmlinux's DWARF
     * would build that name index for nothing), a kernel symbol in {@link #types()}.
     */
    public Optional<Variable> findVariable(Symbol symbol) {
        if (symbol.module().isEmpty()) {
            return types().findVariable(symbol.name());
        }
        String module = symbol.module().get();
        for (ModuleDebugInfo m : moduleDebugInfo()) {
            if (!m.module().name().equals(module)) {
                continue;
            }
            Optional<Variable> v = m.btf().flatMap(b -> b.findVariable(symbol.name()));
            return v.isPresent() ? v : m.dwarf().flatMap(d -> d.types().findVariable(symbol.name()));
        }
        return Optional.empty();
    }

    /** The kernel's own types (BTF, else the vmlinux's DWARF), without the modules'. */
    public TypeSource kernelTypes() {
        Optional<BtfTypeSource> btf = kernelBtf.get();
        if (btf.isPresent()) {
            return btf.get();
        }
        return kernelDwarf.get().map(KernelDwarf::types).orElseThrow(() -> new VmcoreException(
                btfProblem != null ? btfProblem : "no types: no BTF in the dump and no vmlinux with DWARF"));
    }

    /** Each loaded module's BTF and DWARF, as far as found (problems go to {@link #warnings()}). */
    public List<ModuleDebugInfo> moduleDebugInfo() {
        List<ModuleDebugInfo> changed = moduleDebugChanged;
        return changed != null ? changed : moduleDebugInfo.get();
    }

    /**
     * mod -s: loads module {@code name}'s DWARF from {@code ko}, or from the .ko found in the module
     * directories when empty, in place of what it had. Throws a one-line VmcoreException when the
     * module is not loaded, no file is found, or the file does not match the module.
     */
    public synchronized ModuleDebugInfo loadModuleDebugInfo(String name, Optional<java.nio.file.Path> ko) {
        List<ModuleDebugInfo> all = moduleDebugInfo();
        ModuleDebugInfo m = all.stream().filter(d -> d.module().name().equals(name)).findFirst().orElseThrow(
                () -> new VmcoreException("no module named " + name + " is loaded"));
        java.nio.file.Path file = ko.or(() -> moduleFiles.get().find(name)).orElseThrow(() -> new VmcoreException(
                "no " + name + ".ko in " + moduleFiles.get().dirs() + " (give the file: mod -s " + name + " FILE)"));
        ModuleDebugInfo loaded = new ModuleDebugInfo(m.module(), m.btf(),
                Optional.of(ModuleDebugInfo.dwarf(kernelMemory(), kernelTypes(), m.module(), file)));
        replace(all, loaded);
        return loaded;
    }

    /** The module's size as crash's mod shows it (its core memory, init memory left out). */
    public long moduleSize(ModuleKallsyms.LoadedModule m) {
        return ModuleLayouts.coreSize(kernelTypes(), kernelMemory(), m.struct());
    }

    /** True when struct module has the 6.4+ layout (mem[]), which crash's mod heads TEXT_BASE. */
    public boolean moduleMemoryLayout() {
        return kernelTypes().findType("struct module").flatMap(t -> dev.vmcore.types.Types.offsetOf(t, "mem")).isPresent();
    }

    /** The .ko of module {@code name} in {@code dir} (or below it), named as {@link ModuleFiles} matches names. */
    public Optional<java.nio.file.Path> moduleFileIn(java.nio.file.Path dir, String name) {
        return new ModuleFiles(List.of(dir), Optional.empty()).find(name);
    }

    /** mod -d: forgets module {@code name}'s DWARF. */
    public synchronized void dropModuleDebugInfo(String name) {
        List<ModuleDebugInfo> all = moduleDebugInfo();
        ModuleDebugInfo m = all.stream().filter(d -> d.module().name().equals(name)).findFirst().orElseThrow(
                () -> new VmcoreException("no module named " + name + " is loaded"));
        replace(all, new ModuleDebugInfo(m.module(), m.btf(), Optional.empty()));
    }

    private void replace(List<ModuleDebugInfo> all, ModuleDebugInfo one) {
        List<ModuleDebugInfo> next = new ArrayList<>(all);
        next.replaceAll(d -> d.module().struct() == one.module().struct() ? one : d);
        moduleDebugChanged = List.copyOf(next);
    }

    /**
     * The source line of a kernel or module text address, from the vmlinux's DWARF or the DWARF of
     * the module's .ko; empty without debug information for it.
     */
    public Optional<SourceLine> sourceLine(long address) {
        for (ModuleDebugInfo m : modulesIfReadable()) {
            if (m.dwarf().isPresent() && Unsigned.inRange(address, m.module().base(), m.module().size())) {
                return m.dwarf().get().dwarf().statementLineAt(address);
            }
        }
        for (ModuleDebugInfo m : modulesIfReadable()) {
            if (m.dwarf().isPresent()) {
                Optional<SourceLine> line = m.dwarf().get().dwarf().statementLineAt(address);
                if (line.isPresent()) {
                    return line;
                }
            }
        }
        return kernelDwarf.get().flatMap(d -> d.dwarf().statementLineAt(address - kaslrOffset()));
    }

    /** The kernel's DWARF, when the vmlinux has it. */
    public Optional<dev.vmcore.format.dwarf.Dwarf> kernelDwarf() {
        return kernelDwarf.get().map(KernelDwarf::dwarf);
    }

    /** The task_struct address `set` made the current context, if it did (else the panic task is). */
    public java.util.OptionalLong contextTask() {
        long t = contextTask;
        return t == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
    }

    /** Makes the task_struct at {@code taskAddress} the current context (crash's set). */
    public void setContextTask(long taskAddress) {
        this.contextTask = taskAddress;
    }

    /** Problems met while loading optional sources (a corrupt module BTF, a mismatched .ko); each once. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private void warn(String w) {
        if (!warnings.contains(w)) {
            warnings.add(w);
        }
    }

    private List<ModuleDebugInfo> modulesIfReadable() {
        if (inputs.moduleDirs().isEmpty() && kernelDwarf.get().isEmpty() && moduleDebugChanged == null) {
            return List.of(); // no DWARF anywhere: do not read the module list for nothing
        }
        try {
            return moduleDebugInfo();
        } catch (VmcoreException e) {
            warn(e.getMessage());
            return List.of();
        }
    }

    private Optional<BtfTypeSource> loadKernelBtf() {
        try {
            return Optional.of(vmlinux.isPresent() && vmlinux.get().section(".BTF").isPresent()
                    ? KernelBtf.fromVmlinux(vmlinux.get())
                    : KernelBtf.fromMemory(kernelMemory(), kernelSymbols()));
        } catch (VmcoreException e) {
            btfProblem = e.getMessage();
            if (vmlinux.isPresent() && KernelDwarf.present(vmlinux.get())) {
                warn("types: " + e.getMessage() + "; using the vmlinux's DWARF");
            }
            return Optional.empty();
        }
    }

    private Optional<KernelDwarf> loadKernelDwarf() {
        if (vmlinux.isEmpty() || !KernelDwarf.present(vmlinux.get())) {
            return Optional.empty();
        }
        try {
            return Optional.of(KernelDwarf.open(vmlinux.get()));
        } catch (VmcoreException e) {
            warn("DWARF of " + vmlinux.get().name() + " not used: " + e.getMessage());
            return Optional.empty();
        }
    }

    private List<ModuleDebugInfo> loadModuleDebugInfo() {
        TypeSource kernel = kernelTypes();
        Optional<BtfTypeSource> btf = kernelBtf.get();
        List<ModuleDebugInfo> out = new ArrayList<>();
        for (ModuleKallsyms.LoadedModule m : modules()) {
            Optional<TypeSource> moduleBtf = Optional.empty();
            if (btf.isPresent()) {
                try {
                    moduleBtf = ModuleDebugInfo.btf(kernelMemory(), kernelSymbols(), kernel, btf.get().btf(), m);
                } catch (VmcoreException e) {
                    warn("BTF of module " + m.name() + " not used: " + e.getMessage());
                }
            }
            Optional<ModuleDebugInfo.ModuleDwarf> dwarf = Optional.empty();
            Optional<java.nio.file.Path> ko = moduleFiles.get().find(m.name());
            if (ko.isPresent()) {
                try {
                    dwarf = Optional.of(ModuleDebugInfo.dwarf(kernelMemory(), kernel, m, ko.get()));
                } catch (VmcoreException e) {
                    warn("DWARF of module " + m.name() + " not used: " + e.getMessage());
                }
            }
            out.add(new ModuleDebugInfo(m, moduleBtf, dwarf));
        }
        return List.copyOf(out);
    }

    private CompositeTypeSource allTypes() {
        kernelTypes(); // no kernel types at all: say why now, in one line
        List<Supplier<List<TypeSource>>> sources = List.of(
                () -> kernelBtf.get().map(b -> List.<TypeSource>of(b)).orElse(List.of()),
                () -> moduleSources(true),
                () -> kernelDwarf.get().map(d -> List.of(d.types())).orElse(List.of()),
                () -> moduleSources(false));
        return new CompositeTypeSource(sources, typeSourceName(), this::warn);
    }

    /** The modules' BTF ({@code btf}) or DWARF sources; none when the module list cannot be read. */
    private List<TypeSource> moduleSources(boolean btf) {
        List<ModuleDebugInfo> all;
        try {
            all = moduleDebugInfo();
        } catch (VmcoreException e) {
            warn("module types not used: " + e.getMessage());
            return List.of();
        }
        List<TypeSource> out = new ArrayList<>();
        for (ModuleDebugInfo m : all) {
            if (btf) {
                m.btf().ifPresent(out::add);
            } else {
                m.dwarf().ifPresent(d -> out.add(d.types()));
            }
        }
        return out;
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
