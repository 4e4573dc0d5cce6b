package dev.vmcore.symbols;

import java.nio.charset.StandardCharsets;

/**
 * The names of a {@link SortedSymbolTable}, by index: either decoded Strings, or offsets into a
 * string table kept as the file stores it (a vmlinux's 190,000 names are then never decoded, only
 * the few a session asks for). Hashes equal {@link String#hashCode()} of the decoded name, so the
 * name index finds either kind by a String.
 */
sealed interface SymbolNames permits SymbolNames.Decoded, SymbolNames.InTable {
    int size();

    /** The name (decoded on each call for names in a table). */
    String get(int i);

    /** {@code get(i).hashCode()}, without decoding. */
    int hash(int i);

    /** {@code get(i).equals(name)}, without decoding. */
    boolean is(int i, String name);

    /** {@code get(i).equals(get(j))}, without decoding. */
    boolean same(int i, int j);

    /** The names at {@code order[0..count)} (or the first {@code count} when order is null), in that order. */
    SymbolNames reordered(int[] order, int count);

    /** Names already decoded. */
    record Decoded(String[] names) implements SymbolNames {
        @Override
        public int size() {
            return names.length;
        }

        @Override
        public String get(int i) {
            return names[i];
        }

        @Override
        public int hash(int i) {
            return names[i].hashCode();
        }

        @Override
        public boolean is(int i, String name) {
            return names[i].equals(name);
        }

        @Override
        public boolean same(int i, int j) {
            return names[i].equals(names[j]);
        }

        @Override
        public SymbolNames reordered(int[] order, int count) {
            String[] n = new String[count];
            for (int i = 0; i < count; i++) {
                n[i] = names[order == null ? i : order[i]];
            }
            return new Decoded(n);
        }
    }

    /** NUL-terminated Latin-1 names at {@code offsets} in {@code strings} (an ELF string table). */
    record InTable(byte[] strings, int[] offsets) implements SymbolNames {
        @Override
        public int size() {
            return offsets.length;
        }

        private int end(int start) {
            int e = start;
            while (e < strings.length && strings[e] != 0) {
                e++;
            }
            return e;
        }

        @Override
        public String get(int i) {
            int start = offsets[i];
            return new String(strings, start, end(start) - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public int hash(int i) {
            int h = 0;
            for (int p = offsets[i]; p < strings.length && strings[p] != 0; p++) {
                h = 31 * h + (strings[p] & 0xff);
            }
            return h;
        }

        @Override
        public boolean is(int i, String name) {
            int p = offsets[i];
            int n = name.length();
            if (p + n >= strings.length) {
                return false;
            }
            for (int k = 0; k < n; k++) {
                if ((strings[p + k] & 0xff) != name.charAt(k)) {
                    return false;
                }
            }
            return strings[p + n] == 0;
        }

        @Override
        public boolean same(int i, int j) {
            int a = offsets[i];
            int b = offsets[j];
            if (a == b) {
                return true;
            }
            while (a < strings.length && b < strings.length) {
                if (strings[a] != strings[b]) {
                    return false;
                }
                if (strings[a] == 0) {
                    return true;
                }
                a++;
                b++;
            }
            return false;
        }

        @Override
        public SymbolNames reordered(int[] order, int count) {
            int[] o = new int[count];
            for (int i = 0; i < count; i++) {
                o[i] = offsets[order == null ? i : order[i]];
            }
            return new InTable(strings, o);
        }
    }
}
