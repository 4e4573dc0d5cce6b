package dev.vmcore.kernel;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** crash's get_panicmsg order on synthetic logs, and crash's uptime format. */
class PanicMessageTest {
    private static LogRecord rec(long seq, String text) {
        return new LogRecord(seq, seq * 1000, 0, 0, 0, text.getBytes(StandardCharsets.UTF_8), "", "");
    }

    @Test
    void searchesInCrashsOrderAndTakesTheFirstLine() {
        List<LogRecord> log = List.of(rec(1, "BUG: kernel NULL pointer dereference, address: 0000000000000000"),
                rec(2, "Kernel panic - not syncing: Fatal exception"),
                rec(3, "Kernel panic - not syncing: second"));
        assertEquals(Optional.of("Kernel panic - not syncing: Fatal exception"), Panic.message(log));
        List<LogRecord> gpf = List.of(rec(1, "Kernel panic - not syncing: Fatal exception"),
                rec(2, "general protection fault: 0000 [#1] SMP"));
        assertEquals(Optional.of("general protection fault: 0000 [#1] SMP"), Panic.message(gpf));
        assertEquals(Optional.empty(), Panic.message(List.of(rec(1, "Oops: 0002 [#1] SMP"))));
    }

    @Test
    void uptimeHasCrashsFormat() {
        assertEquals("00:00:15", KernelClock.formatSeconds(15));
        assertEquals("01:02:03", KernelClock.formatSeconds(3723));
        assertEquals("2 days, 00:00:01", KernelClock.formatSeconds(2 * 86_400 + 1));
    }
}
