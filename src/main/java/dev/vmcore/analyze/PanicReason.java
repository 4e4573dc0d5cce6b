package dev.vmcore.analyze;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why the kernel called panic() when no CPU exception led there: the watchdogs (soft and hard
 * lockup, hung tasks, RCU stalls), the OOM killer giving up, init exiting, a machine check, a
 * deliberate SysRq crash, or any other panic("...") call. Read from the last
 * {@code Kernel panic - not syncing:} line and the report lines the kernel printed before it
 * (kernel/watchdog.c, kernel/hung_task.c, kernel/rcu/tree_stall.h, mm/oom_kill.c, kernel/exit.c,
 * drivers/tty/sysrq.c). Pure: a function of the log's lines.
 */
final class PanicReason {
    /** How far before the panic line a report that explains it is looked for. */
    private static final int LOOKBACK = 400;
    private static final Pattern PANIC = Pattern.compile("Kernel panic - not syncing: (.*?)\\s*(?:\\]---)?$");
    private static final Pattern SOFT_LOCKUP = Pattern.compile(
            "BUG: soft lockup - CPU#(\\d+) stuck for (\\d+)s! \\[(.+?):(\\d+)\\]");
    private static final Pattern HARD_LOCKUP = Pattern.compile("(?:Watchdog detected hard LOCKUP on cpu|hard LOCKUP on cpu) (\\d+)");
    private static final Pattern HUNG_TASK = Pattern.compile("INFO: task (.+?):(\\d+) blocked for more than (\\d+) seconds");
    private static final Pattern RCU_STALL = Pattern.compile("rcu: INFO: (\\w+) (?:self-)?detected stalls? on CPUs?");
    private static final Pattern INIT_KILLED = Pattern.compile("Attempted to kill init! exitcode=(0x[0-9a-f]+)");
    private static final Pattern NMI = Pattern.compile("\\bnmi\\b");
    private static final Pattern OOM_KILLED = Pattern.compile("Out of memory: Killed process (\\d+) \\((.+?)\\)");

    /** The verdict's parts: the kind, what happened in one phrase, and the lines that say so. */
    record Reason(FaultKind kind, String what, List<String> evidence) {
        Reason {
            evidence = List.copyOf(evidence);
        }
    }

    private PanicReason() {
    }

    /** The reason for the last panic in {@code log}; empty when the log has no panic line. */
    static Optional<Reason> of(List<String> log) {
        int at = -1;
        for (int i = log.size() - 1; i >= 0 && at < 0; i--) {
            if (PANIC.matcher(log.get(i)).find()) {
                at = i;
            }
        }
        if (at < 0) {
            return Optional.empty();
        }
        Matcher pm = PANIC.matcher(log.get(at));
        pm.find();
        String message = pm.group(1);
        List<String> before = log.subList(Math.max(0, at - LOOKBACK), at);
        List<String> evidence = new ArrayList<>();
        evidence.add("the kernel said: Kernel panic - not syncing: " + message);
        Function<Pattern, Optional<Matcher>> last = p -> lastMatch(before, p, evidence);

        String m = message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("sysrq triggered crash") || before.stream().anyMatch(l -> l.contains("Trigger a crash"))) {
            return Optional.of(new Reason(FaultKind.DELIBERATE_CRASH, "the machine was crashed on purpose with SysRq-c"
                    + " (echo c > /proc/sysrq-trigger, as kdump tests do): nothing failed", evidence));
        }
        if (m.startsWith("softlockup") || m.contains("soft lockup")) {
            Optional<Matcher> s = last.apply(SOFT_LOCKUP);
            return Optional.of(new Reason(FaultKind.LOCKUP, s.map(x -> String.format("CPU %s ran kernel code for %s s without"
                    + " scheduling (a soft lockup, in task %s, pid %s): a loop that never yields, or a spinlock never"
                    + " released", x.group(1), x.group(2), x.group(3), x.group(4)))
                    .orElse("a CPU ran kernel code without scheduling for too long (a soft lockup)"), evidence));
        }
        if (m.contains("hard lockup")) {
            Optional<Matcher> h = last.apply(HARD_LOCKUP);
            return Optional.of(new Reason(FaultKind.LOCKUP, h.map(x -> "CPU " + x.group(1)).orElse("a CPU")
                    + " stopped taking interrupts (a hard lockup): a loop or deadlock with interrupts disabled", evidence));
        }
        if (m.startsWith("hung_task")) {
            Optional<Matcher> t = last.apply(HUNG_TASK);
            return Optional.of(new Reason(FaultKind.HUNG_TASK, t.map(x -> String.format("task %s (pid %s) waited in"
                    + " uninterruptible sleep (D state) for more than %s s: a lock, I/O or completion that never came",
                    x.group(1), x.group(2), x.group(3))).orElse("a task waited in uninterruptible sleep for too long"),
                    evidence));
        }
        if (m.contains("rcu stall")) {
            Optional<Matcher> r = last.apply(RCU_STALL);
            return Optional.of(new Reason(FaultKind.RCU_STALL, r.map(x -> x.group(1)).orElse("rcu")
                    + " saw a CPU or task stay in an RCU read-side critical section, or not pass a quiescent state,"
                    + " for too long (an RCU stall)", evidence));
        }
        if (m.contains("out of memory") || m.contains("deadlocked on memory")) {
            Optional<Matcher> o = last.apply(OOM_KILLED);
            return Optional.of(new Reason(FaultKind.OUT_OF_MEMORY, "the kernel ran out of memory and the OOM killer could not free"
                    + " any" + o.map(x -> " (it had killed " + x.group(2) + ", pid " + x.group(1) + ")").orElse(""),
                    evidence));
        }
        if (m.startsWith("attempted to kill init")) {
            Optional<Matcher> i = Optional.of(INIT_KILLED.matcher(message)).filter(Matcher::find);
            return Optional.of(new Reason(FaultKind.INIT_EXITED, "init (pid 1) exited" + i.map(x -> " with exit code "
                    + x.group(1)).orElse("") + ": the kernel cannot run without it (a crash or a bug in init, or"
                    + " a kill of it)", evidence));
        }
        if (m.startsWith("fatal exception")) {
            return Optional.of(new Reason(FaultKind.UNKNOWN, "an oops was fatal (" + message + "), but its registers were"
                    + " not found on the panic task's stack (see log and bt)", evidence));
        }
        if (m.contains("panic_on_warn")) {
            return Optional.of(new Reason(FaultKind.WARNING, "a WARN() fired and panic_on_warn made it fatal", evidence));
        }
        if (m.contains("machine check") || m.contains("hardware error") || NMI.matcher(m).find()) {
            return Optional.of(new Reason(FaultKind.HARDWARE_ERROR, "the hardware reported an error (machine check or"
                    + " NMI): not a software bug", evidence));
        }
        return Optional.of(new Reason(FaultKind.PANIC_CALL, "code called panic(\"" + message + "\")", evidence));
    }

    /** The last line before the panic matching {@code p}, quoted into {@code evidence}. */
    private static Optional<Matcher> lastMatch(List<String> lines, Pattern p, List<String> evidence) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = p.matcher(lines.get(i));
            if (m.find()) {
                evidence.add("the kernel said: " + lines.get(i).substring(m.start()).strip());
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
