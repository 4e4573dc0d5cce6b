package dev.vmcore.kernel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrintkTest {
    private static Printk.Log read(PrintkWriter w) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Printk.read(w.info(), w.memory()).orElseThrow());
    }

    private static List<String> texts(Printk.Log log) {
        return log.records().stream().map(LogRecord::text).toList();
    }

    @Test
    void readsRecordsWithTheirFields() {
        PrintkWriter w = new PrintkWriter(4, 8, 0, 0);
        w.add(0, 5, 0, "Linux version 6.1");
        w.add(8_274_717_000L, 4, 0x8000_0001, "second\nline two", "pci", "+pci:0000:00:01.0", 2);
        w.add(9_000_000_001L, 6, 123, "committed", "", "", 1);
        Printk.Log log = read(w);
        assertEquals(List.of("Linux version 6.1", "second\nline two", "committed"), texts(log));
        LogRecord r = log.records().get(1);
        assertEquals(1, r.seq());
        assertEquals(8_274_717_000L, r.timestampNs());
        assertEquals(4, r.level());
        assertEquals("C1", r.caller());
        assertEquals("T123", log.records().get(2).caller());
        assertEquals("pci", r.subsystem());
        assertEquals("+pci:0000:00:01.0", r.device());
        assertEquals(List.of(), log.warnings());
    }

    @Test
    void noKeysNoLog() {
        assertTrue(Printk.read(dev.vmcore.dump.VmcoreInfo.parse("OSRELEASE=5.4\n"), new PrintkWriter(4, 8, 0, 0)
                .memory()).isEmpty());
    }

    @Test
    void wrappedDataRingAndARecordSpanningTheWrap() {
        // 256 data bytes, lpos starting in wrap 5: the records run past the end twice
        PrintkWriter w = new PrintkWriter(4, 8, 0, 5);
        for (int i = 0; i < 12; i++) {
            w.add(i * 1000L, 6, i, "message number " + i + " " + "x".repeat(i * 3));
        }
        // the oldest records were overwritten: the kernel moved the tail past them
        w.tail(9);
        Printk.Log log = read(w);
        assertEquals(3, log.records().size(), texts(log).toString());
        for (int i = 0; i < 3; i++) {
            int n = 9 + i;
            assertEquals("message number " + n + " " + "x".repeat(n * 3), log.records().get(i).text());
        }
        assertEquals(List.of(), log.warnings());
        // at least one of them wrapped: begin in one wrap, next in the following one
        boolean spans = false;
        for (long id = 9; id < 12; id++) {
            long begin = w.image.getLong((int) (PrintkWriter.DESCS + (id & 15) * 24 + 8 - PrintkWriter.BASE));
            long next = w.image.getLong((int) (PrintkWriter.DESCS + (id & 15) * 24 + 16 - PrintkWriter.BASE));
            spans |= begin >>> 8 != next >>> 8;
        }
        assertTrue(spans, "the test data should include a record spanning the wrap");
    }

    @Test
    void descriptorIdsWrapTheDescRing() {
        PrintkWriter w = new PrintkWriter(2, 10, 100, 0); // 4 descriptors, ids 100..109
        for (int i = 0; i < 10; i++) {
            w.add(i, 6, 1, "r" + i);
        }
        w.tail(106);
        assertEquals(List.of("r6", "r7", "r8", "r9"), texts(read(w)));
    }

    @Test
    void skipsReservedReusableAndRecycledDescriptors() {
        PrintkWriter w = new PrintkWriter(4, 10, 0, 0);
        for (int i = 0; i < 5; i++) {
            w.add(i, 6, 1, "r" + i);
        }
        w.descState(1, 3, 1);  // reusable
        w.descState(2, 0, 2);  // reserved
        w.descState(3, 2, 19); // recycled for id 19 (same slot)
        Printk.Log log = read(w);
        assertEquals(List.of("r0", "r4"), texts(log));
        assertEquals(List.of(), log.warnings());
    }

    @Test
    void dataLessRecordsHaveEmptyText() {
        PrintkWriter w = new PrintkWriter(4, 10, 0, 0);
        w.add(0, 6, 1, "a");
        w.add(1, 6, 1, "b");
        w.lpos(1, 1, 1); // FAILED_LPOS
        assertEquals(List.of("a", ""), texts(read(w)));
    }

    @Test
    void corruptLposGiveTheOtherRecordsAndOneWarning() {
        PrintkWriter w = new PrintkWriter(4, 8, 0, 0);
        for (int i = 0; i < 5; i++) {
            w.add(i, 6, 1, "r" + i);
        }
        w.lpos(1, 0x10, 0x10_0000);           // next many wraps ahead
        w.lpos(2, 0x24, 0x40);                // misaligned
        w.lpos(3, 0x40, 0x20);                // next before begin in the same wrap
        Printk.Log log = read(w);
        assertEquals(List.of("r0", "r4"), texts(log));
        assertEquals(1, log.warnings().size(), log.warnings().toString());
        assertTrue(log.warnings().get(0).contains("3 record(s)"), log.warnings().get(0));
    }

    @Test
    void hugeIdSpanIsCappedToTheRing() {
        PrintkWriter w = new PrintkWriter(4, 10, 0, 0);
        for (int i = 0; i < 3; i++) {
            w.add(i, 6, 1, "r" + i);
        }
        w.tail(0x3fff_ffff_ffff_0000L); // tail far behind head: 2^62-sized span
        Printk.Log log = read(w);
        assertEquals(List.of("r0", "r1", "r2"), texts(log));
        assertEquals(1, log.warnings().size());
    }

    @Test
    void implausibleRingSizesGiveAWarningAndNoRecords() {
        PrintkWriter w = new PrintkWriter(4, 10, 0, 0);
        w.add(0, 6, 1, "r0");
        w.image.putInt((int) (PrintkWriter.RB - PrintkWriter.BASE), 60); // count_bits
        Printk.Log log = read(w);
        assertEquals(List.of(), log.records());
        assertEquals(1, log.warnings().size());
    }

    @Test
    void unreadableDescriptorsStopWithTheRecordsSoFar() {
        PrintkWriter w = new PrintkWriter(4, 10, 0, 0);
        for (int i = 0; i < 3; i++) {
            w.add(i, 6, 1, "r" + i);
        }
        w.putLong(PrintkWriter.RB + 16, 0xdead_0000_0000_0000L); // infos pointer now unmapped
        Printk.Log log = read(w);
        assertEquals(List.of(), log.records());
        assertEquals(1, log.warnings().size());
        assertTrue(log.warnings().get(0).contains("stopped at descriptor id 0"), log.warnings().get(0));
    }

    @Test
    void textLongerThanTheBlockIsCut() {
        PrintkWriter w = new PrintkWriter(4, 10, 0, 0);
        w.add(0, 6, 1, "abcdefgh");
        // text_len claims 60000 bytes; the block holds 8
        w.image.putShort((int) (PrintkWriter.INFOS + 16 - PrintkWriter.BASE), (short) 60000);
        assertEquals(List.of("abcdefgh"), texts(read(w)));
    }
}
