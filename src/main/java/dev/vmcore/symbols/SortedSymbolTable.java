package dev.vmcore.symbols;

import dev.vmcore.util.Unsigned;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An immutable symbol table: parallel arrays sorted by unsigned address, searched by binary
 * search, plus a name index built on the first lookup by name. Symbols at the same address keep the order they were added in; the
 * first of them is the one {@link #containing} reports, as the kernel's own kallsyms lookup does.
 *
 * <p>Build one with {@link #builder}. Lookups allocate only the {@link Symbol} they return.
 */
public final class SortedSymbolTable implements SymbolTable {
    private final String source;
    private final String module;
    private final long[] addresses;
    private final long[] sizes;
    private final char[] types;
    private final SymbolNames names;
    /** Built on the first lookup by name, so a table that is only searched by address never pays for it. */
    private volatile NameIndex byName;

    private SortedSymbolTable(String source, String module, long[] addresses, long[] sizes, char[] types,
                              SymbolNames names) {
        this.source = source;
        this.module = module;
        this.addresses = addresses;
        this.sizes = sizes;
        this.types = types;
        this.names = names;
    }

    /**
     * A builder for a table whose {@link #source()} is {@code source}.
     *
     * @param module the module every symbol belongs to, or null for the kernel image
     */
    public static Builder builder(String source, String module) {
        return new Builder(source, module);
    }

    /**
     * A table over the first {@code count} entries of parallel arrays. Arrays already in address
     * order and of exactly that length are taken over without a copy (the caller must not change
     * them); others are copied in address order. For readers that fill arrays themselves.
     */
    static SortedSymbolTable of(String source, String module, long[] addresses, long[] sizes, char[] types,
                                String[] names, int count) {
        return of(source, module, addresses, sizes, types, new SymbolNames.Decoded(names), count);
    }

    /**
     * Like {@link #of(String, String, long[], long[], char[], String[], int)}, with names left in
     * their string table ({@code strings}, NUL-terminated Latin-1 at {@code nameOffsets}): a large
     * table (a vmlinux's) then never decodes the names it is not asked for.
     */
    public static SortedSymbolTable ofStringTable(String source, long[] addresses, long[] sizes, char[] types,
                                                  byte[] strings, int[] nameOffsets, int count) {
        return of(source, null, addresses, sizes, types, new SymbolNames.InTable(strings, nameOffsets), count);
    }

    private static SortedSymbolTable of(String source, String module, long[] addresses, long[] sizes, char[] types,
                                        SymbolNames names, int count) {
        int[] order = Unsigned.sortedOrder(addresses, count);
        if (order == null && addresses.length == count && sizes.length == count && types.length == count
                && names.size() == count) {
            return new SortedSymbolTable(source, module, addresses, sizes, types, names);
        }
        long[] a = new long[count];
        long[] s = new long[count];
        char[] t = new char[count];
        for (int i = 0; i < count; i++) {
            int k = order == null ? i : order[i];
            a[i] = addresses[k];
            s[i] = sizes[k];
            t[i] = types[k];
        }
        return new SortedSymbolTable(source, module, a, s, t, names.reordered(order, count));
    }

    /** Number of symbols. */
    public int size() {
        return names.size();
    }

    /** The symbol at {@code index} in address order. */
    public Symbol symbol(int index) {
        return new Symbol(names.get(index), addresses[index], sizes[index], types[index], Optional.ofNullable(module));
    }

    public String name(int index) {
        return names.get(index);
    }

    public long address(int index) {
        return addresses[index];
    }

    /**
     * The index of the symbol {@code address} falls in, or -1: the first of the symbols at the
     * highest address at or below {@code address}, preferring one whose size covers it. Past the
     * last symbol nothing matches.
     */
    public int indexContaining(long address) {
        int hi = lastAtOrBelow(address);
        if (hi < 0) {
            return -1;
        }
        long start = addresses[hi];
        if ((start ^ address) < 0) {
            return -1; // a per-CPU offset or other low-half symbol never contains a kernel address
        }
        int lo = hi;
        while (lo > 0 && addresses[lo - 1] == start) {
            lo--;
        }
        int unsized = -1;
        int sized = -1;
        for (int i = lo; i <= hi; i++) {
            if (sizes[i] == 0) {
                unsized = preferred(unsized, i);
            } else if (Unsigned.inRange(address, start, sizes[i])) {
                sized = preferred(sized, i);
            }
        }
        if (sized >= 0) {
            return sized;
        }
        // The last symbol (kallsyms' _end and the like) ends the table: past it (or past its size)
        // nothing resolves, so module and vmalloc addresses above the image never name it.
        if (hi == addresses.length - 1 && address != start && (sizes[hi] == 0 || !Unsigned.inRange(address, start, sizes[hi]))) {
            return -1;
        }
        if (unsized >= 0) {
            return unsized;
        }
        // Inside the kernel, an address in the padding after a sized symbol is still named after
        // it, as crash and the kernel's own %pS do.
        int any = -1;
        for (int i = lo; i <= hi; i++) {
            any = preferred(any, i);
        }
        return any;
    }

    /**
     * Of two aliases at one address, the one to name it by, whatever order the source listed them
     * in: a global symbol before a weak one before a local one, then the shorter, then the
     * alphabetically first name (so kallsyms and the vmlinux symtab agree). A module's table keeps
     * the order of the module's own symtab instead: its first alias wins, as in the kernel's
     * find_kallsyms_symbol (so a module's init function is named as the oops names it, not by its
     * {@code init_module} alias).
     */
    private int preferred(int current, int candidate) {
        if (current < 0) {
            return candidate;
        }
        if (module != null) {
            return Math.min(current, candidate);
        }
        int byRank = Integer.compare(rank(types[candidate]), rank(types[current]));
        if (byRank != 0) {
            return byRank < 0 ? candidate : current;
        }
        String c = names.get(candidate);
        String k = names.get(current);
        int byLength = Integer.compare(c.length(), k.length());
        if (byLength != 0) {
            return byLength < 0 ? candidate : current;
        }
        return c.compareTo(k) < 0 ? candidate : current;
    }

    private static int rank(char type) {
        if (type == 'W' || type == 'w' || type == 'V' || type == 'v') {
            return 1;
        }
        return Character.isUpperCase(type) ? 0 : 2;
    }

    /** Index of the last symbol whose address is at or below {@code address} (unsigned), or -1. */
    private int lastAtOrBelow(long address) {
        int lo = 0;
        int hi = addresses.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Unsigned.lessOrEqual(addresses[mid], address)) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return lo - 1;
    }

    /** The index of the first symbol (in address order) named {@code name}, or -1. */
    public int indexOf(String name) {
        return names().first(name);
    }

    @Override
    public Optional<Symbol> find(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(symbol(i));
    }

    @Override
    public List<Symbol> findAll(String name) {
        NameIndex index = names();
        List<Symbol> out = new ArrayList<>(1);
        for (int i = index.first(name); i >= 0; i = index.next[i]) {
            out.add(symbol(i));
        }
        return out;
    }

    private NameIndex names() {
        NameIndex index = byName;
        if (index == null) {
            synchronized (this) {
                index = byName;
                if (index == null) {
                    index = new NameIndex(names);
                    byName = index;
                }
            }
        }
        return index;
    }

    @Override
    public Optional<Symbol> containing(long address) {
        int i = indexContaining(address);
        return i < 0 ? Optional.empty() : Optional.of(symbol(i));
    }

    /** A view in address order; each element is made when it is read. */
    @Override
    public List<Symbol> all() {
        return new AbstractList<>() {
            @Override
            public Symbol get(int index) {
                return symbol(index);
            }

            @Override
            public int size() {
                return names.size();
            }
        };
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "SortedSymbolTable[" + source + ", " + names.size() + " symbols]";
    }

    /**
     * Names to symbol indexes: an open-addressing hash table of first indexes (no boxing, no
     * per-entry objects), symbols sharing a name chained in address order through {@link #next}.
     */
    private static final class NameIndex {
        private final SymbolNames names;
        private final int[] slots;
        final int[] next;

        NameIndex(SymbolNames names) {
            this.names = names;
            int n = names.size();
            int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
            this.slots = new int[cap];
            this.next = new int[n];
            int[] last = new int[n];
            int mask = cap - 1;
            for (int i = 0; i < n; i++) {
                next[i] = -1;
                int h = spread(names.hash(i)) & mask;
                while (true) {
                    int first = slots[h] - 1;
                    if (first < 0) {
                        slots[h] = i + 1;
                        last[i] = i;
                        break;
                    }
                    if (names.same(first, i)) {
                        next[last[first]] = i;
                        last[first] = i;
                        break;
                    }
                    h = (h + 1) & mask;
                }
            }
        }

        int first(String name) {
            int mask = slots.length - 1;
            int h = spread(name.hashCode()) & mask;
            while (true) {
                int first = slots[h] - 1;
                if (first < 0 || names.is(first, name)) {
                    return first;
                }
                h = (h + 1) & mask;
            }
        }

        private static int spread(int h) {
            return h ^ (h >>> 16) ^ (h >>> 7);
        }
    }

    /** Collects symbols in any order; {@link #build} sorts them (stably) by unsigned address. */
    public static final class Builder {
        private final String source;
        private final String module;
        private long[] addresses = new long[1024];
        private long[] sizes = new long[1024];
        private char[] types = new char[1024];
        private String[] names = new String[1024];
        private int count;

        private Builder(String source, String module) {
            this.source = source;
            this.module = module;
        }

        public Builder add(String name, long address, long size, char type) {
            if (count == names.length) {
                int n = count * 2;
                addresses = Arrays.copyOf(addresses, n);
                sizes = Arrays.copyOf(sizes, n);
                types = Arrays.copyOf(types, n);
                names = Arrays.copyOf(names, n);
            }
            addresses[count] = address;
            sizes[count] = size;
            types[count] = type;
            names[count] = name;
            count++;
            return this;
        }

        public Builder add(Symbol s) {
            return add(s.name(), s.address(), s.size(), s.type());
        }

        public int count() {
            return count;
        }

        public SortedSymbolTable build() {
            return of(source, module, addresses, sizes, types, names, count);
        }
    }
}
