package dev.vmcore.kernel;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.ArrayAddressSpace;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 3.5-5.9 log_buf of struct printk_log records, built as log_store() writes it (x86-64, 16-byte header). */
class LegacyPrintkTest {
    private static final long BASE = 0xffffffff82000000L;
    private static final long BUF = BASE + 0x1000;
    private static final int BUF_LEN = 256;
    private static final String INFO = """
            SYMBOL(log_buf)=%x
            SYMBOL(log_buf_len)=%x
            SYMBOL(log_first_idx)=%x
            SYMBOL(clear_idx)=%x
            SYMBOL(log_next_idx)=%x
            SIZE(printk_log)=16
            OFFSET(printk_log.ts_nsec)=0
            OFFSET(printk_log.len)=8
            OFFSET(printk_log.text_len)=10
            OFFSET(printk_log.dict_len)=12
            """.formatted(BASE, BASE + 8, BASE + 16, BASE + 20, BASE + 24);

    private final ByteBuffer image = ByteBuffer.allocate(0x2000).order(ByteOrder.LITTLE_ENDIAN);
    private int next;

    LegacyPrintkTest() {
        image.putLong(0, BUF);
        image.putInt(8, BUF_LEN);
    }

    /** log_store(): wraps to 0 (zero header left behind) when the record and a header do not fit. */
    private int store(long ts, int level, String text, String dict) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] d = dict.getBytes(StandardCharsets.UTF_8);
        int len = (16 + t.length + d.length + 7) & ~7;
        if (next + len + 16 > BUF_LEN) {
            for (int i = 0; i < 16; i++) {
                image.put(0x1000 + next + i, (byte) 0);
            }
            next = 0;
        }
        int at = next;
        image.putLong(0x1000 + at, ts);
        image.putShort(0x1000 + at + 8, (short) len);
        image.putShort(0x1000 + at + 10, (short) t.length);
        image.putShort(0x1000 + at + 12, (short) d.length);
        image.put(0x1000 + at + 14, (byte) 0);
        image.put(0x1000 + at + 15, (byte) (level << 5));
        image.put(0x1000 + at + 16, t);
        image.put(0x1000 + at + 16 + t.length, d);
        next += len;
        image.putInt(24, next);
        return at;
    }

    private Printk.Log read(int first) {
        image.putInt(16, first);
        AddressSpace mem = new ArrayAddressSpace(BASE, image.array());
        return assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Printk.read(VmcoreInfo.parse(INFO), mem).orElseThrow());
    }

    @Test
    void readsRecordsAcrossTheWrap() {
        store(1, 6, "zero " + "z".repeat(100), "");
        int first = store(2_000_001_000L, 4, "one " + "o".repeat(20), "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0");
        store(3, 5, "two " + "t".repeat(60), "");
        store(4, 6, "three", ""); // wraps: overwrites "zero"
        Printk.Log log = read(first);
        assertEquals(List.of("one " + "o".repeat(20), "two " + "t".repeat(60), "three"),
                log.records().stream().map(LogRecord::text).toList(), log.warnings().toString());
        LogRecord r = log.records().get(0);
        assertEquals(2_000_001_000L, r.timestampNs());
        assertEquals(4, r.level());
        assertEquals("pci", r.subsystem());
        assertEquals("+pci:0000:00:01.0", r.device());
        assertEquals(List.of(), log.warnings());
    }

    @Test
    void corruptLengthGivesTheRecordsSoFarAndAWarning() {
        int first = store(1, 6, "a", "");
        int second = store(2, 6, "b", "");
        store(3, 6, "c", "");
        image.putShort(0x1000 + second + 8, (short) 3); // shorter than the header
        Printk.Log log = read(first);
        assertEquals(List.of("a"), log.records().stream().map(LogRecord::text).toList());
        assertEquals(1, log.warnings().size());
        assertTrue(log.warnings().get(0).contains("stopped after 1 records"), log.warnings().get(0));
    }

    @Test
    void zeroHeadersEverywhereStop() {
        store(1, 6, "a", "");
        image.putInt(24, 128); // log_next_idx pointing at zeros
        for (int i = 0; i < BUF_LEN; i++) {
            image.put(0x1000 + i, (byte) 0);
        }
        Printk.Log log = read(64);
        assertEquals(List.of(), log.records());
        assertEquals(1, log.warnings().size());
    }

    @Test
    void emptyBufferIsAnEmptyLog() {
        Printk.Log log = read(0);
        assertEquals(List.of(), log.records());
        assertEquals(List.of(), log.warnings());
    }
}
