package dev.vmcore.program;

import dev.vmcore.symbols.ModuleKallsyms;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.util.Optional;

/**
 * Where struct module keeps what the module reader needs, from the kernel's types: both layouts,
 * {@code mem[MOD_TEXT]} since Linux 6.4 (struct module_memory replaced module_layout; MOD_TEXT is
 * element 0) and {@code core_layout} before, probed by member name.
 */
final class ModuleLayouts {
    private ModuleLayouts() {
    }

    static ModuleKallsyms.Layout from(TypeSource types) {
        Type module = type(types, "struct module");
        Optional<Long> mem = Types.offsetOf(module, "mem");
        long base;
        long size;
        if (mem.isPresent()) {
            Type moduleMemory = type(types, "struct module_memory");
            base = mem.get() + offset(moduleMemory, "base");
            size = mem.get() + offset(moduleMemory, "size");
        } else {
            base = offset(module, "core_layout.base");
            size = offset(module, "core_layout.size");
        }
        Type kallsyms = type(types, "struct mod_kallsyms");
        return new ModuleKallsyms.Layout(offset(module, "list"), offset(module, "name"), base, size,
                offset(module, "kallsyms"), offset(kallsyms, "symtab"), offset(kallsyms, "num_symtab"),
                offset(kallsyms, "strtab"), Types.offsetOf(kallsyms, "typetab").orElse(-1L));
    }

    /** Memory types of a module that stay after init: MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT. */
    private static final int CORE_MEMORY_TYPES = 4;

    /**
     * What crash shows as a module's SIZE: since 6.4 the sizes of its four core memory areas
     * ({@code mem[MOD_TEXT..MOD_RO_AFTER_INIT]}) added up, before that {@code core_layout.size}.
     */
    static long coreSize(TypeSource types, dev.vmcore.memory.AddressSpace memory, long moduleStruct) {
        Type module = type(types, "struct module");
        Optional<Long> mem = Types.offsetOf(module, "mem");
        if (mem.isEmpty()) {
            return memory.readInt(moduleStruct + offset(module, "core_layout.size")) & 0xffffffffL;
        }
        Type moduleMemory = type(types, "struct module_memory");
        long size = offset(moduleMemory, "size");
        long total = 0;
        for (int i = 0; i < CORE_MEMORY_TYPES; i++) {
            total += memory.readInt(moduleStruct + mem.get() + i * moduleMemory.size() + size) & 0xffffffffL;
        }
        return total;
    }

    private static Type type(TypeSource types, String name) {
        return types.findType(name).orElseThrow(() -> new VmcoreException("modules: no type information for " + name));
    }

    private static long offset(Type t, String path) {
        return Types.offsetOf(t, path).orElseThrow(() -> new VmcoreException("modules: no member " + path + " in " + t));
    }
}
