package dev.vmcore.commands;

import dev.vmcore.dump.DumpFile;
import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.kernel.KernelClock;
import dev.vmcore.kernel.KernelVariables;
import dev.vmcore.kernel.Panic;
import dev.vmcore.kernel.Printk;
import dev.vmcore.kernel.Tasks;
import dev.vmcore.kernel.Uts;
import dev.vmcore.program.Session;
import dev.vmcore.util.VmcoreException;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** sys: the system's vital data, in crash's layout, from whatever sources the session has. */
final class SysCommand implements Command {
    /** crash's ctime_tz: ctime's layout (day of month space-padded) with the zone; dumps are shown in UTC. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy", Locale.ROOT);

    @Override
    public String name() {
        return "sys";
    }

    @Override
    public String summary() {
        return "system data: release, CPUs, date, memory, panic";
    }

    @Override
    public String help() {
        return """
                NAME
                  sys - system data

                SYNOPSIS
                  sys

                DESCRIPTION
                  Prints KERNEL, DUMPFILE, CPUS, DATE, UPTIME, LOAD AVERAGE, TASKS, NODENAME,
                  RELEASE, VERSION, MACHINE, MEMORY and PANIC as crash does, from the dump's
                  VMCOREINFO, notes and kernel memory: DATE from CRASHTIME or the timekeeper
                  (tk_core), UPTIME from jiffies_64 with crash's HZ, TASKS and MEMORY (the nodes'
                  present pages) from the task and node lists, PANIC from the log as crash's
                  get_panicmsg searches it. A field the current sources cannot give says so. The
                  last lines name the sources in use.
                """;
    }

    @Override
    public void run(Invocation call) {
        if (!call.args().isEmpty()) {
            throw new CommandException("sys: options are not supported yet: " + String.join(" ", call.args()));
        }
        Map<String, String> fields = fields(call.session());
        Printer out = call.out();
        if (out.isJson()) {
            JsonOut j = out.json();
            fields.forEach((k, v) -> j.field(jsonName(k), v));
            return;
        }
        fields.forEach((k, v) -> out.printf("%12s: %s", k, v));
    }

    static Map<String, String> fields(Session s) {
        DumpFile dump = s.dump();
        Optional<VmcoreInfo> info = s.vmcoreInfo();
        Optional<Uts> uts = info.flatMap(v -> {
            try {
                return Uts.read(v, s.kernelMemory());
            } catch (VmcoreException e) {
                return Optional.empty();
            }
        });
        Map<String, String> f = new LinkedHashMap<>();
        Optional<KernelVariables> vars = Addresses.symbolsIfAny(s).map(t -> new KernelVariables(t, s.kernelMemory()));
        boolean tainted = vars.flatMap(KernelVariables::taintedMask).map(m -> m != 0).orElse(false);
        f.put("KERNEL", s.inputs().vmlinux().map(Path::toString).orElse("(none: working from the dump alone)")
                + (tainted ? "  [TAINTED]" : ""));
        f.put("DUMPFILE", String.join(" ", dump.files().stream().map(Path::toString).toList())
                + (dump.dumpLevel() > 0 ? "  [PARTIAL DUMP]" : ""));
        int cpus = dump.cpuCount();
        int offline = vars.map(v -> v.offlineCpus(cpus).orElse(0)).orElse(0);
        f.put("CPUS", cpus + (offline > 0 ? " [OFFLINE: " + offline + "]" : ""));
        Optional<KernelClock> clock = Addresses.symbolsIfAny(s).map(t -> new KernelClock(t, s.kernelMemory(), s.kernelTypes()));
        f.put("DATE", info.flatMap(v -> v.get("CRASHTIME")).map(SysCommand::date)
                .or(() -> clock.flatMap(c -> {
                    OptionalLong sec = c.crashTimeSeconds();
                    return sec.isPresent() ? Optional.of(date(Long.toString(sec.getAsLong()))) : Optional.empty();
                }))
                .orElse("(unknown: no CRASHTIME in VMCOREINFO and no readable tk_core)"));
        f.put("UPTIME", clock.flatMap(KernelClock::uptime).orElse("(unknown: no jiffies_64 symbol)"));
        f.put("LOAD AVERAGE", vars.flatMap(KernelVariables::loadAverage).orElse("(unknown: no avenrun symbol)"));
        Optional<Tasks> tasks = tasks(s);
        f.put("TASKS", tasks.map(t -> Integer.toString(t.all().size())).orElse("(unknown: the task list cannot be read)"));
        f.put("NODENAME", uts.map(Uts::nodename).orElse("(unknown)"));
        f.put("RELEASE", uts.map(Uts::release).or(() -> info.flatMap(VmcoreInfo::release)).orElse("(unknown)"));
        f.put("VERSION", uts.map(Uts::version).orElse("(unknown)"));
        String mhz = vars.map(v -> v.cpuMhz().isPresent() ? "  (" + v.cpuMhz().getAsInt() + " Mhz)" : "").orElse("");
        f.put("MACHINE", uts.map(Uts::machine).orElse("(unknown)") + mhz);
        f.put("MEMORY", megabytes(memoryPages(dump, tasks) * dump.memory().pageSize()));
        f.put("PANIC", "\"" + panicMessage(s, info).orElse("") + "\"");
        f.put("SYMBOLS", Addresses.symbolsIfAny(s).map(t -> t.source()).orElse("(none)"));
        f.put("TYPES", s.typeSourceName());
        return f;
    }

    private static Optional<Tasks> tasks(Session s) {
        try {
            return Optional.of(Tasks.read(s));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /** crash's vt->total_pages: the nodes' present pages; else the pages the dump describes. */
    private static long memoryPages(DumpFile dump, Optional<Tasks> tasks) {
        if (tasks.isPresent() && tasks.get().totalRamPages() > 0) {
            return tasks.get().totalRamPages();
        }
        DumpFile.PageCounts pages = dump.pageCounts();
        return pages.present() + pages.zero() + pages.excluded() + pages.truncated();
    }

    private static Optional<String> panicMessage(Session s, Optional<VmcoreInfo> info) {
        try {
            return info.flatMap(i -> Printk.read(i, s.kernelMemory())).flatMap(log -> Panic.message(log.records()));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    private static String date(String epochSeconds) {
        try {
            return DATE.format(Instant.ofEpochSecond(Long.parseLong(epochSeconds)).atZone(ZoneOffset.UTC));
        } catch (NumberFormatException e) {
            return "(bad CRASHTIME " + epochSeconds + ")";
        }
    }

    /** crash's format: one decimal, MB below 1 GB, GB above. */
    static String megabytes(long bytes) {
        double mb = bytes / (1024.0 * 1024.0);
        return mb >= 1024 ? String.format(Locale.ROOT, "%.1f GB", mb / 1024) : String.format(Locale.ROOT, "%.1f MB", mb);
    }

    private static String jsonName(String field) {
        String lower = field.toLowerCase(Locale.ROOT);
        int sp = lower.indexOf(' ');
        return sp < 0 ? lower : lower.substring(0, sp) + Character.toUpperCase(lower.charAt(sp + 1)) + lower.substring(sp + 2);
    }
}
