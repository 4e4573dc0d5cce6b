package dev.vmcore.commands;

import dev.vmcore.kernel.RunQueues;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;
import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.types.Types;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * runq on the real dumps against crash 8.0.6's runq.txt, from the dump alone (BTF from kernel
 * memory, kallsyms) and with the vmlinux (DWARF). No differences from crash are known. Only
 * 6.1/list and 6.12/bug have queued tasks (two CFS tasks each); no dump has RT tasks or task groups queued,
 * so those paths are checked by {@link #queuedTasksAreTheOnRqTasks} only as far as the dumps go.
 */
class RealRunqTest {
    @TestFactory
    Stream<DynamicTest> runqEqualsCrashFromTheDumpAlone() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                compare(c, s, "dump alone");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> runqEqualsCrashWithVmlinux() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.openWithVmlinux(c, "vmcore.elf", List.of())) {
                compare(c, s, "with vmlinux");
            }
        }));
    }

    /** -c picks CPUs out of the same output; the current task equals ps's '>' task of that CPU. */
    @TestFactory
    Stream<DynamicTest> cpuSelectionAndCurrentTasks() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                CommandHarness h = new CommandHarness(s);
                String all = h.text("runq");
                String cpu1 = h.text("runq -c 1");
                assertTrue(cpu1.startsWith("CPU 1 RUNQUEUE: "), cpu1);
                assertTrue(all.endsWith("\n" + cpu1), all);
                assertEquals(all, h.text("runq -c 0-1"));
                assertEquals(all, h.text("runq -c 1,0"));
                CommandException e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class,
                        () -> h.text("runq -c " + s.dump().cpuCount()));
                assertEquals("runq: invalid cpu " + s.dump().cpuCount() + " (the dump has " + s.dump().cpuCount() + " CPUs)",
                        e.getMessage());
                e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class, () -> h.text("runq -c 1-x"));
                assertEquals("runq: invalid cpu list: 1-x", e.getMessage());
                for (String ps : h.text("ps").lines().filter(l -> l.startsWith(">")).toList()) {
                    String[] f = ps.substring(1).strip().split("\\s+");
                    String current = String.format("  CURRENT: PID: %-5s  TASK: %s  COMMAND: \"%s\"", f[0], f[3],
                            f[8].replaceAll("^\\[(.*)\\]$", "$1"));
                    String section = h.text("runq -c " + f[2]);
                    assertEquals(current, section.lines().skip(1).findFirst().orElseThrow(), section);
                }
                assertEquals(s.dump().cpuCount(), new com.fasterxml.jackson.databind.ObjectMapper().readTree(h.json("runq"))
                        .get("cpus").size());
            }
        }));
    }

    /**
     * An independent check (crash's runq -d idea): the tasks queued on a CPU plus its running task
     * are exactly the tasks, idle tasks aside, whose task_struct.on_rq is set and whose cpu is that CPU.
     */
    @TestFactory
    Stream<DynamicTest> queuedTasksAreTheOnRqTasks() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                RunQueues rq = RunQueues.read(s);
                assertEquals(List.of(), rq.problems());
                long onRq = Types.offsetOf(s.kernelTypes().findType("struct task_struct").orElseThrow(), "on_rq").orElseThrow();
                for (RunQueues.Cpu cpu : rq.cpus()) {
                    Set<Long> expected = new TreeSet<>();
                    for (TaskInfo t : Tasks.read(s).all()) {
                        // init_idle() marks each idle task on_rq, though it is on no queue
                        if (t.cpu() == cpu.cpu() && !t.idle() && s.kernelMemory().readInt(t.address() + onRq) != 0) {
                            expected.add(t.address());
                        }
                    }
                    Set<Long> listed = new TreeSet<>();
                    Stream.concat(cpu.rt().stream(), cpu.cfs().stream()).forEach(q -> listed.add(q.task().address()));
                    assertTrue(cpu.currentTask().isPresent());
                    if (!cpu.currentTask().get().idle()) {
                        listed.add(cpu.current()); // the running task is on_rq but not in the CFS tree
                    }
                    assertEquals(expected, listed, c + " CPU " + cpu.cpu());
                }
            }
        }));
    }

    private static void compare(TestDumps.Case c, Session s, String how) throws Exception {
        Path file = c.dir().resolve("crash/runq.txt");
        if (!Files.isRegularFile(file) && !TestDumps.underCi()) {
            org.junit.jupiter.api.Assumptions.abort("no crash/runq.txt for " + c + " yet (scripts/make-testdumps)");
        }
        List<String> crash = Files.readAllLines(file);
        List<String> ours = new CommandHarness(s).text("runq").lines().toList();
        System.out.println("runq " + c + " (" + how + "): " + ours.stream().filter(l -> l.contains("] PID:")).count()
                + " queued tasks");
        assertEquals(String.join("\n", crash), String.join("\n", ours), c + " (" + how + ")");
    }
}
