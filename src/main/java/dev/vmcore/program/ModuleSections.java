package dev.vmcore.program;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a loaded module's ELF sections sit in kernel memory, from its {@code struct module}'s
 * {@code sect_attrs} (the table behind /sys/module/NAME/sections/): one entry per allocated section,
 * each a {@code struct module_sect_attr} whose {@code battr.attr.name} names the section and whose
 * {@code address} is where the loader put it. This is what relocates a .ko's DWARF; the .ko's own
 * section addresses (non-zero after {@code ld -r} on some builds) do not count.
 */
final class ModuleSections {
    /** A module has a few dozen sections; more means a corrupt table. */
    private static final int MAX_SECTIONS = 512;
    private static final int MAX_NAME = 128;

    private ModuleSections() {
    }

    /** Section name to address; empty when the kernel's types do not describe sect_attrs or it is NULL. */
    static Map<String, Long> read(AddressSpace mem, TypeSource kernelTypes, long moduleStruct) {
        Optional<Type> module = kernelTypes.findType("struct module");
        Optional<Type> attrs = kernelTypes.findType("struct module_sect_attrs");
        Optional<Type> attr = kernelTypes.findType("struct module_sect_attr");
        if (module.isEmpty() || attrs.isEmpty() || attr.isEmpty()) {
            return Map.of();
        }
        Optional<Long> sectAttrs = Types.offsetOf(module.get(), "sect_attrs");
        Optional<Long> nsections = Types.offsetOf(attrs.get(), "nsections");
        Optional<Long> table = Types.offsetOf(attrs.get(), "attrs");
        Optional<Long> name = Types.offsetOf(attr.get(), "battr.attr.name");
        Optional<Long> address = Types.offsetOf(attr.get(), "address");
        if (sectAttrs.isEmpty() || nsections.isEmpty() || table.isEmpty() || name.isEmpty() || address.isEmpty()) {
            return Map.of();
        }
        long at = mem.readLong(moduleStruct + sectAttrs.get());
        if (at == 0) {
            return Map.of();
        }
        long count = mem.readInt(at + nsections.get()) & 0xffffffffL;
        if (count > MAX_SECTIONS) {
            throw new dev.vmcore.util.VmcoreException("modules: struct module_sect_attrs at " + Long.toHexString(at)
                    + " claims " + count + " sections (corrupt?)");
        }
        long stride = attr.get().size();
        Map<String, Long> out = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            long entry = at + table.get() + i * stride;
            long namePtr = mem.readLong(entry + name.get());
            out.putIfAbsent(mem.readCString(namePtr, MAX_NAME), mem.readLong(entry + address.get()));
        }
        return out;
    }
}
