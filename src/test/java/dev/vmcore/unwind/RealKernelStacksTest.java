package dev.vmcore.unwind;

import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;
import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stacks of each CPU's running task on the real dumps: the task's own stack is 16 KiB at
 * task->stack, the IRQ stack 16 KiB ending just above hardirq_stack_ptr, the exception stacks in
 * the cpu_entry_area (mapped, but for #VC's outside SEV-ES guests), and every frame of every CPU's trace lies on one of them.
 */
class RealKernelStacksTest {
    /** x86-64 CPU_ENTRY_AREA_BASE (arch/x86/include/asm/pgtable_areas.h), 4- and 5-level paging alike. */
    private static final long CPU_ENTRY_AREA = 0xfffffe0000000000L;

    @TestFactory
    Stream<DynamicTest> everyCpuHasItsStacks() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                Backtracer bt = new Backtracer(s);
                List<TaskInfo> active = Tasks.read(s).all().stream().filter(TaskInfo::active).toList();
                assertEquals(2, active.size());
                for (TaskInfo t : active) {
                    StackLayout layout = bt.stacks(t.address(), t.cpu());
                    StackRegion task = layout.task().orElseThrow();
                    assertEquals(16384, task.end() - task.start());
                    StackRegion irq = layout.regions().stream().filter(r -> r.name().equals("IRQ")).findFirst().orElseThrow();
                    assertEquals(16384, irq.end() - irq.start());
                    Set<String> names = layout.regions().stream().map(StackRegion::name).collect(Collectors.toSet());
                    assertTrue(names.containsAll(Set.of("NMI exception", "DOUBLEFAULT exception", "DEBUG exception",
                            "MCE exception")), names.toString());
                    for (StackRegion r : layout.regions()) {
                        // The #VC stacks are mapped only in SEV-ES guests; the others always.
                        if (r.name().endsWith("exception") && !r.name().startsWith("VC")) {
                            assertTrue(Long.compareUnsigned(r.start(), CPU_ENTRY_AREA) >= 0, r.toString());
                            s.kernelMemory().translate(r.end() - 8); // mapped: throws if not
                        }
                    }
                    StackTrace trace = bt.fromRegisters(t.address(), t.cpu(), bt.cpuRegisters(t.cpu()).orElseThrow());
                    assertTrue(trace.error().isEmpty(), c + " CPU " + t.cpu() + ": " + trace.error());
                    assertTrue(trace.frames().size() > 3, trace.frames().toString());
                    for (Frame f : trace.frames()) {
                        assertTrue(f.stack() != null, c + " CPU " + t.cpu() + ": frame off every stack: " + f);
                    }
                }
            }
        }));
    }
}
