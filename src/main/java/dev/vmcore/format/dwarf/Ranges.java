package dev.vmcore.format.dwarf;

import dev.vmcore.util.Unsigned;
import java.util.ArrayList;
import java.util.List;

/**
 * Address ranges of a DIE: DW_AT_low_pc with DW_AT_high_pc (an address, or an offset when of
 * constant class), or DW_AT_ranges into .debug_rnglists (DWARF 5, incl. DW_FORM_rnglistx) or
 * .debug_ranges (DWARF 2 to 4).
 */
final class Ranges {
    /** Cap on entries in one range list. */
    static final int MAX_ENTRIES = 1 << 20;

    private Ranges() {
    }

    static List<long[]> of(Dwarf dwarf, Die d) {
        if (d.has(Dw.AT_LOW_PC) && !d.has(Dw.AT_RANGES)) {
            long low = d.address(Dw.AT_LOW_PC).orElse(0);
            int hf = d.form(Dw.AT_HIGH_PC);
            if (hf == 0) {
                return List.of();
            }
            long high = Forms.isConstant(hf) ? low + d.unsigned(Dw.AT_HIGH_PC).orElse(0)
                    : d.address(Dw.AT_HIGH_PC).orElse(low);
            return Unsigned.compare(high, low) > 0 ? List.of(new long[] {low, high}) : List.of();
        }
        if (!d.has(Dw.AT_RANGES)) {
            return List.of();
        }
        Unit u = d.unit();
        int form = d.form(Dw.AT_RANGES);
        long value = d.rawUnsigned(Dw.AT_RANGES, 0);
        if (u.version() >= 5) {
            Section s = dwarf.section(".debug_rnglists");
            long offset = value;
            if (form == Dw.FORM_RNGLISTX) {
                long base = u.bases().rnglistsBase();
                if (base < 0) {
                    base = u.offsetSize() == 8 ? 20 : 12;
                }
                long at = base + value * u.offsetSize();
                if (value < 0 || value > Integer.MAX_VALUE || at < 0) {
                    throw s.fault(base, "range list index " + value + " out of range");
                }
                offset = base + s.uN(at, u.offsetSize());
            }
            return rnglist(dwarf, s, u, offset);
        }
        return debugRanges(dwarf.section(".debug_ranges"), u, value);
    }

    private static List<long[]> rnglist(Dwarf dwarf, Section s, Unit u, long offset) {
        Reader r = new Reader(s, offset);
        long base = u.bases().lowPc();
        List<long[]> out = new ArrayList<>();
        int a = u.addressSize();
        for (int n = 0; n < MAX_ENTRIES; n++) {
            int kind = r.u8();
            switch (kind) {
                case Dw.RLE_END_OF_LIST -> {
                    return out;
                }
                case Dw.RLE_BASE_ADDRESSX -> base = dwarf.indexedAddress(u, r.uleb());
                case Dw.RLE_STARTX_ENDX -> add(out, dwarf.indexedAddress(u, r.uleb()), dwarf.indexedAddress(u, r.uleb()));
                case Dw.RLE_STARTX_LENGTH -> {
                    long start = dwarf.indexedAddress(u, r.uleb());
                    add(out, start, start + r.uleb());
                }
                case Dw.RLE_OFFSET_PAIR -> {
                    long lo = r.uleb();
                    long hi = r.uleb();
                    add(out, base + lo, base + hi);
                }
                case Dw.RLE_BASE_ADDRESS -> base = r.uN(a);
                case Dw.RLE_START_END -> add(out, r.uN(a), r.uN(a));
                case Dw.RLE_START_LENGTH -> {
                    long start = r.uN(a);
                    add(out, start, start + r.uleb());
                }
                default -> throw s.fault(r.pos - 1, "unknown range list entry kind " + kind);
            }
        }
        throw s.fault(offset, "range list longer than " + MAX_ENTRIES + " entries");
    }

    private static List<long[]> debugRanges(Section s, Unit u, long offset) {
        Reader r = new Reader(s, offset);
        int a = u.addressSize();
        long max = a == 8 ? -1L : 0xffffffffL;
        long base = u.bases().lowPc();
        List<long[]> out = new ArrayList<>();
        for (int n = 0; n < MAX_ENTRIES; n++) {
            long lo = r.uN(a);
            long hi = r.uN(a);
            if (lo == 0 && hi == 0) {
                return out;
            }
            if (lo == max) {
                base = hi;
            } else {
                add(out, base + lo, base + hi);
            }
        }
        throw s.fault(offset, "range list longer than " + MAX_ENTRIES + " entries");
    }

    private static void add(List<long[]> out, long lo, long hi) {
        if (Unsigned.compare(hi, lo) > 0) {
            out.add(new long[] {lo, hi});
        }
    }
}
