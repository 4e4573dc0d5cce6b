package dev.vmcore.kernel;

import java.nio.charset.StandardCharsets;

/**
 * One printk record as the kernel stored it: sequence number, timestamp (ns since boot), syslog
 * level and facility, the caller id (CONFIG_PRINTK_CALLER: thread id, or CPU id with bit 31 set),
 * the raw text bytes and the dev_info SUBSYSTEM/DEVICE strings (empty when absent).
 */
public record LogRecord(long seq, long timestampNs, int level, int facility, int callerId, byte[] textBytes,
                        String subsystem, String device) {
    private static final int CALLER_CPU = 0x8000_0000;

    public LogRecord {
        textBytes = textBytes.clone();
    }

    /** The text decoded as UTF-8 (invalid sequences replaced). */
    public String text() {
        return new String(textBytes, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] textBytes() {
        return textBytes.clone();
    }

    /** "T123" for a thread, "C1" for a CPU, as the kernel prints it with CONFIG_PRINTK_CALLER. */
    public String caller() {
        return ((callerId & CALLER_CPU) != 0 ? "C" : "T") + Integer.toUnsignedString(callerId & ~CALLER_CPU);
    }
}
