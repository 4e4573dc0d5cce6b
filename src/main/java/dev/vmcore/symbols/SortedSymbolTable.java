package dev.vmcore.symbols;

import dev.vmcore.util.Unsigned;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable symbol table: parallel arrays sorted by unsigned address, searched by binary
 * search, plus a name index. Symbols at the same address keep the order they were added in; the
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
    private final String[] names;
    /** Name to the index of its first symbol (address order); later ones chain through {@link #nextSameName}. */
    private final Map<String, Integer> byName;
    private final int[] nextSameName;

    private SortedSymbolTable(String source, String module, long[] addresses, long[] sizes, char[] types,
                              String[] names) {
        this.source = source;
        this.module = module;
        this.addresses = addresses;
        this.sizes = sizes;
        this.types = types;
        this.names = names;
        this.nextSameName = new int[names.length];
        this.byName = HashMap.newHashMap(names.length);
        int[] last = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            nextSameName[i] = -1;
            Integer first = byName.putIfAbsent(names[i], i);
            if (first != null) {
                nextSameName[last[first]] = i;
                last[first] = i;
            } else {
                last[i] = i;
            }
        }
    }

    /**
     * A builder for a table whose {@link #source()} is {@code source}.
     *
     * @param module the module every symbol belongs to, or null for the kernel image
     */
    public static Builder builder(String source, String module) {
        return new Builder(source, module);
    }

    /** Number of symbols. */
    public int size() {
        return names.length;
    }

    /** The symbol at {@code index} in address order. */
    public Symbol symbol(int index) {
        return new Symbol(names[index], addresses[index], sizes[index], types[index], Optional.ofNullable(module));
    }

    public String name(int index) {
        return names[index];
    }

    public long address(int index) {
        return addresses[index];
    }

    /**
     * The index of the symbol {@code address} falls in, or -1: the first of the symbols at the
     * highest address at or below {@code address} whose size is unknown (0) or covers it.
     */
    public int indexContaining(long address) {
        int hi = lastAtOrBelow(address);
        if (hi < 0) {
            return -1;
        }
        long start = addresses[hi];
        int lo = hi;
        while (lo > 0 && addresses[lo - 1] == start) {
            lo--;
        }
        int unsized = -1;
        for (int i = lo; i <= hi; i++) {
            if (sizes[i] == 0) {
                unsized = unsized < 0 ? i : unsized;
            } else if (Unsigned.inRange(address, start, sizes[i])) {
                return i;
            }
        }
        return unsized;
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

    @Override
    public Optional<Symbol> find(String name) {
        Integer i = byName.get(name);
        return i == null ? Optional.empty() : Optional.of(symbol(i));
    }

    @Override
    public List<Symbol> findAll(String name) {
        Integer first = byName.get(name);
        if (first == null) {
            return List.of();
        }
        List<Symbol> out = new ArrayList<>(1);
        for (int i = first; i >= 0; i = nextSameName[i]) {
            out.add(symbol(i));
        }
        return out;
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
                return names.length;
            }
        };
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "SortedSymbolTable[" + source + ", " + names.length + " symbols]";
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
            int[] order = sortedOrder(addresses, count);
            long[] a = new long[count];
            long[] s = new long[count];
            char[] t = new char[count];
            String[] n = new String[count];
            for (int i = 0; i < count; i++) {
                int k = order == null ? i : order[i];
                a[i] = addresses[k];
                s[i] = sizes[k];
                t[i] = types[k];
                n[i] = names[k];
            }
            return new SortedSymbolTable(source, module, a, s, t, n);
        }

        /** A stable permutation sorting {@code keys[0..n)} unsigned, or null when already sorted. */
        private static int[] sortedOrder(long[] keys, int n) {
            boolean sorted = true;
            for (int i = 1; i < n && sorted; i++) {
                sorted = Unsigned.lessOrEqual(keys[i - 1], keys[i]);
            }
            if (sorted) {
                return null;
            }
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            int[] tmp = new int[n];
            for (int width = 1; width < n; width *= 2) {
                for (int lo = 0; lo < n - width; lo += 2 * width) {
                    merge(keys, idx, tmp, lo, lo + width, Math.min(lo + 2 * width, n));
                }
            }
            return idx;
        }

        private static void merge(long[] keys, int[] idx, int[] tmp, int lo, int mid, int hi) {
            if (Unsigned.lessOrEqual(keys[idx[mid - 1]], keys[idx[mid]])) {
                return;
            }
            System.arraycopy(idx, lo, tmp, lo, hi - lo);
            int i = lo;
            int j = mid;
            for (int k = lo; k < hi; k++) {
                if (j >= hi || (i < mid && Unsigned.lessOrEqual(keys[tmp[i]], keys[tmp[j]]))) {
                    idx[k] = tmp[i++];
                } else {
                    idx[k] = tmp[j++];
                }
            }
        }
    }
}
