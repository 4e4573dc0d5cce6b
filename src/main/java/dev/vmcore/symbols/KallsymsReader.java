package dev.vmcore.symbols;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.FormatException;
import dev.vmcore.util.Unsigned;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the kernel's own symbol table (kallsyms) from kernel memory. Mirrors
 * {@code kernel/kallsyms.c} ({@code kallsyms_expand_symbol}, {@code kallsyms_sym_address}) and the
 * tables {@code scripts/kallsyms.c} writes; drgn's {@code libdrgn/kallsyms.c} and makedumpfile's
 * {@code kallsyms.c} read them the same way.
 *
 * <p>The tables are read with a few large reads. Every count and length is bounded, so corrupt
 * tables end in a {@link FormatException} naming the address (or a {@link MemoryFault} when they
 * point at memory the dump lacks), never in a hang or an OutOfMemoryError.
 */
public final class KallsymsReader {
    /** What {@link SymbolTable#source()} says for tables read here. */
    public static final String SOURCE = "kallsyms from dump";
    /** More symbols than any kernel has (a large distro kernel has about 200,000). */
    static final int MAX_SYMS = 2_000_000;
    /** Longest expanded name accepted, type letter included (KSYM_NAME_LEN is 512 since Linux 6.1). */
    static final int MAX_NAME = 1024;
    /** Upper bound on the compressed names table. */
    static final int MAX_NAMES_BYTES = 64 << 20;
    /** Upper bound on the token table (256 short strings). */
    static final int MAX_TOKEN_TABLE_BYTES = 1 << 16;

    /** How {@code kallsyms_sym_address()} turns the address table into addresses. */
    public enum Encoding {
        /** {@code unsigned long kallsyms_addresses[]} (no KALLSYMS_BASE_RELATIVE; until Linux 6.11). */
        ABSOLUTE,
        /** {@code kallsyms_relative_base + (u32) kallsyms_offsets[i]} (Linux 4.6 until 7.0). */
        BASE_RELATIVE,
        /** Non-negative offset = absolute address, negative = {@code relative_base - 1 - offset} (x86-64 until 6.15). */
        ABSOLUTE_PERCPU,
        /** {@code (unsigned long) &kallsyms_offsets[i] + kallsyms_offsets[i]} (Linux 7.0+, commit a081b5789255d). */
        PLACE_RELATIVE
    }

    /** A decoded kallsyms table and the address encoding that matched {@code _stext}. */
    public record Result(SortedSymbolTable table, Encoding encoding) {
    }

    private final AddressSpace mem;
    private final KallsymsLocations loc;

    private KallsymsReader(AddressSpace mem, KallsymsLocations loc) {
        this.mem = mem;
        this.loc = loc;
    }

    /** Reads the kernel's kallsyms through {@code mem} at {@code loc}. */
    public static SortedSymbolTable read(AddressSpace mem, KallsymsLocations loc) {
        return decode(mem, loc).table();
    }

    /** Like {@link #read}, also telling which address encoding the kernel uses. */
    public static Result decode(AddressSpace mem, KallsymsLocations loc) {
        return new KallsymsReader(mem, loc).decode();
    }

    private Result decode() {
        long n = mem.readInt(loc.numSyms()) & 0xffffffffL;
        if (n == 0 || n > MAX_SYMS) {
            throw fault("kallsyms_num_syms", loc.numSyms(), "symbol count " + n + " is not in 1.." + MAX_SYMS);
        }
        int count = (int) n;
        byte[][] tokens = readTokens();
        Names names = new Names(count);
        char[] types = new char[count];
        int stextIndex = decodeNames(tokens, names, types);
        long[] addresses = new long[count];
        Encoding encoding = decodeAddresses(count, stextIndex, addresses);
        return new Result(SortedSymbolTable.ofStringTable(SOURCE, addresses, new long[count], types, names.strings,
                names.offsets, count), encoding);
    }

    /** The 256 tokens: {@code kallsyms_token_index} (u16[256]) into the NUL-terminated {@code kallsyms_token_table}. */
    private byte[][] readTokens() {
        byte[] index = mem.readBytes(loc.tokenIndex(), 512);
        long gap = loc.tokenIndex() - loc.tokenTable();
        int limit = gap > 0 && gap <= MAX_TOKEN_TABLE_BYTES ? (int) gap : MAX_TOKEN_TABLE_BYTES;
        Window table = new Window(mem, "kallsyms_token_table", loc.tokenTable(), limit, Math.min(limit, 4096));
        byte[][] tokens = new byte[256][];
        for (int t = 0; t < 256; t++) {
            int start = (index[2 * t] & 0xff) | (index[2 * t + 1] & 0xff) << 8;
            int end = start;
            while (true) {
                table.ensure(end + 1);
                if (table.buf[end] == 0) {
                    break;
                }
                end++;
            }
            tokens[t] = java.util.Arrays.copyOfRange(table.buf, start, end);
        }
        return tokens;
    }

    /**
     * Expands every name of {@code kallsyms_names}: {@code [len][len token bytes]}, where with big
     * lengths a len with bit 7 set continues in the next byte. The first character is the type.
     *
     * @return the index of {@code _stext}
     */
    private int decodeNames(byte[][] tokens, Names names, char[] types) {
        long gap = loc.tokenTable() - loc.names();
        int limit = gap > 0 && gap <= MAX_NAMES_BYTES ? (int) gap : MAX_NAMES_BYTES;
        Window w = new Window(mem, "kallsyms_names", loc.names(), limit,
                (int) Math.min(limit, Math.max(64 << 10, (long) types.length * 12)));
        boolean big = loc.bigSymbolLengths();
        byte[] name = new byte[MAX_NAME];
        int stext = -1;
        int p = 0;
        for (int i = 0; i < types.length; i++) {
            int entry = p;
            if (p + 2 > w.filled) {
                w.ensure(Math.min(p + 2, w.limit));
            }
            int len = w.byteAt(p++);
            if (big && (len & 0x80) != 0) {
                len = (len & 0x7f) | w.byteAt(p++) << 7;
            }
            if (p + len > w.filled) {
                w.ensure(p + len);
            }
            byte[] buf = w.buf;
            int nlen = 0;
            for (int k = p; k < p + len; k++) {
                byte[] tok = tokens[buf[k] & 0xff];
                if (nlen + tok.length > MAX_NAME) {
                    throw fault("kallsyms_names", loc.names() + entry, "symbol " + i + " expands past " + MAX_NAME
                            + " characters");
                }
                System.arraycopy(tok, 0, name, nlen, tok.length);
                nlen += tok.length;
            }
            if (nlen < 2) {
                throw fault("kallsyms_names", loc.names() + entry, "symbol " + i + " has an empty name");
            }
            p += len;
            types[i] = (char) (name[0] & 0xff);
            names.add(i, name, 1, nlen - 1);
            if (stext < 0 && nlen == 7 && "_stext".equals(new String(name, 1, 6, StandardCharsets.ISO_8859_1))) {
                stext = i;
            }
        }
        if (stext < 0) {
            throw fault("kallsyms_names", loc.names(), "no _stext among " + types.length
                    + " symbols (wrong table or name-length form?)");
        }
        return stext;
    }

    /**
     * Fills {@code out} using the first encoding that maps {@code _stext} to its known address. A
     * table that cannot be read only rules its encodings out; its fault is thrown if none matches.
     */
    private Encoding decodeAddresses(int count, int stextIndex, long[] out) {
        List<String> tried = new ArrayList<>();
        MemoryFault unreadable = null;
        if (loc.addresses().isPresent()) {
            try {
                byte[] raw = mem.readBytes(loc.addresses().getAsLong(), count * 8);
                long stext = ByteCursor.getLong(raw, stextIndex * 8);
                if (stext == loc.stext()) {
                    for (int i = 0; i < count; i++) {
                        out[i] = ByteCursor.getLong(raw, i * 8);
                    }
                    return Encoding.ABSOLUTE;
                }
                tried.add("absolute " + Unsigned.hex(stext));
            } catch (MemoryFault f) {
                unreadable = f;
            }
        }
        if (loc.offsets().isPresent()) {
            try {
                Encoding e = decodeOffsets(count, stextIndex, out, tried);
                if (e != null) {
                    return e;
                }
            } catch (MemoryFault f) {
                unreadable = unreadable == null ? f : unreadable;
            }
        }
        if (unreadable != null) {
            throw unreadable;
        }
        throw fault("kallsyms", loc.offsets().orElse(loc.addresses().orElse(loc.names())),
                "no address encoding maps _stext (symbol " + stextIndex + ") to " + Unsigned.hex(loc.stext())
                        + (tried.isEmpty() ? ": neither kallsyms_addresses nor kallsyms_offsets given"
                        : "; got " + String.join(", ", tried)));
    }

    /** The offset encodings, in turn; null when none maps _stext right. */
    private Encoding decodeOffsets(int count, int stextIndex, long[] out, List<String> tried) {
        long base = loc.offsets().getAsLong();
        byte[] raw = mem.readBytes(base, count * 4);
        boolean hasRelBase = loc.relativeBase().isPresent();
        long relBase = hasRelBase ? mem.readLong(loc.relativeBase().getAsLong()) : 0;
        for (Encoding e : List.of(Encoding.BASE_RELATIVE, Encoding.ABSOLUTE_PERCPU, Encoding.PLACE_RELATIVE)) {
            if (e != Encoding.PLACE_RELATIVE && !hasRelBase) {
                continue;
            }
            long stext = offsetAddress(e, raw, stextIndex, base, relBase);
            if (stext == loc.stext()) {
                for (int i = 0; i < count; i++) {
                    out[i] = offsetAddress(e, raw, i, base, relBase);
                }
                return e;
            }
            tried.add(e.name().toLowerCase(java.util.Locale.ROOT) + " " + Unsigned.hex(stext));
        }
        return null;
    }

    private static long offsetAddress(Encoding e, byte[] raw, int i, long tableBase, long relBase) {
        int off = ByteCursor.getInt(raw, i * 4);
        return switch (e) {
            case BASE_RELATIVE -> relBase + (off & 0xffffffffL);
            case ABSOLUTE_PERCPU -> off >= 0 ? off : relBase - 1 - off;
            case PLACE_RELATIVE -> tableBase + 4L * i + off;
            case ABSOLUTE -> throw new IllegalArgumentException("not an offset encoding");
        };
    }

    /** A corrupt-table error; the address goes into the text too, as FormatException prints only non-negative offsets. */
    /**
     * The expanded names, NUL-terminated one after another in one array (a kernel has about
     * 190,000; a String each would be most of the reading's time and memory).
     */
    private static final class Names {
        byte[] strings;
        final int[] offsets;
        int used;

        Names(int count) {
            strings = new byte[Math.max(1024, count * 24)];
            offsets = new int[count];
        }

        void add(int i, byte[] name, int from, int length) {
            if (used + length + 1 > strings.length) {
                strings = java.util.Arrays.copyOf(strings, Math.max(strings.length * 2, used + length + 1));
            }
            offsets[i] = used;
            System.arraycopy(name, from, strings, used, length);
            used += length;
            strings[used++] = 0;
        }
    }

    private static FormatException fault(String table, long address, String problem) {
        return new FormatException("kernel memory", address, table + " at " + Unsigned.hex(address) + ": " + problem);
    }

    /**
     * The start of a table of unknown length, read from kernel memory in growing chunks up to a
     * limit. The first read takes {@code hint} bytes; when a speculative read past the table's end
     * faults, it and every later read take only the pages needed (or, failing that, the bytes).
     */
    private static final class Window {
        private static final int PAGE = 4096;
        private final AddressSpace mem;
        private final String table;
        private final long base;
        private final int hint;
        final int limit;
        byte[] buf = new byte[0];
        int filled;
        private boolean cautious;

        Window(AddressSpace mem, String table, long base, int limit, int hint) {
            this.mem = mem;
            this.table = table;
            this.base = base;
            this.limit = limit;
            this.hint = Math.max(1, Math.min(hint, limit));
        }

        int byteAt(int p) {
            if (p >= filled) {
                ensure(p + 1);
            }
            return buf[p] & 0xff;
        }

        /** Makes {@code buf[0..end)} valid. */
        void ensure(int end) {
            if (end <= filled) {
                return;
            }
            if (end > limit) {
                throw fault(table, base + filled, "table runs past " + limit + " bytes (corrupt length or count)");
            }
            if (!cautious) {
                long grown = filled == 0 ? hint : Math.min((long) filled * 2, (long) filled + (16 << 20));
                int want = (int) Math.min(limit, Math.max(end, grown));
                try {
                    grow(want);
                    return;
                } catch (MemoryFault f) {
                    cautious = true;
                }
            }
            long endAddr = base + end;
            int toPage = (int) Math.min(limit, end + ((PAGE - (endAddr & (PAGE - 1))) & (PAGE - 1)));
            try {
                grow(toPage);
            } catch (MemoryFault f) {
                if (toPage == end) {
                    throw f;
                }
                grow(end);
            }
        }

        private void grow(int to) {
            byte[] b = java.util.Arrays.copyOf(buf, to);
            mem.read(base + filled, b, filled, to - filled);
            buf = b;
            filled = to;
        }
    }
}
