package dev.vmcore.program;

import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.types.DwarfTypeSource;
import dev.vmcore.types.TypeSource;

/**
 * The vmlinux's DWARF: source lines and inline chains for kernel text, and the types and global
 * variables BTF does not describe. Opening it reads only section headers; the name index is built
 * on the first lookup by name, the line table of a unit on the first address in it.
 *
 * @param dwarf the DWARF, at link-time addresses (subtract the KASLR offset from runtime ones)
 * @param types its types and variables
 */
record KernelDwarf(Dwarf dwarf, TypeSource types) {
    static final String DESCRIPTION = "DWARF from vmlinux";

    /** True when {@code vmlinux} has DWARF. */
    static boolean present(ElfSymbols vmlinux) {
        return vmlinux.section(".debug_info").isPresent();
    }

    static KernelDwarf open(ElfSymbols vmlinux) {
        Dwarf dwarf = Dwarf.open(name -> vmlinux.sectionBuffer(name));
        return new KernelDwarf(dwarf, new DwarfTypeSource(dwarf, DESCRIPTION));
    }
}
