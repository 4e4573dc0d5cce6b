package dev.vmcore.analyze;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Why panic() was called, from log lines in the kernel's own wording (composed here, per source file). */
class PanicReasonTest {
    private static PanicReason.Reason of(String... lines) {
        return PanicReason.of(List.of(lines)).orElseThrow();
    }

    @Test
    void aSoftLockupNamesTheCpuTheTimeAndTheTask() {
        PanicReason.Reason r = of(
                "[  52.101] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [insmod:412]",
                "[  52.102] Modules linked in: spin(OE+)",
                "[  52.130] Kernel panic - not syncing: softlockup: hung tasks");
        assertEquals(FaultKind.LOCKUP, r.kind());
        assertTrue(r.what().startsWith("CPU 1 ran kernel code for 26 s without scheduling (a soft lockup, in task insmod, pid 412)"),
                r.what());
        assertEquals(List.of("the kernel said: Kernel panic - not syncing: softlockup: hung tasks",
                "the kernel said: BUG: soft lockup - CPU#1 stuck for 26s! [insmod:412]"), r.evidence());
    }

    @Test
    void aHardLockupInBothWordings() {
        assertEquals("CPU 3 stopped taking interrupts (a hard lockup): a loop or deadlock with interrupts disabled",
                of("NMI watchdog: Watchdog detected hard LOCKUP on cpu 3", "Kernel panic - not syncing: Hard LOCKUP").what());
        assertEquals(FaultKind.LOCKUP,
                of("CPU2: Watchdog detected hard LOCKUP on cpu 3", "Kernel panic - not syncing: Hard LOCKUP").kind());
    }

    @Test
    void aHungTaskNamesTheBlockedTask() {
        PanicReason.Reason r = of(
                "INFO: task kworker/0:1:37 blocked for more than 120 seconds.",
                "      Not tainted 6.12.0 #1",
                "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
                "Kernel panic - not syncing: hung_task: blocked tasks");
        assertEquals(FaultKind.HUNG_TASK, r.kind());
        assertTrue(r.what().startsWith("task kworker/0:1 (pid 37) waited in uninterruptible sleep (D state) for more than 120 s"),
                r.what());
    }

    @Test
    void rcuStallOutOfMemoryInitAndSysrq() {
        PanicReason.Reason rcu = of("rcu: INFO: rcu_preempt self-detected stall on CPU", "Kernel panic - not syncing: RCU Stall");
        assertEquals(FaultKind.RCU_STALL, rcu.kind());
        assertTrue(rcu.what().startsWith("rcu_preempt saw"), rcu.what());

        PanicReason.Reason oom = of("Out of memory: Killed process 812 (stress) total-vm:1048576kB",
                "Kernel panic - not syncing: System is deadlocked on memory");
        assertEquals(FaultKind.OUT_OF_MEMORY, oom.kind());
        assertTrue(oom.what().endsWith("(it had killed stress, pid 812)"), oom.what());

        PanicReason.Reason init = of("Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b");
        assertEquals(FaultKind.INIT_EXITED, init.kind());
        assertTrue(init.what().startsWith("init (pid 1) exited with exit code 0x0000000b"), init.what());

        assertEquals(FaultKind.DELIBERATE_CRASH, of("sysrq: Trigger a crash", "Kernel panic - not syncing: sysrq triggered crash").kind());
    }

    @Test
    void anOopsOrAWarnIsLeftToTheFaultAndAnythingElseIsAPanicCall() {
        assertEquals(FaultKind.UNKNOWN, of("BUG: kernel NULL pointer dereference, address: 0000000000000000",
                "Kernel panic - not syncing: Fatal exception in interrupt").kind());
        assertEquals(FaultKind.WARNING, of("Kernel panic - not syncing: kernel: panic_on_warn set ...").kind());
        PanicReason.Reason call = of("Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
        assertEquals(FaultKind.PANIC_CALL, call.kind());
        assertEquals("code called panic(\"VFS: Unable to mount root fs on unknown-block(0,0)\")", call.what());
        // "administrator" holds "nmi"; only the word NMI means a hardware report.
        assertEquals(FaultKind.PANIC_CALL, of("Kernel panic - not syncing: ask the administrator").kind());
        assertEquals(FaultKind.HARDWARE_ERROR, of("Kernel panic - not syncing: NMI IOCK error: Not continuing").kind());
    }

    @Test
    void theLastPanicCountsAndAReportAfterItDoesNot() {
        assertEquals(FaultKind.HUNG_TASK, of("Kernel panic - not syncing: softlockup: hung tasks",
                "Kernel panic - not syncing: hung_task: blocked tasks").kind());
        assertEquals("a CPU ran kernel code without scheduling for too long (a soft lockup)",
                of("Kernel panic - not syncing: softlockup: hung tasks", "BUG: soft lockup - CPU#1 stuck for 26s! [a:1]").what());
        assertTrue(PanicReason.of(List.of("BUG: soft lockup - CPU#1 stuck for 26s! [a:1]")).isEmpty());
    }
}
