package dev.vmcore.format.dwarf;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address to unit through .debug_aranges, and through root DIEs for the units it does not list. */
class ArangesTest {
    private static long unit(Dwarf d, long address) {
        return d.unitForAddress(address).map(Unit::offset).orElse(-1L);
    }

    @Test
    void arangesAgreeWithTheRootDies() {
        Dwarf d = Dwarf.open(DwarfSections.of(SampleDwarf.build()));
        AddressMap aranges = AddressMap.fromAranges(d);
        AddressMap scan = AddressMap.scan(d);
        assertEquals(2, aranges.units());
        assertEquals(2, aranges.size());
        for (long a = 0xff0; a < 0x2110; a++) {
            assertEquals(scan.find(a), aranges.find(a), "0x" + Long.toHexString(a));
            assertEquals(scan.find(a), unit(d, a));
        }
    }

    @Test
    void withoutArangesTheRootDiesAreRead() {
        Map<String, byte[]> m = SampleDwarf.build();
        m.remove(".debug_aranges");
        Dwarf d = Dwarf.open(DwarfSections.of(m));
        assertEquals(0, AddressMap.fromAranges(d).size());
        assertEquals(d.units().get(0).offset(), unit(d, SampleDwarf.CU5_LOW + 5));
        assertEquals(d.units().get(1).offset(), unit(d, SampleDwarf.CU4_LOW + 8));
        assertEquals(-1, unit(d, 0x3000));
    }

    /** A unit .debug_aranges lists is taken at its word (as GDB does); one it does not list is read. */
    @Test
    void unlistedUnitsFallBackToTheirRootDie() {
        Map<String, byte[]> m = SampleDwarf.build();
        DwarfWriter.Buf a = new DwarfWriter.Buf(); // only the first unit, with a range of its own
        a.u32(2 + 4 + 1 + 1 + 4 + 16 * 2).u16(2).u32(0).u8(8).u8(0).u32(0).u64(0x5000).u64(0x10).u64(0).u64(0);
        m.put(".debug_aranges", a.toArray());
        Dwarf d = Dwarf.open(DwarfSections.of(m));
        long first = d.units().get(0).offset();
        assertEquals(first, unit(d, 0x5008));
        assertEquals(-1, unit(d, SampleDwarf.CU5_LOW + 5), "listed: its root DIE is not read");
        assertEquals(d.units().get(1).offset(), unit(d, SampleDwarf.CU4_LOW + 8));
        assertTrue(d.lineAt(SampleDwarf.CU4_LOW + 0x18).isPresent());
    }

    /** Line lookups through .debug_aranges read the one unit's header, not every unit's. */
    @Test
    void aLookupReadsOnlyItsUnit() {
        Dwarf d = Dwarf.open(DwarfSections.of(SampleDwarf.build()));
        assertEquals("/w/lib/b.h:20", d.lineAt(SampleDwarf.CU4_LOW + 0x18).orElseThrow().toString());
        d.symbolize(SampleDwarf.CU4_LOW + 0x18);
        Unit u = d.unitForAddress(SampleDwarf.CU4_LOW).orElseThrow();
        assertEquals(u, d.unitContaining(u.firstDieOffset()));
        assertFalse(d.unitsScanned(), "no other unit header was read");
        assertEquals(2, d.units().size());
        assertTrue(d.unitForAddress(SampleDwarf.CU4_LOW).orElseThrow() == d.units().get(1),
                "the unit read alone is the one the full scan keeps");
    }
}
