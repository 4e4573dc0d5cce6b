package dev.vmcore.format.dwarf;

import dev.vmcore.util.FormatException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Name to DIE index over the top-level DIEs of every unit: structure, union, class and enumeration
 * types, typedefs, base types, variables and subprograms. Built with one thread per core, each
 * taking units in turn; the DIEs are skipped form by form (or by DW_AT_sibling) without being
 * materialized. An entry is a packed long: DIE offset (48 bits), tag (8), declaration flag (1).
 */
public final class NameIndex {
    private static final long OFFSET_MASK = (1L << 48) - 1;

    private final Dwarf dwarf;
    private final Map<String, long[]> byName;
    private final int entries;

    private NameIndex(Dwarf dwarf, Map<String, long[]> byName, int entries) {
        this.dwarf = dwarf;
        this.byName = byName;
        this.entries = entries;
    }

    static boolean indexed(int tag) {
        return switch (tag) {
            case Dw.TAG_STRUCTURE_TYPE, Dw.TAG_UNION_TYPE, Dw.TAG_ENUMERATION_TYPE, Dw.TAG_TYPEDEF, Dw.TAG_BASE_TYPE,
                 Dw.TAG_VARIABLE, Dw.TAG_SUBPROGRAM, 0x02 /* class_type */ -> true;
            default -> false;
        };
    }

    /** Every entry named {@code name}, definitions and declarations, in .debug_info order. */
    public List<IndexEntry> find(String name) {
        long[] packed = byName.get(name);
        if (packed == null) {
            return List.of();
        }
        long[] sorted = packed.clone();
        Arrays.sort(sorted);
        List<IndexEntry> out = new ArrayList<>(sorted.length);
        for (long p : sorted) {
            long off = p & OFFSET_MASK;
            out.add(new IndexEntry(name, (int) (p >>> 48) & 0xff, dwarf.unitContaining(off).offset(), off,
                    (p >>> 56 & 1) != 0));
        }
        out.sort((a, b) -> Long.compare(a.dieOffset(), b.dieOffset()));
        return out;
    }

    /** The entries named {@code name} with tag {@code tag}. */
    public List<IndexEntry> find(String name, int tag) {
        return find(name).stream().filter(e -> e.tag() == tag).toList();
    }

    /** Number of distinct names. */
    public int names() {
        return byName.size();
    }

    /** Number of entries. */
    public int size() {
        return entries;
    }

    static NameIndex build(Dwarf dwarf) {
        Unit[] units = dwarf.unitArray();
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), units.length));
        AtomicInteger next = new AtomicInteger();
        List<Map<String, LongList>> parts = new ArrayList<>();
        if (threads == 1) {
            parts.add(work(dwarf, units, next));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "dwarf-index");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Map<String, LongList>>> fs = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    fs.add(pool.submit(() -> work(dwarf, units, next)));
                }
                for (Future<Map<String, LongList>> f : fs) {
                    parts.add(get(f));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        Map<String, LongList> merged = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            for (Map.Entry<String, LongList> e : parts.get(i).entrySet()) {
                merged.merge(e.getKey(), e.getValue(), LongList::addAll);
            }
        }
        Map<String, long[]> byName = new HashMap<>(merged.size() * 4 / 3 + 1);
        int count = 0;
        for (Map.Entry<String, LongList> e : merged.entrySet()) {
            byName.put(e.getKey(), e.getValue().toArray());
            count += e.getValue().size;
        }
        return new NameIndex(dwarf, byName, count);
    }

    private static Map<String, LongList> get(Future<Map<String, LongList>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the DWARF index", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static Map<String, LongList> work(Dwarf dwarf, Unit[] units, AtomicInteger next) {
        Map<String, LongList> out = new HashMap<>();
        Map<Long, String> strCache = new HashMap<>();
        int i;
        while ((i = next.getAndIncrement()) < units.length) {
            indexUnit(dwarf, units[i], out, strCache);
        }
        return out;
    }

    private static void indexUnit(Dwarf dwarf, Unit u, Map<String, LongList> out, Map<Long, String> strCache) {
        Section info = dwarf.info();
        Section str = dwarf.section(".debug_str");
        AbbrevTable table = u.abbrevs();
        Reader r = new Reader(info, u.firstDieOffset(), u.end());
        Abbrev root = abbrev(table, r, info);
        if (root == null) {
            return;
        }
        for (int form : root.forms()) {
            Forms.skip(r, u, form);
        }
        if (!root.hasChildren()) {
            return;
        }
        while (!r.atEnd()) {
            long dieAt = r.pos;
            Abbrev a = abbrev(table, r, info);
            if (a == null) {
                return;
            }
            boolean want = indexed(a.tag());
            int nameForm = 0;
            long nameValue = 0;
            boolean declaration = false;
            long sibling = -1;
            int[] forms = a.forms();
            int[] attrs = a.attrs();
            for (int k = 0; k < forms.length; k++) {
                int at = attrs[k];
                int form = forms[k];
                if (form == Dw.FORM_INDIRECT) {
                    form = Forms.indirectForm(r);
                }
                if (want && (at == Dw.AT_NAME || at == Dw.AT_DECLARATION)
                        || at == Dw.AT_SIBLING && form != Dw.FORM_REF_ADDR) {
                    long v = Forms.read(r, u, form, a.implicitConsts() != null ? a.implicitConsts()[k] : 0);
                    if (at == Dw.AT_NAME) {
                        nameForm = form;
                        nameValue = v;
                    } else if (at == Dw.AT_DECLARATION) {
                        declaration = v != 0;
                    } else {
                        sibling = u.offset() + v;
                    }
                } else {
                    Forms.skip(r, u, form);
                }
            }
            if (want && nameForm != 0) {
                String name;
                if (nameForm == Dw.FORM_STRP) {
                    name = strCache.get(nameValue);
                    if (name == null) {
                        name = str.cString(nameValue);
                        strCache.put(nameValue, name);
                    }
                } else {
                    name = dwarf.resolveString(u, nameForm, nameValue);
                }
                if (name != null) {
                    if (dieAt > OFFSET_MASK) {
                        throw info.fault(dieAt, "DIE offset too large to index");
                    }
                    long packed = dieAt | (long) (a.tag() & 0xff) << 48 | (declaration ? 1L << 56 : 0);
                    out.computeIfAbsent(name, n -> new LongList()).add(packed);
                }
            }
            if (a.hasChildren()) {
                r.pos = sibling > dieAt && sibling <= u.end() ? sibling : dwarf.skipSubtree(u, r.pos);
            }
        }
    }

    /** The abbreviation of the DIE at the reader, or null for a null entry. */
    private static Abbrev abbrev(AbbrevTable table, Reader r, Section info) {
        long at = r.pos;
        long code = r.uleb();
        if (code == 0) {
            return null;
        }
        Abbrev a = table.get(code);
        if (a == null) {
            throw new FormatException(info.name, at, "abbreviation code " + Long.toUnsignedString(code)
                    + " is not in the unit's table");
        }
        return a;
    }

    /** A growable long array. */
    private static final class LongList {
        long[] a = new long[2];
        int size;

        void add(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        LongList addAll(LongList o) {
            for (int i = 0; i < o.size; i++) {
                add(o.a[i]);
            }
            return this;
        }

        long[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
