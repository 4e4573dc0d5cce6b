package dev.vmcore.kernel;

import dev.vmcore.dump.CpuNote;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.util.VmcoreException;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The crash itself: the panic message as crash's get_panicmsg finds it in the log, the CPU that
 * panicked (kernel/panic.c panic_cpu) and the task it was running.
 */
public final class Panic {
    /** kernel/panic.c: PANIC_CPU_INVALID. */
    private static final int PANIC_CPU_INVALID = -1;

    /** crash kernel.c get_panicmsg: the searches in order; the first line any one matches wins. */
    private static final List<List<String>> SEARCHES = List.of(
            List.of("general protection fault: ", "double fault: ", "divide error: ", "stack segment: "),
            List.of("SysRq : Netdump", "SysRq : Crash", "SysRq : Trigger a crash"),
            List.of("Kernel panic: ", "Kernel panic - "),
            List.of("[Hardware Error]: "),
            List.of("Bad mode in "));

    private Panic() {
    }

    /**
     * The panic message: the first log line matching crash's first matching search, without
     * its line feed; empty when no line matches.
     */
    public static Optional<String> message(List<LogRecord> log) {
        List<String> lines = log.stream().flatMap(r -> r.text().lines()).toList();
        for (List<String> patterns : SEARCHES) {
            for (String line : lines) {
                if (patterns.stream().anyMatch(line::contains)) {
                    return Optional.of(line.strip());
                }
            }
        }
        return Optional.empty();
    }

    /** The CPU in panic(): panic_cpu (an atomic_t, kernel/panic.c), when it names one. */
    public static OptionalInt panicCpu(SymbolTable symbols, AddressSpace mem) {
        Optional<Symbol> s = symbols.find("panic_cpu");
        if (s.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int cpu = mem.readInt(s.get().address());
            return cpu == PANIC_CPU_INVALID || cpu < 0 ? OptionalInt.empty() : OptionalInt.of(cpu);
        } catch (VmcoreException e) {
            return OptionalInt.empty();
        }
    }

    /** The oops's task line: "CPU: 1 PID: 98 Comm: insmod" (6.12 adds "UID: 0" before PID). */
    private static final Pattern TASK_LINE = Pattern.compile("CPU: (\\d+) (?:UID: \\d+ )?PID: (\\d+) Comm: ");

    /**
     * The panic task when panic_cpu names none (a dump taken without panic(), or an old kernel):
     * the CPU and PID of the last oops's task line in the log; else, when the CPU notes come from
     * the kernel (kdump's crash_save_cpu writes the running task's pid into each NT_PRSTATUS; QEMU
     * writes no pids), the one CPU whose note names a task other than its idle task.
     */
    public static Optional<TaskInfo> panicTaskWithoutPanicCpu(List<TaskInfo> tasks, List<LogRecord> log,
                                                              List<CpuNote> notes) {
        for (int i = log.size() - 1; i >= 0; i--) {
            Matcher m = TASK_LINE.matcher(log.get(i).text());
            if (m.find()) {
                int cpu = Integer.parseInt(m.group(1));
                int pid = Integer.parseInt(m.group(2));
                Optional<TaskInfo> t = tasks.stream().filter(x -> x.active() && x.cpu() == cpu && x.pid() == pid).findFirst();
                if (t.isPresent()) {
                    return t;
                }
            }
        }
        if (notes.stream().anyMatch(n -> n.kind().equals("QEMU"))) {
            return Optional.empty();
        }
        List<Integer> pids = notes.stream().filter(n -> n.kind().equals("NT_PRSTATUS") && n.pid() > 0).map(CpuNote::pid)
                .distinct().toList();
        if (pids.size() != 1) {
            return Optional.empty();
        }
        return tasks.stream().filter(x -> x.active() && x.pid() == pids.get(0)).findFirst();
    }

    /**
     * The panic task of a session: the task running on panic_cpu; without panic_cpu, what
     * {@link #panicTaskWithoutPanicCpu} finds in the log and the CPU notes (the log is read only then).
     */
    public static Optional<TaskInfo> panicTask(Session session, List<TaskInfo> tasks) {
        OptionalInt cpu = panicCpu(session.symbols(), session.kernelMemory());
        if (cpu.isPresent()) {
            return panicTask(tasks, cpu);
        }
        List<LogRecord> log = session.vmcoreInfo().flatMap(i -> {
            try {
                return Printk.read(i, session.kernelMemory()).map(Printk.Log::records);
            } catch (VmcoreException e) {
                return Optional.empty();
            }
        }).orElse(List.of());
        return panicTaskWithoutPanicCpu(tasks, log, session.dump().cpuNotes());
    }

    /** The panic task: the task running (rq->curr) on the panicking CPU. */
    public static Optional<TaskInfo> panicTask(List<TaskInfo> tasks, OptionalInt cpu) {
        if (cpu.isEmpty()) {
            return Optional.empty();
        }
        return tasks.stream().filter(t -> t.active() && t.cpu() == cpu.getAsInt()).findFirst();
    }
}
