package dev.vmcore.program;

import dev.vmcore.symbols.CompositeSymbolTable;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The kernel's symbols first, the modules' only when needed: reading the module list costs the
 * kernel's types (BTF), which a lookup the kernel image answers should not pay for.
 */
final class LayeredSymbols implements SymbolTable {
    private final SymbolTable kernel;
    private final Supplier<SymbolTable> withModules;

    /**
     * @param modules the module tables; when they cannot be read, lookups keep to the kernel's
     */
    LayeredSymbols(SymbolTable kernel, Supplier<List<SymbolTable>> modules) {
        this.kernel = kernel;
        this.withModules = dev.vmcore.util.Lazy.of(() -> {
            List<SymbolTable> tables = new ArrayList<>();
            tables.add(kernel);
            try {
                tables.addAll(modules.get());
            } catch (VmcoreException e) {
                return kernel;
            }
            return new CompositeSymbolTable(tables);
        });
    }

    @Override
    public Optional<Symbol> find(String name) {
        Optional<Symbol> s = kernel.find(name);
        return s.isPresent() ? s : withModules.get().find(name);
    }

    @Override
    public List<Symbol> findAll(String name) {
        List<Symbol> found = kernel.findAll(name);
        return found.isEmpty() ? withModules.get().findAll(name) : found;
    }

    @Override
    public Optional<Symbol> containing(long address) {
        Optional<Symbol> s = kernel.containing(address);
        return s.isPresent() ? s : withModules.get().containing(address);
    }

    @Override
    public List<Symbol> all() {
        return withModules.get().all();
    }

    @Override
    public String source() {
        return kernel.source();
    }
}
