package dev.vmcore.symbols;

import java.util.Optional;

/**
 * One symbol.
 *
 * @param name the symbol name
 * @param address its runtime address (KASLR applied)
 * @param size its size in bytes when known (ELF symtab, module symtab), else 0
 * @param type the nm-style type letter: T/t text, D/d data, B/b bss, R/r read-only, A absolute...
 * @param module the module it belongs to, empty for the kernel image
 */
public record Symbol(String name, long address, long size, char type, Optional<String> module) {
    public Symbol {
        module = module == null ? Optional.empty() : module;
    }

    /** A kernel-image symbol. */
    public static Symbol kernel(String name, long address, long size, char type) {
        return new Symbol(name, address, size, type, Optional.empty());
    }

    public boolean isText() {
        return type == 'T' || type == 't' || type == 'W' || type == 'w';
    }
}
