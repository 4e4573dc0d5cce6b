package dev.vmcore.dump;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PageState;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfCoreDumpTest {
    private static final int PAGE = 4096;

    static byte[] pages(int count, int seed) {
        byte[] b = new byte[count * PAGE];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ElfCoreDump open(byte[] file) {
        return new ElfCoreDump(List.of(Path.of("test.core")), ByteSource.of("test.core", file), false);
    }

    private static byte[] read(ElfCoreDump d, long paddr, int len) {
        byte[] b = new byte[len];
        d.memory().read(paddr, b, 0, len);
        return b;
    }

    @Test
    void servesSegmentsAtTheirPhysicalAddressesAcrossPages() {
        byte[] low = pages(4, 1);
        byte[] high = pages(3, 2);
        ElfCoreDump d = open(new ElfCoreWriter().segment(0x100000, low).segment(0x4000_0000L, high).build());
        assertArrayEquals(low, read(d, 0x100000, low.length));
        assertArrayEquals(Arrays.copyOfRange(high, 100, 100 + 2 * PAGE), read(d, 0x4000_0000L + 100, 2 * PAGE));
        assertEquals(PageState.PRESENT, d.memory().state(0x100));
        assertEquals(PageState.ABSENT, d.memory().state(0x200));
        MemoryFault f = assertThrows(MemoryFault.NotInDump.class, () -> read(d, 0x200000, 8));
        assertEquals("physical address 0x200000: not in the dump", f.getMessage());
        assertEquals(0x4000_3000L / PAGE, d.memory().maxPfn());
    }

    @Test
    void memszBeyondFileszReadsAsZeros() {
        byte[] data = pages(1, 3);
        ElfCoreDump d = open(new ElfCoreWriter().segment(0x1000, 0xffff888000001000L, data, 3 * PAGE).build());
        assertEquals(PageState.ZERO, d.memory().state(2));
        assertArrayEquals(new byte[PAGE], read(d, 0x2000, PAGE));
        byte[] straddle = read(d, 0x1000 + PAGE - 8, 16);
        assertArrayEquals(Arrays.copyOfRange(data, PAGE - 8, PAGE), Arrays.copyOf(straddle, 8));
        assertArrayEquals(new byte[8], Arrays.copyOfRange(straddle, 8, 16));
        DumpFile.PageCounts c = d.pageCounts();
        assertEquals(1, c.present());
        assertEquals(2, c.zero());
    }

    @Test
    void programHeadersAreFoundWhereverEPhoffPointsAndUnsortedOverlapsResolve() {
        byte[] a = pages(2, 4);
        byte[] b = pages(2, 5);
        // b overlaps a's second page and is listed first: the lower paddr wins, the rest of b follows.
        ElfCoreDump d = open(new ElfCoreWriter().qemuLayout().segment(0x3000, b).segment(0x2000, a).build());
        assertArrayEquals(a, read(d, 0x2000, 2 * PAGE));
        assertArrayEquals(Arrays.copyOfRange(b, PAGE, 2 * PAGE), read(d, 0x4000, PAGE));
    }

    @Test
    void pnXnumCountComesFromSectionZero() {
        byte[] a = pages(1, 6);
        ElfCoreDump d = open(new ElfCoreWriter().pnXnum().segment(0x5000, a).vmcoreInfo("OSRELEASE=6.1.0\n").build());
        assertArrayEquals(a, read(d, 0x5000, PAGE));
        assertEquals("OSRELEASE=6.1.0\n", d.vmcoreInfo().orElseThrow());
    }

    @Test
    void notesDecodeVmcoreInfoAndPrstatusRegisters() {
        long[] regs = new long[27];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = 0x1000 + i;
        }
        ElfCoreDump d = open(new ElfCoreWriter().segment(0, pages(1, 7)).prstatus(1234, regs).prstatus(0, new long[27])
                .vmcoreInfo("OSRELEASE=6.12.0\nPAGESIZE=4096\n\0\0").note("QEMU", 0, qemuState()).build());
        assertEquals("OSRELEASE=6.12.0\nPAGESIZE=4096\n", d.vmcoreInfo().orElseThrow());
        List<CpuNote> cpus = d.cpuNotes();
        assertEquals(3, cpus.size());
        CpuNote cpu0 = cpus.get(0);
        assertEquals(1234, cpu0.pid());
        assertEquals(0x1000L, cpu0.registers().get("r15"));
        assertEquals(0x1000L + 16, cpu0.registers().get("rip"));
        assertEquals(0x1000L + 19, cpu0.registers().get("rsp"));
        assertEquals(1, cpus.get(1).index());
        CpuNote q = cpus.get(2);
        assertEquals("QEMU", q.kind());
        assertEquals(0xaaL, q.registers().get("rax"));
        assertEquals(0xccL, q.registers().get("rip"));
        assertEquals(0x1234000L, q.registers().get("cr3"));
        assertEquals(0xfffffe0000000000L, q.registers().get("idt_base"));
    }

    /** A QEMUCPUState: rax=0xaa, rip=0xcc, idt base, cr3. */
    private static byte[] qemuState() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(432).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 1).putInt(4, 432).putLong(8, 0xaa).putLong(8 + 16 * 8, 0xcc);
        b.putLong(152 + 9 * 24 + 16, 0xfffffe0000000000L);
        b.putLong(392 + 3 * 8, 0x1234000L);
        return b.array();
    }

    @Test
    void aCutShortFileOpensWithAWarningAndTruncatedPagesFault() {
        byte[] full = new ElfCoreWriter().segment(0x10000, pages(4, 8)).build();
        byte[] cut = Arrays.copyOf(full, full.length - 2 * PAGE - 100);
        ElfCoreDump d = open(cut);
        assertEquals(1, d.warnings().size(), d.warnings().toString());
        assertTrue(d.warnings().get(0).contains("cut short"));
        read(d, 0x10000, PAGE);
        assertEquals(PageState.TRUNCATED, d.memory().state(0x13));
        assertThrows(MemoryFault.Truncated.class, () -> read(d, 0x13000, 8));
        assertThrows(MemoryFault.Truncated.class, () -> read(d, 0x12000, PAGE));
        DumpFile.PageCounts c = d.pageCounts();
        assertEquals(2, c.present());
        assertEquals(2, c.truncated());
    }

    @Test
    void incompleteFlagGivesAWarning() {
        ElfCoreDump d = open(new ElfCoreWriter().flags(1).segment(0, pages(1, 9)).build());
        assertTrue(d.warnings().get(0).contains("incomplete"));
        assertTrue(d.header().stream().anyMatch(f -> f.value().contains("(incomplete)")));
    }

    @Test
    void wrongMachineOrTypeIsRefusedWithOffset() {
        byte[] f = new ElfCoreWriter().segment(0, pages(1, 10)).build();
        f[18] = 3;
        FormatException e = assertThrows(FormatException.class, () -> open(f));
        assertEquals("test.core at offset 0x12: machine 3 is not x86-64", e.getMessage());
        byte[] g = new ElfCoreWriter().segment(0, pages(1, 10)).build();
        g[16] = 2;
        assertThrows(FormatException.class, () -> open(g));
    }
}
