package dev.vmcore.format.dwarf;

import dev.vmcore.util.Unsigned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Address ranges of every compilation unit (from its root DIE), sorted, for address to unit lookup. */
final class AddressMap {
    private final long[] lows;
    private final long[] highs;
    private final Unit[] units;

    private AddressMap(long[] lows, long[] highs, Unit[] units) {
        this.lows = lows;
        this.highs = highs;
        this.units = units;
    }

    static AddressMap build(Dwarf dwarf) {
        List<Object[]> entries = new ArrayList<>();
        for (Unit u : dwarf.unitArray()) {
            if (u.unitType() != Dw.UT_COMPILE && u.unitType() != Dw.UT_PARTIAL) {
                continue;
            }
            for (long[] r : u.root().ranges()) {
                entries.add(new Object[] {r[0], r[1], u});
            }
        }
        entries.sort(Comparator.comparing((Object[] e) -> (Long) e[0], Long::compareUnsigned));
        int n = entries.size();
        long[] lows = new long[n];
        long[] highs = new long[n];
        Unit[] units = new Unit[n];
        for (int i = 0; i < n; i++) {
            lows[i] = (Long) entries.get(i)[0];
            highs[i] = (Long) entries.get(i)[1];
            units[i] = (Unit) entries.get(i)[2];
        }
        return new AddressMap(lows, highs, units);
    }

    Optional<Unit> find(long address) {
        // last range starting at or below the address (unsigned order), then a few before it for overlaps
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
        for (int i = best; i >= 0 && i > best - 64; i--) {
            if (Unsigned.compare(address, highs[i]) < 0 && Unsigned.compare(address, lows[i]) >= 0) {
                return Optional.of(units[i]);
            }
        }
        return Optional.empty();
    }

    int size() {
        return lows.length;
    }

    @Override
    public String toString() {
        return "AddressMap" + Arrays.toString(Arrays.copyOf(lows, Math.min(4, lows.length)));
    }
}
