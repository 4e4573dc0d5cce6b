package dev.vmcore.program;

import dev.vmcore.format.btf.Btf;
import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.dwarf.DwarfSections;
import dev.vmcore.format.elf.ElfSection;
import dev.vmcore.format.elf.ElfSymbol;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.symbols.ModuleKallsyms;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.BtfTypeSource;
import dev.vmcore.types.DwarfTypeSource;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.VmcoreException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What is known about one loaded module's types and source lines: its BTF from kernel memory
 * ({@code struct module.btf_data}, split BTF on the kernel's), and the DWARF of its .ko file when
 * one was found, relocated to where the module's sections sit in memory.
 *
 * @param module the loaded module
 * @param btf its BTF, when the kernel kept it (CONFIG_DEBUG_INFO_BTF_MODULES)
 * @param dwarf its .ko's DWARF, when a matching .ko was loaded
 */
public record ModuleDebugInfo(ModuleKallsyms.LoadedModule module, Optional<TypeSource> btf, Optional<ModuleDwarf> dwarf) {
    /** Module BTF is tens of KiB; a larger size means a corrupt struct module. */
    private static final long MAX_MODULE_BTF = 64L << 20;
    /** Entries on btf_modules at most (one per module with BTF). */
    private static final int MAX_LIST = 65_536;

    /**
     * A module's DWARF from its .ko.
     *
     * @param file the .ko it came from
     * @param dwarf the DWARF, with addresses relocated to the module's place in memory
     * @param types the types and variables it describes
     */
    public record ModuleDwarf(Path file, Dwarf dwarf, TypeSource types) {
    }

    /**
     * The module's BTF from kernel memory. First from the BPF subsystem's list {@code btf_modules}:
     * its {@code struct btf} holds the module's BTF as the kernel uses it, already relocated onto
     * vmlinux's types when the .ko carried distilled base BTF (Linux 6.11+, {@code .BTF.base}).
     * Else {@code struct module.btf_data} as loaded from the .ko, when it is split over vmlinux's BTF
     * (no {@code btf_base_data}). Empty when the kernel kept no BTF for the module.
     */
    static Optional<TypeSource> btf(AddressSpace mem, SymbolTable kernelSymbols, TypeSource kernelTypes, Btf kernelBtf,
                                    ModuleKallsyms.LoadedModule m) {
        Optional<byte[]> fromList = fromBtfModules(mem, kernelSymbols, kernelTypes, kernelBtf, m);
        byte[] bytes;
        if (fromList.isPresent()) {
            bytes = fromList.get();
        } else {
            Optional<Type> module = kernelTypes.findType("struct module");
            Optional<Long> data = module.flatMap(t -> Types.offsetOf(t, "btf_data"));
            Optional<Long> size = module.flatMap(t -> Types.offsetOf(t, "btf_data_size"));
            Optional<Long> distilled = module.flatMap(t -> Types.offsetOf(t, "btf_base_data"));
            if (data.isEmpty() || size.isEmpty()
                    || distilled.isPresent() && mem.readLong(m.struct() + distilled.get()) != 0) {
                return Optional.empty(); // none, or split over a distilled base the loader had not yet relocated
            }
            long at = mem.readLong(m.struct() + data.get());
            long n = mem.readInt(m.struct() + size.get()) & 0xffffffffL;
            if (at == 0 || n == 0) {
                return Optional.empty();
            }
            bytes = read(mem, m, at, n);
        }
        Btf btf = Btf.parse(ByteSource.of("BTF of module " + m.name(), bytes), kernelBtf);
        return Optional.of(new BtfTypeSource(btf, "BTF of module " + m.name() + " from dump"));
    }

    /** The module's BTF bytes from its {@code struct btf} on the {@code btf_modules} list, when listed. */
    private static Optional<byte[]> fromBtfModules(AddressSpace mem, SymbolTable kernelSymbols, TypeSource kernelTypes,
                                                   Btf kernelBtf, ModuleKallsyms.LoadedModule m) {
        Optional<Symbol> head = kernelSymbols.find("btf_modules");
        Optional<Type> entry = kernelTypes.findType("struct btf_module");
        Optional<Type> btf = kernelTypes.findType("struct btf");
        if (head.isEmpty() || entry.isEmpty() || btf.isEmpty()) {
            return Optional.empty();
        }
        long list = offset(entry.get(), "list");
        long module = offset(entry.get(), "module");
        long btfPtr = offset(entry.get(), "btf");
        long next = mem.readLong(head.get().address());
        for (int i = 0; next != head.get().address(); i++) {
            if (i >= MAX_LIST) {
                throw new VmcoreException("btf_modules does not end after " + MAX_LIST + " entries (corrupt?)");
            }
            long e = next - list;
            if (mem.readLong(e + module) == m.struct()) {
                long b = mem.readLong(e + btfPtr);
                long startId = mem.readInt(b + offset(btf.get(), "start_id")) & 0xffffffffL;
                long startStr = mem.readInt(b + offset(btf.get(), "start_str_off")) & 0xffffffffL;
                if (startId != kernelBtf.lastId() + 1L || startStr != kernelBtf.stringsEnd()) {
                    throw new VmcoreException("its BTF is split over another base (types from " + startId
                            + ", strings from " + startStr + "; vmlinux's BTF ends at " + kernelBtf.lastId() + " and "
                            + kernelBtf.stringsEnd() + ")");
                }
                long data = mem.readLong(b + offset(btf.get(), "data"));
                long size = mem.readInt(b + offset(btf.get(), "data_size")) & 0xffffffffL;
                return Optional.of(read(mem, m, data, size));
            }
            next = mem.readLong(next);
        }
        return Optional.empty();
    }

    private static byte[] read(AddressSpace mem, ModuleKallsyms.LoadedModule m, long at, long n) {
        if (n > MAX_MODULE_BTF) {
            throw new VmcoreException("module " + m.name() + ": BTF of " + n + " bytes (corrupt?)");
        }
        return mem.readBytes(at, (int) n);
    }

    private static long offset(Type t, String member) {
        return Types.offsetOf(t, member).orElseThrow(() -> new VmcoreException("no member " + member + " in " + t));
    }

    /**
     * Opens {@code ko}'s DWARF relocated to the module's sections in memory, after checking that
     * the .ko is the module that was loaded: every function of the .ko must sit at its section's
     * address plus its offset, as the module's own kallsyms say. Throws a one-line VmcoreException
     * when it is not.
     */
    static ModuleDwarf dwarf(AddressSpace mem, TypeSource kernelTypes, ModuleKallsyms.LoadedModule m, Path ko) {
        ElfSymbols elf = ElfSymbols.open(ko);
        try {
            Map<String, Long> sections = ModuleSections.read(mem, kernelTypes, m.struct());
            if (sections.isEmpty()) {
                throw new VmcoreException(ko + ": cannot place it: the module's section addresses (sect_attrs) are unknown");
            }
            checkMatches(elf, m, sections, ko);
            // A .ko's debug sections are small (hundreds of KiB): read and relocate them now, so
            // that the file need not stay open.
            Map<String, byte[]> debug = new HashMap<>();
            for (ElfSection s : elf.sections()) {
                if (s.name().startsWith(".debug_")) {
                    elf.sectionData(s.name(), sec -> placed(sections, sec)).ifPresent(b -> debug.put(s.name(), b));
                }
            }
            if (!debug.containsKey(".debug_info")) {
                throw new VmcoreException(ko + ": no DWARF debugging information (.debug_info)");
            }
            Dwarf dwarf = Dwarf.open(DwarfSections.of(debug));
            return new ModuleDwarf(ko, dwarf, new DwarfTypeSource(dwarf, "DWARF of module " + m.name() + " from " + ko));
        } finally {
            elf.close();
        }
    }

    private static long placed(Map<String, Long> sections, ElfSection s) {
        return sections.getOrDefault(s.name(), 0L);
    }

    /** Every defined function of the .ko in a placed section must be where the module's kallsyms put it. */
    private static void checkMatches(ElfSymbols elf, ModuleKallsyms.LoadedModule m, Map<String, Long> sections, Path ko) {
        int checked = 0;
        for (ElfSymbol s : elf.symbols()) {
            if (s.type() != ElfSymbol.STT_FUNC || !s.isDefined() || s.sectionIndex() >= ElfSymbol.SHN_LORESERVE
                    || s.name().isEmpty()) {
                continue;
            }
            String section = elf.sections().get(s.sectionIndex()).name();
            Long base = sections.get(section);
            Optional<Symbol> loaded = m.symbols().find(s.name());
            if (base == null || loaded.isEmpty()) {
                continue; // init code freed after loading, or a symbol kallsyms dropped
            }
            long expected = base + s.value();
            if (loaded.get().address() != expected) {
                throw new VmcoreException(ko + " does not match the loaded module " + m.name() + ": " + s.name()
                        + " is at 0x" + Long.toHexString(loaded.get().address()) + " in memory but would be at 0x"
                        + Long.toHexString(expected) + " from this file");
            }
            checked++;
        }
        if (checked == 0) {
            throw new VmcoreException(ko + ": none of its functions is among the loaded module " + m.name()
                    + "'s symbols; not the same module?");
        }
    }
}
