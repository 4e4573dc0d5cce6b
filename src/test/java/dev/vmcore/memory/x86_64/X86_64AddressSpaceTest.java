package dev.vmcore.memory.x86_64;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PagingConfig;
import dev.vmcore.memory.Translation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class X86_64AddressSpaceTest {
    private static final long VMALLOC = 0xffffc90000001000L;

    private static X86_64AddressSpace space(PageTableWriter w) {
        return X86_64AddressSpace.kernel(w.mem, new PagingConfig(w.top, w.fiveLevel, PagingConfig.PHYS_BASE_UNKNOWN,
                PagingConfig.PAGE_OFFSET_UNKNOWN, 0));
    }

    @Test
    void fourLevelWalkOf4kPageRecordsEveryLevel() {
        PageTableWriter w = new PageTableWriter(false).map(VMALLOC, 0x5000, 4096, PageTableWriter.PRESENT_RW);
        w.mem.writeLong(0x5000 + 0x18, 0x1122334455667788L);
        X86_64AddressSpace s = space(w);
        Translation t = s.walk(VMALLOC + 0x18);
        assertEquals(0x5018, t.paddr());
        assertEquals(4096, t.pageSize());
        assertEquals(List.of("PGD", "PUD", "PMD", "PTE"), t.steps().stream().map(Translation.Step::level).toList());
        assertEquals(w.top + ((VMALLOC >>> 39) & 0x1ff) * 8, t.steps().get(0).tableEntryAddress());
        assertEquals(0x1122334455667788L, s.readLong(VMALLOC + 0x18));
    }

    @Test
    void fiveLevelWalkHasAP4dLevel() {
        long va = 0xff11000000000000L + 0x123456000L;
        PageTableWriter w = new PageTableWriter(true).map(va, 0x9000, 4096, PageTableWriter.PRESENT_RW);
        Translation t = space(w).walk(va + 5);
        assertEquals(0x9005, t.paddr());
        assertEquals(List.of("PGD", "P4D", "PUD", "PMD", "PTE"), t.steps().stream().map(Translation.Step::level).toList());
        // 57-bit canonical: an address valid only with 5 levels is rejected by a 4-level walk.
        PageTableWriter four = new PageTableWriter(false);
        MemoryFault f = assertThrows(MemoryFault.NotMapped.class, () -> space(four).walk(va));
        assertTrue(f.getMessage().contains("non-canonical"), f.getMessage());
    }

    @Test
    void largePagesEndTheWalkEarly() {
        long va2m = 0xffffffffc0200000L;
        long va1g = 0xffff888040000000L;
        PageTableWriter w = new PageTableWriter(false)
                .map(va2m, 0x4000_0000L, 2 << 20, PageTableWriter.PRESENT_RW | PageTableWriter.NX)
                .map(va1g, 0x8000_0000L, 1 << 30, PageTableWriter.PRESENT_RW);
        X86_64AddressSpace s = space(w);
        Translation t2 = s.walk(va2m + 0x12345);
        assertEquals(0x4000_0000L + 0x12345, t2.paddr());
        assertEquals(2 << 20, t2.pageSize());
        assertEquals(3, t2.steps().size());
        Translation t1 = s.walk(va1g + 0x3456789);
        assertEquals(0x8000_0000L + 0x3456789, t1.paddr());
        assertEquals(1 << 30, t1.pageSize());
        assertEquals(2, t1.steps().size());
    }

    @Test
    void notPresentEntriesAndMissingTablesAreNotMapped() {
        PageTableWriter w = new PageTableWriter(false).map(VMALLOC, 0x5000, 4096, PageTableWriter.PRESENT_RW);
        X86_64AddressSpace s = space(w);
        MemoryFault f = assertThrows(MemoryFault.NotMapped.class, () -> s.walk(VMALLOC + 0x1000));
        assertEquals("kernel virtual address 0xffffc90000002000: not mapped (PTE entry not present)", f.getMessage());
        // A present PMD entry pointing at a table page the dump does not have.
        w.rawEntry(VMALLOC + 0x200000, 21, 0x7770000L | PageTableWriter.PRESENT_RW);
        MemoryFault g = assertThrows(MemoryFault.NotMapped.class, () -> s.walk(VMALLOC + 0x200000));
        assertTrue(g.getMessage().contains("PTE table page at 0x7770000 is not in the dump"), g.getMessage());
        // The mapped page itself missing from the dump is a physical fault on read.
        w.map(VMALLOC + 0x400000, 0x6660000L, 4096, PageTableWriter.PRESENT_RW);
        assertThrows(MemoryFault.NotInDump.class, () -> s.readLong(VMALLOC + 0x400000));
    }

    @Test
    void reservedHighBitsAndSmeMaskAreStrippedFromFrames() {
        long sme = 1L << 47;
        PageTableWriter w = new PageTableWriter(false).map(VMALLOC, 0x5000, 4096, PageTableWriter.PRESENT_RW);
        // Rewrite the PTE with the encryption bit and NX set.
        w.rawEntry(VMALLOC, 12, 0x5000 | sme | PageTableWriter.NX | PageTableWriter.PRESENT_RW);
        X86_64AddressSpace s = X86_64AddressSpace.kernel(w.mem, new PagingConfig(w.top, false,
                PagingConfig.PHYS_BASE_UNKNOWN, PagingConfig.PAGE_OFFSET_UNKNOWN, sme));
        assertEquals(0x5000, s.walk(VMALLOC).paddr());
    }

    @Test
    void kernelTextAndDirectMapTranslateLinearlyWhenKnown() {
        PageTableWriter w = new PageTableWriter(false);
        long physBase = -0x11600000L;
        long pageOffset = 0xffff8b2500000000L;
        X86_64AddressSpace s = X86_64AddressSpace.kernel(w.mem, new PagingConfig(w.top, false, physBase, pageOffset, 0));
        assertEquals(0x9a10000L, s.translate(0xffffffff9b010000L).paddr());
        assertEquals(0x1234567L, s.translate(pageOffset + 0x1234567L).paddr());
        assertEquals(0, s.translate(pageOffset).pageSize());
        byte[] page = new byte[4096];
        page[7] = 42;
        w.mem.writePage(0x1234, page);
        assertArrayEquals(new byte[] {42}, s.readBytes(pageOffset + 0x1234007L, 1));
    }
}
