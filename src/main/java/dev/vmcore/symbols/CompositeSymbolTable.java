package dev.vmcore.symbols;

import dev.vmcore.util.Unsigned;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Several tables seen as one (the kernel image first, then modules). {@link #find} asks them in
 * order; {@link #containing} asks all of them and keeps the closest symbol at or below the address.
 */
public final class CompositeSymbolTable implements SymbolTable {
    private final List<SymbolTable> tables;

    public CompositeSymbolTable(List<? extends SymbolTable> tables) {
        this.tables = List.copyOf(tables);
    }

    public List<SymbolTable> tables() {
        return tables;
    }

    @Override
    public Optional<Symbol> find(String name) {
        for (SymbolTable t : tables) {
            Optional<Symbol> s = t.find(name);
            if (s.isPresent()) {
                return s;
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Symbol> findAll(String name) {
        List<Symbol> out = new ArrayList<>();
        for (SymbolTable t : tables) {
            out.addAll(t.findAll(name));
        }
        return out;
    }

    @Override
    public Optional<Symbol> containing(long address) {
        Symbol best = null;
        for (SymbolTable t : tables) {
            Optional<Symbol> s = t.containing(address);
            if (s.isPresent() && (best == null || Unsigned.lessThan(best.address(), s.get().address()))) {
                best = s.get();
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every table's symbols merged into address order (a copy). */
    @Override
    public List<Symbol> all() {
        List<Symbol> out = new ArrayList<>();
        for (SymbolTable t : tables) {
            out.addAll(t.all());
        }
        out.sort(Comparator.comparing(Symbol::address, Unsigned::compare));
        return out;
    }

    @Override
    public String source() {
        return tables.stream().map(SymbolTable::source).distinct().collect(Collectors.joining(" + "));
    }
}
