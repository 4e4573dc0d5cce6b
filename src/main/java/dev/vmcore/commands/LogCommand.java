package dev.vmcore.commands;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.kernel.LogRecord;
import dev.vmcore.kernel.Printk;

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

    @Override
    public String help() {
        return """
                NAME
                  log - kernel message buffer

                SYNOPSIS
                  log [-t] [-m] [-c] [-d]

                DESCRIPTION
                  The kernel log, oldest record first, read from the lockless printk ring buffer
                  (Linux 5.10+) or the older log_buf of printk_log records (3.5-5.9) as VMCOREINFO
                  describes them, so no vmlinux or types are needed. Each
                  record reads "[SSSSS.UUUUUU] text" (seconds since boot); the lines of a multi-line
                  record after the first are indented under the text, as in crash. Bytes that are
                  neither printable nor white space print as '.'.
                    -t  no timestamps
                    -m  show the record's log level as <N> (0 emerg ... 7 debug)
                    -c  show the caller id, [T<pid>] for a task or [C<cpu>] for a CPU
                    -d  after a record, its device information as SUBSYSTEM= and DEVICE= lines
                  With --json: an array "records" of {seq, timestampNs, level, caller, text, device}
                  (device: "SUBSYSTEM/DEVICE" or absent), and "warnings".
                  Not supported: crash's -T (wall-clock timestamps) needs the boot time, which
                  crash derives from the kernel's timekeeper; VMCOREINFO does not give it. On the
                  legacy log_buf the caller id is not recorded (T0) and seq counts from the oldest
                  record. A corrupt buffer gives the records read so far and a WARNING line.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-t", "-m", "-c", "-d", "-T"));
        if (o.has("-T")) {
            throw new CommandException("log: -T is not supported: the dump gives no boot time (see help log)");
        }
        if (!o.positional().isEmpty()) {
            throw new CommandException("log: usage: log [-t] [-m] [-c] [-d]");
        }
        VmcoreInfo info = call.session().vmcoreInfo()
                .orElseThrow(() -> new CommandException("log: the dump has no VMCOREINFO to locate the log"));
        Printk.Log log = Printk.read(info, call.session().kernelMemory())
                .orElseThrow(() -> new CommandException(
                        "log: VMCOREINFO describes no printk buffer (neither prb nor log_buf keys)"));
        Printer out = call.out();
        if (out.isJson()) {
            json(out.json(), log);
            return;
        }
        for (LogRecord r : log.records()) {
            print(out, r, !o.has("-t"), o.has("-m"), o.has("-c"), o.has("-d"));
        }
        for (String w : log.warnings()) {
            out.println("WARNING: " + w);
        }
    }

    private static void json(JsonOut j, Printk.Log log) {
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
    static void print(Printer out, LogRecord r, boolean time, boolean level, boolean caller, boolean dict) {
        StringBuilder prefix = new StringBuilder();
        if (time) {
            long ts = r.timestampNs();
            prefix.append(String.format(java.util.Locale.ROOT, "[%5d.%06d] ",
                    Long.divideUnsigned(ts, 1_000_000_000L), Long.remainderUnsigned(ts, 1_000_000_000L) / 1000));
        }
        if (caller) {
            prefix.append(String.format(java.util.Locale.ROOT, "[%6s] ", r.caller()));
        }
        if (level) {
            prefix.append('<').append(r.level()).append('>');
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
        if (dict) {
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
