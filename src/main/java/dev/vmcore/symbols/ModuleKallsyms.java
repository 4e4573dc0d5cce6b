package dev.vmcore.symbols;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.VmcoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's loaded modules (the {@code modules} list of struct module) and each module's own
 * kallsyms (struct mod_kallsyms: an Elf64_Sym table, its string table and the type letters).
 * Where the members are comes in as a {@link Layout} value, learned by the caller from the
 * kernel's types, so this layer never needs them.
 */
public final class ModuleKallsyms {
    /** Bounds for hostile dumps: more modules or symbols than any real kernel loads. */
    private static final int MAX_MODULES = 10_000;
    private static final long MAX_SYMBOLS = 1_000_000;
    private static final int MAX_STRTAB = 16 << 20;
    private static final int ELF_SYM_SIZE = 24;
    private static final int MODULE_NAME_LEN = 56;

    private ModuleKallsyms() {
    }

    /**
     * One loaded module.
     *
     * @param name its name
     * @param struct the address of its struct module
     * @param base the start of its core text
     * @param size the size of its core text
     * @param symbols its kallsyms, each symbol tagged with the module name
     */
    public record LoadedModule(String name, long struct, long base, long size, SymbolTable symbols) {
    }

    /**
     * Offsets in struct module and struct mod_kallsyms.
     *
     * @param list struct module.list
     * @param name struct module.name (char[56])
     * @param base the core text base: mem[MOD_TEXT].base since 6.4, core_layout.base before
     * @param size the core text size (unsigned int)
     * @param kallsyms struct module.kallsyms (struct mod_kallsyms *)
     * @param symtab struct mod_kallsyms.symtab
     * @param numSymtab struct mod_kallsyms.num_symtab
     * @param strtab struct mod_kallsyms.strtab
     * @param typetab struct mod_kallsyms.typetab, or -1 on kernels without it
     */
    public record Layout(long list, long name, long base, long size, long kallsyms, long symtab, long numSymtab,
                         long strtab, long typetab) {
    }

    /** Reads the module list headed at {@code head} (the kernel's {@code modules}); one-line VmcoreException if corrupt. */
    public static List<LoadedModule> read(AddressSpace mem, long head, Layout l) {
        List<LoadedModule> result = new ArrayList<>();
        long next = mem.readLong(head);
        while (next != head) {
            if (result.size() >= MAX_MODULES) {
                throw new VmcoreException("modules: the module list at " + Long.toHexString(head)
                        + " does not end after " + MAX_MODULES + " entries (corrupt?)");
            }
            long struct = next - l.list();
            String name = new ByteCursor(mem.name(), mem.readBytes(struct + l.name(), MODULE_NAME_LEN), struct + l.name())
                    .fixedString(MODULE_NAME_LEN);
            long base = mem.readLong(struct + l.base());
            long size = mem.readInt(struct + l.size()) & 0xffffffffL;
            SymbolTable symbols = symbols(mem, name, mem.readLong(struct + l.kallsyms()), l);
            result.add(new LoadedModule(name, struct, base, size, symbols));
            next = mem.readLong(next);
        }
        return List.copyOf(result);
    }

    /** A module's kallsyms: defined, named symbols with their type letters (kernel/module/kallsyms.c). */
    private static SymbolTable symbols(AddressSpace mem, String module, long kallsyms, Layout ks) {
        SortedSymbolTable.Builder b = SortedSymbolTable.builder("module kallsyms", module);
        if (kallsyms == 0) {
            return b.build();
        }
        long symtab = mem.readLong(kallsyms + ks.symtab());
        long count = mem.readInt(kallsyms + ks.numSymtab()) & 0xffffffffL;
        long strtab = mem.readLong(kallsyms + ks.strtab());
        long typetab = ks.typetab() < 0 ? 0 : mem.readLong(kallsyms + ks.typetab());
        if (count > MAX_SYMBOLS) {
            throw new VmcoreException("modules: " + module + " claims " + count + " symbols (corrupt?)");
        }
        byte[] syms = mem.readBytes(symtab, (int) count * ELF_SYM_SIZE);
        byte[] types = typetab == 0 ? null : mem.readBytes(typetab, (int) count);
        long maxName = 0;
        for (int i = 0; i < count; i++) {
            maxName = Math.max(maxName, ByteCursor.getInt(syms, i * ELF_SYM_SIZE) & 0xffffffffL);
        }
        byte[] strings = mem.readBytes(strtab, (int) Math.min(MAX_STRTAB, maxName + 256));
        for (int i = 0; i < count; i++) {
            int at = i * ELF_SYM_SIZE;
            long nameOff = ByteCursor.getInt(syms, at) & 0xffffffffL;
            int shndx = (syms[at + 6] & 0xff) | (syms[at + 7] & 0xff) << 8;
            long value = ByteCursor.getLong(syms, at + 8);
            long size = ByteCursor.getLong(syms, at + 16);
            if (nameOff == 0 || nameOff >= strings.length || shndx == 0 || value == 0) {
                continue;
            }
            int end = (int) nameOff;
            while (end < strings.length && strings[end] != 0) {
                end++;
            }
            String name = new String(strings, (int) nameOff, end - (int) nameOff, StandardCharsets.ISO_8859_1);
            char type = types == null ? '?' : (char) (types[i] & 0xff);
            if (!name.isEmpty()) {
                b.add(name, value, size, type);
            }
        }
        return b.build();
    }
}
