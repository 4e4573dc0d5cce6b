package dev.vmcore.symbols;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.FormatException;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds the kallsyms tables in kernel memory when VMCOREINFO does not locate them (kernels before
 * 6.0). The kernel's scripts/kallsyms.c lays the tables out in this order, each 8-byte aligned:
 * kallsyms_offsets (or kallsyms_addresses), kallsyms_relative_base, kallsyms_num_syms,
 * kallsyms_names, kallsyms_markers, kallsyms_token_table, kallsyms_token_index; since 6.4 the
 * address tables follow the token index instead. The search:
 * <ol>
 * <li>scans the kernel image from _stext for kallsyms_token_index: 256 u16 offsets starting at 0,
 *     each token 1 to 64 bytes long;</li>
 * <li>finds kallsyms_token_table just before it: 256 NUL-terminated tokens at exactly those offsets;</li>
 * <li>walks back from the token table to a plausible kallsyms_num_syms whose following names
 *     decode, derives the address tables in front of it, and accepts the first candidate whose full
 *     decode maps _stext to its known address ({@link KallsymsReader} checks that).</li>
 * </ol>
 */
public final class KallsymsSearch {
    private static final int CHUNK = 64 << 10;
    /** Unreadable chunks in a row that end the scan (the image has holes: freed padding, excluded pages). */
    private static final int MAX_MISSES = 256;
    private static final int MAX_TOKEN = 64;
    private static final long MIN_SYMS = 1_000;
    private static final long MAX_SYMS = 2_000_000;
    /** How far before the token table the names may start: names plus markers of 2M symbols. */
    private static final long MAX_NAMES_SPAN = 64L << 20;
    private static final int MAX_CANDIDATES = 64;

    private KallsymsSearch() {
    }

    /**
     * Searches {@code scanBytes} of kernel memory from {@code stext}.
     *
     * @param bigSymbolLengths as {@link KallsymsLocations#bigSymbolLengths()}
     */
    public static Optional<KallsymsLocations> find(AddressSpace mem, long stext, boolean bigSymbolLengths, long scanBytes) {
        int misses = 0;
        for (long base = stext; base - stext < scanBytes && misses < MAX_MISSES; base += CHUNK) {
            byte[] chunk;
            try {
                chunk = mem.readBytes(base, CHUNK + 512);
                misses = 0;
            } catch (MemoryFault e) {
                misses++;
                continue;
            }
            for (int p = 0; p < CHUNK; p += 2) {
                if (!looksLikeTokenIndex(chunk, p)) {
                    continue;
                }
                long index = base + p;
                Optional<KallsymsLocations> found = tokenTableBefore(mem, index, chunk, p)
                        .flatMap(table -> namesBefore(mem, table, index, stext, bigSymbolLengths));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean looksLikeTokenIndex(byte[] b, int p) {
        if (u16(b, p) != 0) {
            return false;
        }
        int prev = 0;
        for (int i = 1; i < 256; i++) {
            int v = u16(b, p + 2 * i);
            int len = v - prev;
            if (len < 2 || len > MAX_TOKEN + 1) {
                return false;
            }
            prev = v;
        }
        return true;
    }

    /** The token table: the tokens end with NULs exactly where the index says the next ones start. */
    private static Optional<Long> tokenTableBefore(AddressSpace mem, long index, byte[] chunk, int p) {
        int last = u16(chunk, p + 2 * 255);
        byte[] area;
        long areaStart = index - last - MAX_TOKEN - 16;
        try {
            area = mem.readBytes(areaStart, (int) (index - areaStart));
        } catch (MemoryFault e) {
            return Optional.empty();
        }
        for (int t = 0; t <= MAX_TOKEN + 16; t++) {
            if (area[t] == 0) {
                continue;
            }
            boolean ok = true;
            for (int i = 1; i < 256 && ok; i++) {
                int at = t + u16(chunk, p + 2 * i);
                ok = area[at - 1] == 0 && area[at] != 0;
            }
            if (ok) {
                return Optional.of(areaStart + t);
            }
        }
        return Optional.empty();
    }

    private static Optional<KallsymsLocations> namesBefore(AddressSpace mem, long tokenTable, long tokenIndex, long stext,
                                                        boolean big) {
        int tried = 0;
        for (long q = (tokenTable & ~7L) - 8; tokenTable - q < MAX_NAMES_SPAN && tried < MAX_CANDIDATES; q -= CHUNK) {
            long chunkStart = Math.max(q - CHUNK + 8, tokenTable - MAX_NAMES_SPAN);
            byte[] b;
            try {
                b = mem.readBytes(chunkStart, (int) (q + 8 - chunkStart));
            } catch (MemoryFault e) {
                return Optional.empty();
            }
            for (int off = (int) (q - chunkStart); off >= 0 && tried < MAX_CANDIDATES; off -= 8) {
                long n = ByteCursor.getLong(b, off);
                if (n < MIN_SYMS || n > MAX_SYMS) {
                    continue;
                }
                long numSyms = chunkStart + off;
                long span = tokenTable - (numSyms + 8);
                if (span < 2 * n || span > 64 * n) {
                    continue; // n names of 2 to 64 bytes each (plus markers) cannot fill this span
                }
                tried++;
                for (KallsymsLocations loc : layouts(numSyms, n, tokenTable, tokenIndex, stext, big)) {
                    try {
                        KallsymsReader.read(mem, loc);
                        return Optional.of(loc);
                    } catch (FormatException | MemoryFault e) {
                        // not the tables: try the next candidate
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Where the address tables are, for a kallsyms_num_syms at {@code numSyms} holding {@code n}:
     * before it (offsets or addresses, then relative_base), or, in newer kernels' order (seen on
     * 6.12; 6.1 has the older one), after kallsyms_token_index (offsets, then relative_base).
     */
    private static java.util.List<KallsymsLocations> layouts(long numSyms, long n, long tokenTable, long tokenIndex,
                                                             long stext, boolean big) {
        long offsetsBytes = (4 * n + 7) & ~7L;
        long relativeBefore = numSyms - 8;
        long offsetsAfter = (tokenIndex + 512 + 7) & ~7L;
        return java.util.List.of(
                new KallsymsLocations(numSyms + 8, numSyms, tokenTable, tokenIndex,
                        OptionalLong.of(relativeBefore - offsetsBytes), OptionalLong.of(relativeBefore),
                        OptionalLong.of(numSyms - 8 * n), stext, big),
                new KallsymsLocations(numSyms + 8, numSyms, tokenTable, tokenIndex,
                        OptionalLong.of(offsetsAfter), OptionalLong.of(offsetsAfter + offsetsBytes),
                        OptionalLong.empty(), stext, big));
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }
}
