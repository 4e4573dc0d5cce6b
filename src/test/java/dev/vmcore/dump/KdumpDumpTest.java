package dev.vmcore.dump;

import dev.vmcore.dump.KdumpWriter.Compression;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PageState;
import dev.vmcore.memory.PhysicalMemory;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KdumpDumpTest {
    private static final String INFO = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nNUMBER(phys_base)=16777216\n";

    /** A writer with pages 0-9, 12, 20-39 and 63 dumped, 10, 11 and 40-44 excluded, the rest holes. */
    static KdumpWriter sample(long seed) {
        Random rnd = new Random(seed);
        KdumpWriter w = new KdumpWriter();
        for (long pfn = 0; pfn < 10; pfn++) {
            w.addPages(rnd, pfn);
        }
        w.addPages(rnd, 12, 63);
        for (long pfn = 20; pfn < 40; pfn++) {
            w.addPages(rnd, pfn);
        }
        w.pages.put(25L, new byte[w.blockSize]);
        w.pages.put(26L, new byte[w.blockSize]);
        w.excluded.addAll(List.of(10L, 11L, 40L, 41L, 42L, 43L, 44L));
        w.vmcoreinfo = INFO;
        w.notes = notes();
        return w;
    }

    static byte[] notes() {
        byte[] prstatus = new byte[336];
        ByteBuffer.wrap(prstatus).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 97).putLong(112 + 16 * 8, 0xffffffff81000000L);
        byte[] a = KdumpWriter.note("CORE", 1, prstatus);
        byte[] b = KdumpWriter.note("CORE", 1, prstatus);
        byte[] c = KdumpWriter.note("VMCOREINFO", 0, "OSRELEASE=from-note\n".getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer all = ByteBuffer.allocate(a.length + b.length + c.length);
        return all.put(a).put(b).put(c).array();
    }

    static DumpFile open(byte[] bytes) {
        return KdumpDump.open(List.of(Path.of("test.kdump")), ByteSource.of("test.kdump", bytes), false);
    }

    /** Every dumped page reads back, every excluded page faults Excluded, every other one NotInDump. */
    static void assertReadsBack(KdumpWriter w, DumpFile d) {
        PhysicalMemory m = d.memory();
        assertEquals(w.blockSize, m.pageSize());
        byte[] buf = new byte[w.blockSize];
        for (long pfn = 0; pfn < w.maxMapnr + 3; pfn++) {
            long paddr = pfn * w.blockSize;
            if (w.pages.containsKey(pfn)) {
                m.read(paddr, buf, 0, buf.length);
                assertArrayEquals(w.pages.get(pfn), buf, "pfn " + pfn);
            } else if (w.excluded.contains(pfn)) {
                assertEquals(PageState.EXCLUDED, m.state(pfn));
                MemoryFault.Excluded e = assertThrows(MemoryFault.Excluded.class, () -> m.read(paddr, buf, 0, 8));
                assertTrue(e.getMessage().contains("dump level " + w.dumpLevel), e.getMessage());
            } else {
                assertEquals(PageState.ABSENT, m.state(pfn), "pfn " + pfn);
                assertThrows(MemoryFault.NotInDump.class, () -> m.read(paddr, buf, 0, 8));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void eachCompressionReadsBack(Compression c) {
        KdumpWriter w = sample(1);
        w.defaultCompression = c;
        byte[] file = w.build();
        try (DumpFile d = open(file)) {
            assertReadsBack(w, d);
            assertEquals(c == Compression.NONE ? "none" : c.name().toLowerCase(), d.format().compression());
            assertEquals(DumpFormat.Container.KDUMP, d.format().container());
            assertFalse(d.format().flattened());
            assertEquals(List.of(), d.warnings());
        }
    }

    @Test
    void pagesMayEachUseAnotherCompression() {
        KdumpWriter w = sample(2);
        Compression[] all = Compression.values();
        int i = 0;
        for (long pfn : w.pages.keySet()) {
            w.compression.put(pfn, all[i++ % all.length]);
        }
        try (DumpFile d = open(w.build())) {
            assertReadsBack(w, d);
            assertEquals("zlib+lzo+snappy+zstd", d.format().compression());
        }
    }

    @Test
    void crossPageReadsJoinPages() {
        KdumpWriter w = sample(3);
        try (DumpFile d = open(w.build())) {
            byte[] buf = new byte[100];
            d.memory().read(2L * 4096 - 50, buf, 0, 100);
            byte[] expected = new byte[100];
            System.arraycopy(w.pages.get(1L), 4096 - 50, expected, 0, 50);
            System.arraycopy(w.pages.get(2L), 0, expected, 50, 50);
            assertArrayEquals(expected, buf);
        }
    }

    @Test
    void sharedZeroPageCountsAsZero() {
        KdumpWriter w = sample(4);
        try (DumpFile d = open(w.build())) {
            assertEquals(PageState.ZERO, d.memory().state(25));
            assertEquals(PageState.PRESENT, d.memory().state(24));
            DumpFile.PageCounts c = d.pageCounts();
            assertEquals(w.pages.size() - 2, c.present());
            assertEquals(2, c.zero());
            assertEquals(7, c.excluded());
            assertEquals(0, c.truncated());
            assertEquals(64, c.total());
            assertReadsBack(w, d);
        }
        w.sharedZeroPage = false;
        try (DumpFile d = open(w.build())) {
            assertEquals(PageState.PRESENT, d.memory().state(25));
            assertEquals(0, d.pageCounts().zero());
            assertReadsBack(w, d);
        }
    }

    @Test
    void version6UsesTheSixtyFourBitFields() {
        KdumpWriter w = sample(5);
        w.maxMapnr32Override = 16L; // the obsolete field: must be ignored from version 6
        try (DumpFile d = open(w.build())) {
            assertEquals(64, d.memory().maxPfn());
            assertReadsBack(w, d);
            assertEquals(31, d.dumpLevel());
            assertEquals(INFO, d.vmcoreInfo().orElseThrow());
            assertEquals(3, d.notes().size());
            assertEquals(2, d.cpuNotes().size());
            assertEquals(97, d.cpuNotes().get(0).pid());
            assertEquals(0xffffffff81000000L, d.cpuNotes().get(0).register("rip").orElseThrow());
        }
    }

    @Test
    void version1HasNoNotesAndUsesTheThirtyTwoBitMaxMapnr() {
        KdumpWriter w = sample(6);
        w.headerVersion = 1;
        try (DumpFile d = open(w.build())) {
            assertReadsBack(w, d);
            assertEquals(31, d.dumpLevel());
            assertEquals(List.of(), d.notes());
            assertTrue(d.vmcoreInfo().isEmpty());
            List<String> names = d.header().stream().map(DumpFile.HeaderField::name).toList();
            assertTrue(names.contains("dump_level"));
            assertFalse(names.contains("offset_note"));
            assertFalse(names.contains("max_mapnr_64"));
        }
        w.maxMapnr32Override = 16L;
        try (DumpFile d = open(w.build())) {
            assertEquals(16, d.memory().maxPfn());
            assertEquals(PageState.ABSENT, d.memory().state(20));
        }
    }

    @Test
    void vmcoreinfoFallsBackToTheNote() {
        KdumpWriter w = sample(7);
        w.vmcoreinfo = null;
        try (DumpFile d = open(w.build())) {
            assertEquals("OSRELEASE=from-note\n", d.vmcoreInfo().orElseThrow());
        }
    }

    @Test
    void headerFieldsFollowCrash() {
        KdumpWriter w = sample(8);
        w.extraStatus = KdumpHeader.STATUS_EXCLUDED_VMEMMAP;
        try (DumpFile d = open(w.build())) {
            Map<String, String> h = d.header().stream()
                    .collect(Collectors.toMap(DumpFile.HeaderField::name, DumpFile.HeaderField::value));
            assertEquals("\"KDUMP   \"", h.get("signature"));
            assertEquals("6", h.get("header_version"));
            assertEquals("6.1.0-test", h.get("utsname.release"));
            assertEquals("x86_64", h.get("utsname.machine"));
            assertEquals("0x11 (DUMP_DH_COMPRESSED_ZLIB|DUMP_DH_EXCLUDED_VMEMMAP)", h.get("status"));
            assertEquals("4096", h.get("block_size"));
            assertEquals("2", h.get("nr_cpus"));
            assertEquals("0x1000000", h.get("phys_base"));
            assertTrue(h.get("dump_level").startsWith("31 (0x1f) (DUMP_EXCLUDE_ZERO|"), h.get("dump_level"));
            assertTrue(h.get("timestamp").startsWith("1700000000.000000"), h.get("timestamp"));
            assertEquals("64 (0x40)", h.get("max_mapnr_64"));
            assertEquals("(unused)", h.get("start_pfn_64"));
            List<String> order = d.header().stream().map(DumpFile.HeaderField::name).toList();
            assertEquals(List.of("signature", "header_version", "utsname.sysname"), order.subList(0, 3));
        }
    }

    @Test
    void qemuStylePhysBaseMisparseIsReported() {
        KdumpWriter w = sample(9);
        w.vmcoreinfo = "NUMBER(phys_base)=-301989888\n";
        w.physBase = 0xfffffffcfe676778L; // what QEMU 7.2 writes: the decimal text parsed as hex
        try (DumpFile d = open(w.build())) {
            assertEquals(1, d.warnings().size(), d.warnings().toString());
            assertTrue(d.warnings().get(0).contains("0xffffffffee000000"), d.warnings().get(0));
            assertTrue(d.warnings().get(0).contains("QEMU"), d.warnings().get(0));
        }
    }

    @Test
    void incompleteFlagAndUnwrittenDescriptorsFaultAsTruncated() {
        KdumpWriter w = sample(10);
        w.extraStatus = KdumpHeader.STATUS_INCOMPLETE;
        byte[] file = w.build();
        // makedumpfile stopped after pfn 21: the later descriptors were never written (zeros)
        long from = w.descriptorAt.get(22L);
        Arrays.fill(file, (int) from, (int) w.dataStart, (byte) 0);
        try (DumpFile d = open(file)) {
            assertTrue(d.warnings().stream().anyMatch(s -> s.contains("incomplete")), d.warnings().toString());
            byte[] buf = new byte[4096];
            d.memory().read(21 * 4096L, buf, 0, 4096);
            assertArrayEquals(w.pages.get(21L), buf);
            assertEquals(PageState.TRUNCATED, d.memory().state(22));
            assertThrows(MemoryFault.Truncated.class, () -> d.memory().read(30 * 4096L, buf, 0, 8));
            DumpFile.PageCounts c = d.pageCounts();
            assertEquals(w.pages.headMap(22L).size(), c.present() + c.zero());
            assertEquals(w.pages.tailMap(22L).size(), c.truncated());
        }
    }

    @Test
    void fileCutInsideThePageDataServesWhatExists() {
        KdumpWriter w = sample(11);
        byte[] full = w.build();
        long cut = w.dataAt.get(30L) + 10;
        try (DumpFile d = open(Arrays.copyOf(full, (int) cut))) {
            assertTrue(d.warnings().stream().anyMatch(s -> s.contains("cut short")), d.warnings().toString());
            byte[] buf = new byte[4096];
            d.memory().read(29 * 4096L, buf, 0, 4096);
            assertArrayEquals(w.pages.get(29L), buf);
            assertEquals(PageState.TRUNCATED, d.memory().state(31));
            assertThrows(MemoryFault.Truncated.class, () -> d.memory().read(30 * 4096L, buf, 0, 8));
            assertThrows(MemoryFault.Truncated.class, () -> d.memory().read(63 * 4096L, buf, 0, 8));
            assertEquals(PageState.EXCLUDED, d.memory().state(10));
            assertTrue(d.pageCounts().truncated() >= 10);
        }
    }

    @Test
    void fileCutShortIsNoticedWhenTheLastPagesAreZeroPages() {
        // makedumpfile -d 31 output often ends with zero pages, whose data lies at the start.
        KdumpWriter w = sample(12);
        w.pages.put(63L, new byte[w.blockSize]);
        byte[] full = w.build();
        long cut = w.dataAt.get(35L) + 10;
        try (DumpFile d = open(Arrays.copyOf(full, (int) cut))) {
            assertTrue(d.warnings().stream().anyMatch(s -> s.contains("cut short")), d.warnings().toString());
            byte[] buf = new byte[8];
            assertThrows(MemoryFault.Truncated.class, () -> d.memory().read(38 * 4096L, buf, 0, 8));
            assertEquals(PageState.ZERO, d.memory().state(63));
        }
    }

    @Test
    void fileCutInsideTheDescriptorsOrBitmapsStillOpens() {
        KdumpWriter w = sample(12);
        byte[] full = w.build();
        long cut = w.descriptorAt.get(5L) + 7;
        try (DumpFile d = open(Arrays.copyOf(full, (int) cut))) {
            assertTrue(d.warnings().stream().anyMatch(s -> s.contains("descriptors")), d.warnings().toString());
            assertEquals(PageState.TRUNCATED, d.memory().state(5));
            assertThrows(MemoryFault.Truncated.class, () -> d.memory().read(0, new byte[8], 0, 8));
        }
        try (DumpFile d = open(Arrays.copyOf(full, (int) w.bitmapOffset + 4))) {
            assertTrue(d.warnings().stream().anyMatch(s -> s.contains("bitmaps")), d.warnings().toString());
            assertEquals(PageState.TRUNCATED, d.memory().state(40));
            assertTrue(d.pageCounts().truncated() > 0);
        }
        assertThrows(FormatException.class, () -> open(Arrays.copyOf(full, 300)));
    }

    @Test
    void aBadDescriptorOrPageFailsThatPageOnly() {
        KdumpWriter w = sample(13);
        byte[] file = w.build();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(w.descriptorAt.get(3L).intValue(), file.length + 4096L); // data past the end
        b.putInt(w.descriptorAt.get(4L).intValue() + 8, 3 * 4096); // size > 2 blocks
        b.putLong(w.descriptorAt.get(5L).intValue(), -5); // negative offset
        int at6 = w.dataAt.get(6L).intValue();
        for (int i = 0; i < w.dataSize.get(6L); i++) {
            file[at6 + i] ^= 0x5a; // undecompressible
        }
        try (DumpFile d = open(file)) {
            byte[] buf = new byte[4096];
            for (long pfn : new long[] {3, 4, 5, 6}) {
                FormatException e = assertThrows(FormatException.class, () -> d.memory().read(pfn * 4096, buf, 0, 8));
                assertTrue(e.getMessage().startsWith("test.kdump at offset 0x"), e.getMessage());
            }
            for (long pfn : new long[] {2, 7, 8, 63}) {
                d.memory().read(pfn * 4096, buf, 0, 4096);
                assertArrayEquals(w.pages.get(pfn), buf);
            }
        }
    }

    @Test
    void hugeClaimsDoNotAllocate() {
        KdumpWriter w = sample(14);
        byte[] file = w.build();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(4096 + 96, 1L << 60); // max_mapnr_64
        b.putInt(436, 0x7fffffff); // bitmap_blocks
        long t = System.nanoTime();
        try (DumpFile d = open(file)) {
            assertTrue(d.memory().maxPfn() > 0);
            assertEquals(PageState.TRUNCATED, d.memory().state(1L << 40));
            d.pageCounts();
        }
        assertTrue(System.nanoTime() - t < 2_000_000_000L);
    }

    @Test
    void diskdumpWithOneBitmapReads() {
        KdumpWriter w = sample(15);
        w.diskdump = true;
        w.oneBitmap = true;
        w.excluded.clear();
        w.notes = new byte[0];
        w.vmcoreinfo = null;
        try (DumpFile d = open(w.build())) {
            assertEquals(DumpFormat.Container.DISKDUMP, d.format().container());
            assertEquals(-1, d.dumpLevel());
            assertEquals("\"DISKDUMP\"", d.header().get(0).value());
            assertReadsBack(w, d);
        }
    }

    @Test
    void onePartOfASplitDumpAloneWarns() {
        KdumpWriter w = sample(16);
        w.split = true;
        w.startPfn = 20;
        w.endPfn = 40;
        try (DumpFile d = open(w.build())) {
            assertTrue(d.warnings().stream().anyMatch(s -> s.contains("split")), d.warnings().toString());
            byte[] buf = new byte[4096];
            d.memory().read(21 * 4096L, buf, 0, 4096);
            assertArrayEquals(w.pages.get(21L), buf);
            assertThrows(MemoryFault.NotInDump.class, () -> d.memory().read(3 * 4096L, buf, 0, 8));
        }
    }
}
