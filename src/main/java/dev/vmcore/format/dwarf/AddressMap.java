package dev.vmcore.format.dwarf;

import dev.vmcore.util.Unsigned;

import java.util.Arrays;

/**
 * Address ranges of compilation units, sorted, for address to unit lookup. A map holds unit
 * offsets, so that building one from {@code .debug_aranges} reads neither the units nor their headers.
 *
 * <p>{@link #fromAranges} reads {@code .debug_aranges} (one small section, one set per unit);
 * {@link #fromRoots} reads the root DIE's ranges (DW_AT_low_pc/high_pc or DW_AT_ranges) of units,
 * which is what binutils' addr2line uses. {@link Dwarf#unitForAddress} asks the first and, for an
 * address it does not cover, the second over the units .debug_aranges does not list (as GDB does);
 * the two agree when the producer wrote both from the same ranges (GCC, the kernel).
 */
final class AddressMap {
    /** Cap on look-back over overlapping ranges. */
    private static final int OVERLAP_LOOKBACK = 64;

    private final long[] lows;
    private final long[] highs;
    private final long[] units;
    /** Offsets of the units the map was built from (sorted), whether or not they have ranges. */
    private final long[] listed;

    private AddressMap(long[] lows, long[] highs, long[] units, long[] listed) {
        this.lows = lows;
        this.highs = highs;
        this.units = units;
        this.listed = listed;
    }

    /** The ranges of every set of .debug_aranges; an empty map when the section is absent. */
    static AddressMap fromAranges(Dwarf dwarf) {
        Builder b = new Builder();
        if (dwarf.hasSection(".debug_aranges")) {
            readAranges(dwarf.section(".debug_aranges"), b);
        }
        return b.build();
    }

    /** The ranges of the root DIEs of the compilation and partial units not listed in {@code except}. */
    static AddressMap fromRoots(Dwarf dwarf, AddressMap except) {
        Builder b = new Builder();
        for (Unit u : dwarf.unitArray()) {
            if ((u.unitType() == Dw.UT_COMPILE || u.unitType() == Dw.UT_PARTIAL) && !except.lists(u.offset())) {
                b.list(u.offset());
                for (long[] r : u.root().ranges()) {
                    b.add(r[0], r[1], u.offset());
                }
            }
        }
        return b.build();
    }

    /** The ranges of every unit's root DIE, as addr2line finds them (no .debug_aranges). */
    static AddressMap scan(Dwarf dwarf) {
        return fromRoots(dwarf, new Builder().build());
    }

    /** True when the map was built from unit {@code unitOffset} (even if it has no ranges). */
    boolean lists(long unitOffset) {
        return Arrays.binarySearch(listed, unitOffset) >= 0;
    }

    /**
     * Reads every set of .debug_aranges (the tuples of a set start at a multiple of their size from
     * the set's start). A set with segment selectors is left out: its unit is then not listed. The
     * section is small (a few hundred KiB for a kernel): it is copied once and read as an array.
     */
    private static void readAranges(Section s, Builder b) {
        byte[] a = s.bytes(0, s.size());
        int pos = 0;
        while (pos < a.length) {
            int p = need(s, a, pos, 4);
            long length = le(a, p, 4);
            int offsetSize = 4;
            p += 4;
            if (length == 0xffffffffL) {
                length = le(a, need(s, a, p, 8), 8);
                offsetSize = 8;
                p += 8;
            } else if (length >= 0xfffffff0L) {
                throw s.fault(pos, "reserved address range set length 0x" + Long.toHexString(length));
            }
            if (length < 0 || length > a.length - p) {
                throw s.fault(pos, "address range set length 0x" + Long.toHexString(length)
                        + " runs past the end of the section");
            }
            int end = p + (int) length;
            int headerEnd = p + 2 + offsetSize + 2;
            if (headerEnd > end) {
                throw s.fault(pos, "address range set shorter than its header");
            }
            int version = (int) le(a, p, 2);
            if (version != 2) {
                throw s.fault(p, "unsupported address range set version " + version);
            }
            long unit = le(a, p + 2, offsetSize);
            int addressSize = a[p + 2 + offsetSize] & 0xff;
            int segmentSize = a[p + 3 + offsetSize] & 0xff;
            if (addressSize != 4 && addressSize != 8) {
                throw s.fault(p + 2 + offsetSize, "unsupported address size " + addressSize);
            }
            if (unit < 0) {
                throw s.fault(p + 2, "unit offset 0x" + Long.toHexString(unit) + " out of range");
            }
            if (segmentSize == 0) {
                b.list(unit);
                int tuple = 2 * addressSize;
                for (int t = pos + (headerEnd - pos + tuple - 1) / tuple * tuple; t <= end - tuple; t += tuple) {
                    long lo = le(a, t, addressSize);
                    long len = le(a, t + addressSize, addressSize);
                    if (lo == 0 && len == 0) {
                        break;
                    }
                    long hi = addressSize == 4 ? (lo + len) & 0xffffffffL : lo + len;
                    if (Unsigned.compare(hi, lo) > 0) {
                        b.add(lo, hi, unit);
                    }
                }
            }
            pos = end;
        }
    }

    /** {@code p}, when {@code n} bytes from it are in {@code a}. */
    private static int need(Section s, byte[] a, int p, int n) {
        if (p > a.length - n) {
            throw s.fault(p, "address range set header runs past the end of the section");
        }
        return p;
    }

    /** The little-endian unsigned value of {@code size} (2, 4 or 8) bytes at {@code p}. */
    private static long le(byte[] a, int p, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (a[p + i] & 0xff);
        }
        return v;
    }

    /**
     * The offset of the unit of the range holding {@code address} (of overlapping ranges, the last
     * to start at or before it), or -1.
     */
    long find(long address) {
        int lo = 0;
        int hi = lows.length - 1;
        int best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Unsigned.compare(lows[mid], address) <= 0) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int i = best; i >= 0 && i > best - OVERLAP_LOOKBACK; i--) {
            if (Unsigned.compare(address, highs[i]) < 0 && Unsigned.compare(address, lows[i]) >= 0) {
                return units[i];
            }
        }
        return -1;
    }

    /** Number of ranges. */
    int size() {
        return lows.length;
    }

    /** Number of units the map was built from. */
    int units() {
        return listed.length;
    }

    @Override
    public String toString() {
        return "AddressMap of " + lows.length + " ranges of " + listed.length + " units";
    }

    /** Ranges as they come (in unit order), sorted by start address when built. */
    private static final class Builder {
        long[] lows = new long[256];
        long[] highs = new long[256];
        long[] units = new long[256];
        int n;
        long[] listed = new long[64];
        int listedCount;

        void add(long lo, long hi, long unit) {
            if (n == lows.length) {
                lows = Arrays.copyOf(lows, n * 2);
                highs = Arrays.copyOf(highs, n * 2);
                units = Arrays.copyOf(units, n * 2);
            }
            lows[n] = lo;
            highs[n] = hi;
            units[n] = unit;
            n++;
        }

        void list(long unit) {
            if (listedCount == listed.length) {
                listed = Arrays.copyOf(listed, listedCount * 2);
            }
            listed[listedCount++] = unit;
        }

        AddressMap build() {
            int[] order = Unsigned.sortedOrder(lows, n); // stable: ties stay in unit order
            long[] l = new long[n];
            long[] h = new long[n];
            long[] u = new long[n];
            for (int i = 0; i < n; i++) {
                int k = order == null ? i : order[i];
                l[i] = lows[k];
                h[i] = highs[k];
                u[i] = units[k];
            }
            long[] ls = Arrays.copyOf(listed, listedCount);
            Arrays.sort(ls);
            return new AddressMap(l, h, u, ls);
        }
    }
}
