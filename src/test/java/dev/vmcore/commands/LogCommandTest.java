package dev.vmcore.commands;

import dev.vmcore.kernel.LogRecord;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The text layout of one record, as crash's dump_record() prints it. */
class LogCommandTest {
    private static String print(LogRecord r, boolean time, boolean level, boolean caller, boolean dict) {
        StringWriter w = new StringWriter();
        StreamPrinter p = StreamPrinter.text(new PrintWriter(w));
        LogCommand.print(p, r, new LogCommand.Style(time, OptionalLong.empty(), level, caller ? 6 : 0, dict));
        p.finish();
        return w.toString();
    }

    private static LogRecord record(long ts, String text) {
        return new LogRecord(7, ts, 4, 0, 0x8000_0002, text.getBytes(StandardCharsets.UTF_8), "pci", "+pci:0000:00:02.0");
    }

    @Test
    void timestampAndContinuationLines() {
        assertEquals("[    8.274717] first\n               second\n",
                print(record(8_274_717_123L, "first\nsecond"), true, false, false, false));
        assertEquals("[12345.000001] x\n", print(record(12_345_000_001_000L, "x"), true, false, false, false));
        assertEquals("first\nsecond\n", print(record(0, "first\nsecond"), false, false, false, false));
    }

    @Test
    void levelCallerAndDeviceInfo() {
        assertEquals("[    0.000001] [    C2] <4>x\n"
                        + "                           SUBSYSTEM=pci\n"
                        + "                           DEVICE=+pci:0000:00:02.0\n",
                print(record(1000, "x"), true, true, true, true));
    }

    @Test
    void wallClockTimestampsAndWideCallerColumn() {
        StringWriter w = new StringWriter();
        StreamPrinter p = StreamPrinter.text(new PrintWriter(w));
        // 2026-11-26 10:12:56 UTC; 10.999999999 s after boot is still second 10 (crash drops the fraction)
        LogCommand.print(p, record(10_999_999_999L, "a\nb"),
                new LogCommand.Style(true, OptionalLong.of(1_795_687_976L), true, 8, false));
        p.finish();
        assertEquals("[Thu Nov 26 10:13:06 UTC 2026] [      C2] <4>a\n"
                + " ".repeat(45) + "b\n", w.toString());
    }

    @Test
    void unprintableBytesAreDots() {
        assertEquals("a.b\tc..\n", print(new LogRecord(0, 0, 6, 0, 1,
                new byte[] {'a', 1, 'b', '\t', 'c', (byte) 0xc3, (byte) 0xa9}, "", ""), false, false, false, false));
    }
}
