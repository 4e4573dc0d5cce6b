package dev.vmcore.analyze;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.kernel.LogRecord;
import dev.vmcore.kernel.Printk;
import dev.vmcore.program.Session;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;

/**
 * A dump's own kernel log (the printk buffer the {@code log} command prints) as console text:
 * {@code [seconds.micros] text}, a record of several lines giving one line each under the same
 * timestamp. The oops the dump was taken for is usually at its end.
 */
public final class DumpLog {
    private DumpLog() {
    }

    /** The log's lines; a one-line VmcoreException when the dump does not say where the log is. */
    public static List<String> lines(Session session) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records(session)) {
            long us = r.timestampNs() / 1000;
            String stamp = String.format("[%5d.%06d] ", us / 1_000_000, us % 1_000_000);
            for (String l : r.text().split("\n", -1)) {
                out.add(stamp + l);
            }
        }
        return out;
    }

    /**
     * The log's lines without timestamps, as the kernel wrote them (for reading its reports); empty
     * when the log cannot be read: analyze then works from the registers alone.
     */
    public static List<String> text(Session session) {
        try {
            return records(session).stream().map(LogRecord::text).flatMap(String::lines).toList();
        } catch (VmcoreException e) {
            return List.of();
        }
    }

    private static List<LogRecord> records(Session session) {
        VmcoreInfo info = session.vmcoreInfo().orElseThrow(() -> new VmcoreException(
                "the dump has no VMCOREINFO to locate the kernel log"));
        return Printk.read(info, session.kernelMemory()).orElseThrow(() -> new VmcoreException(
                "VMCOREINFO describes no printk buffer (neither prb nor log_buf keys)")).records();
    }
}
