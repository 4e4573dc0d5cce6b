package dev.vmcore.format.dwarf;

import java.util.Arrays;

/**
 * The storage of a {@link NameIndex}: names and their kept entries, in primitive arrays. A name is
 * a slot: where its bytes are (a section and offset, packed in a long) and their hash, in an
 * open-addressing table; a slot's entries form a list threaded through {@code entry}/{@code next}.
 * One thread fills a table; tables are then merged into one.
 */
final class NameTable {
    static final int DEBUG_STR = 0;
    static final int DEBUG_INFO = 1;
    static final int DEBUG_LINE_STR = 2;

    int[] buckets = new int[1 << 12]; // slot + 1, 0 = empty
    long[] nameRef = new long[1 << 11];
    int[] hash = new int[1 << 11];
    int[] head = new int[1 << 11]; // entry index + 1, 0 = none
    /** Per slot, a bit per (tag, declaration) whose kept entries no later DIE of this scan can displace. */
    int[] full = new int[1 << 11];
    /**
     * True while entries are offered in increasing offset order (one thread's scan): then once
     * a tag's kept entries are as many as are kept and all of the best rank, no later DIE can
     * displace them, and {@link #full} marks it so. A merge offers in any order: it clears the marks.
     */
    boolean monotonic = true;
    int slots;
    long[] entry = new long[1 << 11];
    int[] next = new int[1 << 11]; // entry index + 1
    int entries;

    private static Section section(Dwarf dwarf, long ref) {
        return switch ((int) (ref >>> 62)) {
            case DEBUG_STR -> dwarf.section(".debug_str");
            case DEBUG_INFO -> dwarf.info();
            default -> dwarf.section(".debug_line_str");
        };
    }

    /** The slot of the NUL-terminated name at {@code offset} of {@code s} (section id {@code kind}), made if new. */
    int slotFor(Dwarf dwarf, int kind, Section s, long offset) {
        int h = s.hashCString(offset);
        int mask = buckets.length - 1;
        for (int b = mix(h) & mask; ; b = (b + 1) & mask) {
            int slot = buckets[b] - 1;
            if (slot < 0) {
                return add(b, (long) kind << 62 | offset, h);
            }
            if (hash[slot] == h && s.cStringEquals(offset, section(dwarf, nameRef[slot]),
                    nameRef[slot] & Entry.OFFSET_MASK)) {
                return slot;
            }
        }
    }

    /** The slot of {@code name} (UTF-8), or -1. */
    int lookup(Dwarf dwarf, byte[] name) {
        int h = Section.hash(name);
        int mask = buckets.length - 1;
        for (int b = mix(h) & mask; ; b = (b + 1) & mask) {
            int slot = buckets[b] - 1;
            if (slot < 0) {
                return -1;
            }
            if (hash[slot] == h && section(dwarf, nameRef[slot]).cStringEquals(nameRef[slot] & Entry.OFFSET_MASK,
                    name)) {
                return slot;
            }
        }
    }

    private static int mix(int h) {
        return h ^ h >>> 16;
    }

    private int add(int bucket, long ref, int h) {
        if (slots == nameRef.length) {
            int n = slots * 2;
            nameRef = Arrays.copyOf(nameRef, n);
            hash = Arrays.copyOf(hash, n);
            head = Arrays.copyOf(head, n);
            full = Arrays.copyOf(full, n);
        }
        int slot = slots++;
        nameRef[slot] = ref;
        hash[slot] = h;
        buckets[bucket] = slot + 1;
        if (slots * 2 > buckets.length) {
            rehash();
        }
        return slot;
    }

    private void rehash() {
        int[] nb = new int[buckets.length * 2];
        int mask = nb.length - 1;
        for (int slot = 0; slot < slots; slot++) {
            int b = mix(hash[slot]) & mask;
            while (nb[b] != 0) {
                b = (b + 1) & mask;
            }
            nb[b] = slot + 1;
        }
        buckets = nb;
    }

    /**
     * Keeps entry {@code e} for {@code slot} if it is among the first declaration or the first
     * few definitions (by rank, then offset) of its tag; the result does not depend on the order
     * entries are offered in.
     */
    void offer(int slot, long e) {
        int tag = Entry.tag(e);
        boolean decl = Entry.declaration(e);
        int bit = 1 << (2 * tagIndex(tag) + (decl ? 1 : 0));
        if ((full[slot] & bit) != 0) {
            return;
        }
        int cap = decl ? 1 : NameIndex.definitionsKept(tag);
        int count = 0;
        int worst = -1;
        for (int i = head[slot] - 1; i >= 0; i = next[i] - 1) {
            long x = entry[i];
            if (Entry.tag(x) == tag && Entry.declaration(x) == decl) {
                count++;
                if (worst < 0 || x > entry[worst]) {
                    worst = i;
                }
            }
        }
        if (count < cap) {
            if (entries == entry.length) {
                entry = Arrays.copyOf(entry, entries * 2);
                next = Arrays.copyOf(next, entries * 2);
            }
            entry[entries] = e;
            next[entries] = head[slot];
            head[slot] = ++entries;
            if (monotonic && count + 1 == cap && e >>> 56 == (decl ? 4 : 0)
                    && (worst < 0 || entry[worst] >>> 56 == e >>> 56)) {
                full[slot] |= bit; // see monotonic
            }
        } else if (e < entry[worst]) {
            entry[worst] = e;
        }
    }

    private static int tagIndex(int tag) {
        return switch (tag) {
            case Dw.TAG_STRUCTURE_TYPE -> 0;
            case Dw.TAG_UNION_TYPE -> 1;
            case Dw.TAG_ENUMERATION_TYPE -> 2;
            case Dw.TAG_TYPEDEF -> 3;
            case Dw.TAG_BASE_TYPE -> 4;
            case Dw.TAG_VARIABLE -> 5;
            case Dw.TAG_SUBPROGRAM -> 6;
            default -> 7;
        };
    }

    /** Every slot and entry of {@code other} (built over the same sections). */
    void addAll(Dwarf dwarf, NameTable other) {
        monotonic = false;
        Arrays.fill(full, 0);
        for (int s = 0; s < other.slots; s++) {
            long ref = other.nameRef[s];
            int slot = slotFor(dwarf, (int) (ref >>> 62), section(dwarf, ref), ref & Entry.OFFSET_MASK);
            for (int i = other.head[s] - 1; i >= 0; i = other.next[i] - 1) {
                offer(slot, other.entry[i]);
            }
        }
    }

    /** The entries of {@code slot} with tag {@code tag} (any tag when negative). */
    long[] entriesOf(int slot, int tag) {
        long[] out = new long[8];
        int n = 0;
        for (int i = head[slot] - 1; i >= 0; i = next[i] - 1) {
            if (tag < 0 || Entry.tag(entry[i]) == tag) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = entry[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    void trim() {
        nameRef = Arrays.copyOf(nameRef, slots);
        hash = Arrays.copyOf(hash, slots);
        head = Arrays.copyOf(head, slots);
        full = null;
        entry = Arrays.copyOf(entry, entries);
        next = Arrays.copyOf(next, entries);
    }

    /**
     * An entry packed in a long: declaration bit (58), rank (56-57, 0 for the preferred
     * definitions, up to 2: see NameIndex's offer), tag (48-55), DIE offset (0-47). Among entries
     * of one tag the packed order is the preference order.
     */
    static final class Entry {
        static final long OFFSET_MASK = (1L << 48) - 1;

        private Entry() {
        }

        static long pack(long offset, int tag, int rank, boolean declaration) {
            return offset | (long) (tag & 0xff) << 48 | (long) rank << 56 | (declaration ? 1L << 58 : 0);
        }

        static long offset(long e) {
            return e & OFFSET_MASK;
        }

        static int tag(long e) {
            return (int) (e >>> 48) & 0xff;
        }

        static boolean declaration(long e) {
            return (e >>> 58 & 1) != 0;
        }

        /** The order {@link NameIndex#find(String)} returns entries in: declaration, rank, offset (not tag). */
        static long order(long e) {
            return (e >>> 56) << 48 | offset(e);
        }
    }

    /**
     * An open-addressing map from a .debug_str offset below 2^31 to a slot, each entry one long
     * (offset + 1 in the high half, slot in the low half; 0 = empty), so that the table of a
     * kernel's names stays small for the cache. Larger offsets are not kept ({@link #put} ignores them).
     */
    static final class LongIntMap {
        private long[] table = new long[1 << 12];
        private int size;

        /** The slot of {@code key}, or -1. */
        int get(long key) {
            if (key < 0 || key >= Integer.MAX_VALUE) {
                return -1;
            }
            long k = key + 1;
            int mask = table.length - 1;
            for (int b = spread(key) & mask; ; b = (b + 1) & mask) {
                long e = table[b];
                if (e == 0) {
                    return -1;
                }
                if (e >>> 32 == k) {
                    return (int) e;
                }
            }
        }

        void put(long key, int value) {
            if (key < 0 || key >= Integer.MAX_VALUE) {
                return;
            }
            if ((size + 1) * 2 > table.length) {
                grow();
            }
            long k = key + 1;
            int mask = table.length - 1;
            int b = spread(key) & mask;
            while (table[b] != 0 && table[b] >>> 32 != k) {
                b = (b + 1) & mask;
            }
            if (table[b] == 0) {
                size++;
            }
            table[b] = k << 32 | (value & 0xffffffffL);
        }

        private static int spread(long key) {
            return (int) (key * 0x9E3779B97F4A7C15L >>> 32);
        }

        private void grow() {
            long[] old = table;
            table = new long[old.length * 2];
            int mask = table.length - 1;
            for (long e : old) {
                if (e != 0) {
                    int b = spread((e >>> 32) - 1) & mask;
                    while (table[b] != 0) {
                        b = (b + 1) & mask;
                    }
                    table[b] = e;
                }
            }
        }
    }
}
