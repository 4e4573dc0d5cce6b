package dev.vmcore.symbols;

import java.util.List;
import java.util.Optional;

/** Symbols by name and by address. Addresses compare unsigned. */
public interface SymbolTable {
    /** The symbol with this exact name (the first, when several share it). */
    Optional<Symbol> find(String name);

    /** Every symbol with this exact name (static functions may repeat). */
    List<Symbol> findAll(String name);

    /**
     * The symbol an address falls in: the one with the highest address at or below it (and, when
     * the symbol's size is known, within it).
     */
    Optional<Symbol> containing(long address);

    /** All symbols in address order (unsigned). */
    List<Symbol> all();

    /** What the symbols come from, for sys / help -s: "kallsyms from dump", "vmlinux symtab". */
    String source();
}
