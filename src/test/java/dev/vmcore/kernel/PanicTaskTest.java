package dev.vmcore.kernel;

import dev.vmcore.dump.CpuNote;
import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The panic task when panic_cpu names none: from the oops's task line, else from kdump's notes. */
class PanicTaskTest {
    private static TaskInfo task(int pid, int cpu, boolean active) {
        return new TaskInfo(0xffff888000000000L + pid * 0x1000L, pid, pid, 1, cpu, 0, "t" + pid, 0, 0, 0, active, pid == 0);
    }

    private static LogRecord line(String text) {
        return new LogRecord(0, 0, 4, 0, 0, text.getBytes(StandardCharsets.UTF_8), null, null);
    }

    private static final List<TaskInfo> TASKS = List.of(task(0, 0, true), task(98, 1, true), task(55, 1, false));

    @Test
    void theOopsTaskLineNamesIt() {
        assertEquals(Optional.of(TASKS.get(1)), Panic.panicTaskWithoutPanicCpu(TASKS,
                List.of(line("CPU: 1 PID: 98 Comm: insmod Tainted: G           OE      6.1.0-54-cloud-amd64 #1")), List.of()));
        assertEquals(Optional.of(TASKS.get(1)), Panic.panicTaskWithoutPanicCpu(TASKS,
                List.of(line("CPU: 1 UID: 0 PID: 98 Comm: insmod Tainted: G           OE      6.12.117 #1")), List.of()));
        // A line for a task not running there (an earlier WARNING by another task) is passed over.
        assertEquals(Optional.empty(), Panic.panicTaskWithoutPanicCpu(TASKS,
                List.of(line("CPU: 1 PID: 55 Comm: kworker/1:0 Not tainted 6.1.0 #1")), List.of()));
    }

    @Test
    void kdumpNotesNameItWhenTheyCarryPids() {
        CpuNote idle = new CpuNote(0, "NT_PRSTATUS", 0, Map.of());
        CpuNote busy = new CpuNote(1, "NT_PRSTATUS", 98, Map.of());
        assertEquals(Optional.of(TASKS.get(1)), Panic.panicTaskWithoutPanicCpu(TASKS, List.of(), List.of(idle, busy)));
        // QEMU's notes carry no Linux pids: not used.
        CpuNote qemu = new CpuNote(0, "QEMU", 0, Map.of());
        assertEquals(Optional.empty(), Panic.panicTaskWithoutPanicCpu(TASKS, List.of(), List.of(idle, busy, qemu)));
        // Two CPUs running tasks: ambiguous.
        CpuNote other = new CpuNote(0, "NT_PRSTATUS", 55, Map.of());
        assertEquals(Optional.empty(), Panic.panicTaskWithoutPanicCpu(TASKS, List.of(), List.of(other, busy)));
    }

    /** On every real dump the fallback finds the same task as panic_cpu does. */
    @TestFactory
    Stream<DynamicTest> fallbackAgreesWithPanicCpu() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                List<TaskInfo> tasks = Tasks.read(s).all();
                Optional<TaskInfo> byCpu = Panic.panicTask(tasks, Panic.panicCpu(s.symbols(), s.kernelMemory()));
                assertTrue(byCpu.isPresent());
                List<LogRecord> log = Printk.read(s.vmcoreInfo().orElseThrow(), s.kernelMemory()).orElseThrow().records();
                assertEquals(byCpu, Panic.panicTaskWithoutPanicCpu(tasks, log, s.dump().cpuNotes()));
            }
        }));
    }
}
