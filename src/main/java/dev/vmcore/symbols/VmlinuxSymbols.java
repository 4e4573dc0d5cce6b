package dev.vmcore.symbols;

import dev.vmcore.format.elf.ElfSection;
import dev.vmcore.format.elf.ElfSymbol;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.format.elf.Symtab;
import dev.vmcore.util.Unsigned;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel image's symbols from a vmlinux ELF symbol table, moved to their runtime addresses.
 *
 * <p>Kept: defined functions, objects and labels with a name. Left out, as kallsyms leaves them out:
 * section and file symbols, undefined ones, and absolute ones (assembler constants such as
 * {@code L4_PAGE_OFFSET}, which would otherwise shadow real symbols at small addresses).
 *
 * <p>KASLR moves everything linked at a kernel address by the same offset (VMCOREINFO
 * {@code KERNELOFFSET}); symbols of sections linked at 0 (x86-64's zero-based
 * {@code .data..percpu}) are per-CPU offsets and stay as they are, as in kallsyms.
 * Symbols of non-allocated sections are not moved either.
 */
public final class VmlinuxSymbols {
    /** What {@link SymbolTable#source()} says for tables read here. */
    public static final String SOURCE = "vmlinux symtab";

    private VmlinuxSymbols() {
    }

    /** Reads {@code vmlinux}'s symbol table; addresses shifted by {@code kaslrOffset} (0 when none). */
    public static SortedSymbolTable load(Path vmlinux, long kaslrOffset) {
        try (ElfSymbols elf = ElfSymbols.open(vmlinux)) {
            return fromElf(elf, kaslrOffset);
        }
    }

    /**
     * Like {@link #load}, for a file already open (to also check its build id or banner). The names
     * stay in the file's string table: a vmlinux has about 190,000 and a session looks up a few.
     */
    public static SortedSymbolTable fromElf(ElfSymbols elf, long kaslrOffset) {
        List<ElfSection> sections = elf.sections();
        ElfSection[] byIndex = sections.toArray(ElfSection[]::new);
        Optional<Symtab> table = elf.symtab();
        if (table.isEmpty()) {
            return SortedSymbolTable.builder(SOURCE, null).build();
        }
        Symtab t = table.get();
        int n = t.count();
        long[] addresses = new long[n];
        long[] sizes = new long[n];
        char[] types = new char[n];
        int[] names = new int[n];
        int count = 0;
        for (int i = 1; i < n; i++) {
            int shndx = t.sectionIndex(i);
            if (shndx == ElfSymbol.SHN_UNDEF || t.isDebugging(i) || shndx == ElfSymbol.SHN_ABS || t.nameEmpty(i)
                    || shndx < 0 || shndx >= byIndex.length) {
                continue;
            }
            long value = t.value(i);
            addresses[count] = relocated(byIndex[shndx], value) ? value + kaslrOffset : value;
            sizes[count] = t.size(i);
            types[count] = t.nmType(i);
            names[count] = t.nameOffset(i);
            count++;
        }
        return SortedSymbolTable.ofStringTable(SOURCE, addresses, sizes, types, t.strings(), names, count);
    }

    /**
     * True unless the symbol is an offset into a section linked at 0 (x86-64's per-CPU area).
     * Markers such as {@code __per_cpu_load} and {@code __init_begin} belong to that section but
     * hold kernel addresses; they move with the rest.
     */
    private static boolean relocated(ElfSection section, long value) {
        if (!section.isAlloc()) {
            return false;
        }
        return section.addr() != 0 || Unsigned.lessThan(section.size(), value);
    }
}
