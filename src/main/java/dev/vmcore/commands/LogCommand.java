package dev.vmcore.commands;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.kernel.KernelClock;
import dev.vmcore.kernel.LogRecord;
import dev.vmcore.kernel.Printk;
import dev.vmcore.program.Session;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/** log: the kernel message buffer from the dump's printk ring buffer, laid out as crash prints it. */
final class LogCommand implements Command {
    @Override
    public String name() {
        return "log";
    }

    @Override
    public String summary() {
        return "kernel message buffer";
    }

    /**
     * How crash's dump_record() lays a record out: the timestamp (seconds since boot, or with
     * {@code bootDate} the wall clock), the caller id in a column of {@code callerWidth} (0: none),
     * the level, the dev_info lines.
     */
    record Style(boolean time, OptionalLong bootDate, boolean level, int callerWidth, boolean dict) {
    }

    @Override
    public String help() {
        return """
                NAME
                  log - kernel message buffer

                SYNOPSIS
                  log [-T|-t] [-m] [-c] [-d]

                DESCRIPTION
                  The kernel log, oldest record first, read from the lockless printk ring buffer
                  (Linux 5.10+) or the older log_buf of printk_log records (3.5-5.9) as VMCOREINFO
                  describes them, so no vmlinux or types are needed. Each
                  record reads "[SSSSS.UUUUUU] text" (seconds since boot); the lines of a multi-line
                  record after the first are indented under the text, as in crash. Bytes that are
                  neither printable nor white space print as '.'.
                    -T  wall-clock timestamps, "[Thu Nov 26 10:12:56 UTC 2026] text", as crash
                        computes them: the boot time (the crash date from VMCOREINFO's CRASHTIME
                        or the timekeeper, less the uptime from jiffies_64) plus the record's
                        whole seconds since boot. Needs the kernel's symbols.
                    -t  no timestamps (wins over -T, as in crash)
                    -m  show the record's log level as <N> (0 emerg ... 7 debug)
                    -c  show the caller id, [T<pid>] for a task or [C<cpu>] for a CPU, in a column
                        sized from pid_max like crash's (6, 7 or 8 characters)
                    -d  after a record, its device information as SUBSYSTEM= and DEVICE= lines
                  With --json: an array "records" of {seq, timestampNs, level, caller, text, device}
                  (device: "SUBSYSTEM/DEVICE" or absent), with -T "bootDate" (seconds since the
                  epoch), and "warnings".
                  On the legacy log_buf the caller id is not recorded (T0) and seq counts from the
                  oldest record. A corrupt buffer gives the records read so far and a WARNING line.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-t", "-m", "-c", "-d", "-T"));
        if (!o.positional().isEmpty()) {
            throw new CommandException("log: usage: log [-T|-t] [-m] [-c] [-d]");
        }
        VmcoreInfo info = call.session().vmcoreInfo()
                .orElseThrow(() -> new CommandException("log: the dump has no VMCOREINFO to locate the log"));
        Printk.Log log = Printk.read(info, call.session().kernelMemory())
                .orElseThrow(() -> new CommandException(
                        "log: VMCOREINFO describes no printk buffer (neither prb nor log_buf keys)"));
        boolean time = !o.has("-t");
        OptionalLong bootDate = time && o.has("-T") ? bootDate(call) : OptionalLong.empty();
        if (time && o.has("-T") && bootDate.isEmpty()) {
            throw new CommandException("log: -T needs the boot time: no crash date (CRASHTIME, tk_core) or jiffies_64");
        }
        Printer out = call.out();
        if (out.isJson()) {
            json(out.json(), log, bootDate);
            return;
        }
        int callerWidth = o.has("-c") ? callerWidth(call) : 0;
        Style style = new Style(time, o.has("-T") ? bootDate : OptionalLong.empty(), o.has("-m"), callerWidth,
                o.has("-d"));
        for (LogRecord r : log.records()) {
            print(out, r, style);
        }
        for (String w : log.warnings()) {
            out.println("WARNING: " + w);
        }
    }

    private static OptionalLong bootDate(Invocation call) {
        Session s = call.session();
        return Addresses.symbolsIfAny(s)
                .map(t -> new KernelClock(t, s.kernelMemory(), s.kernelTypes()).bootDate(s.vmcoreInfo()))
                .orElse(OptionalLong.empty());
    }

    private static int callerWidth(Invocation call) {
        Session s = call.session();
        return Addresses.symbolsIfAny(s).map(t -> Printk.callerWidth(t, s.kernelMemory()))
                .orElse(Printk.CALLER_WIDTH_DEFAULT);
    }

    private static void json(JsonOut j, Printk.Log log, OptionalLong bootDate) {
        if (bootDate.isPresent()) {
            j.field("bootDate", bootDate.getAsLong());
        }
        JsonOut a = j.beginArray("records");
        for (LogRecord r : log.records()) {
            a.beginObject().field("seq", r.seq()).field("timestampNs", r.timestampNs()).field("level", r.level())
                    .field("caller", r.caller()).field("text", r.text());
            if (!r.subsystem().isEmpty() || !r.device().isEmpty()) {
                a.field("device", r.subsystem() + "/" + r.device());
            }
            a.end();
        }
        a.end();
        JsonOut w = j.beginArray("warnings");
        log.warnings().forEach(w::value);
        w.end();
    }

    /** One record as crash's dump_record() prints it (crash printk.c). */
    static void print(Printer out, LogRecord r, Style style) {
        StringBuilder prefix = new StringBuilder();
        if (style.time()) {
            long ts = r.timestampNs();
            long sec = Long.divideUnsigned(ts, 1_000_000_000L);
            if (style.bootDate().isPresent()) {
                prefix.append('[').append(KernelClock.ctime(style.bootDate().getAsLong() + sec)).append("] ");
            } else {
                prefix.append(String.format(Locale.ROOT, "[%5d.%06d] ", sec,
                        Long.remainderUnsigned(ts, 1_000_000_000L) / 1000));
            }
        }
        if (style.callerWidth() > 0) {
            prefix.append(String.format(Locale.ROOT, "[%" + style.callerWidth() + "s] ", r.caller()));
        }
        if (style.level()) {
            prefix.append('<').append(Integer.toHexString(r.level())).append('>');
        }
        String indent = " ".repeat(prefix.length());
        StringBuilder line = new StringBuilder(prefix);
        for (byte b : r.textBytes()) {
            int ch = b & 0xff;
            if (ch == '\n') {
                out.println(line.toString());
                line.setLength(0);
                line.append(indent);
            } else {
                line.append(printable(ch) ? (char) ch : '.');
            }
        }
        out.println(line.toString());
        if (style.dict()) {
            if (!r.subsystem().isEmpty()) {
                out.println(indent + "SUBSYSTEM=" + r.subsystem());
            }
            if (!r.device().isEmpty()) {
                out.println(indent + "DEVICE=" + r.device());
            }
        }
    }

    /** C isprint() or isspace() in the C locale. */
    private static boolean printable(int ch) {
        return ch >= 0x20 && ch < 0x7f || ch == '\t' || ch == '\r' || ch == 0x0b || ch == 0x0c;
    }
}
