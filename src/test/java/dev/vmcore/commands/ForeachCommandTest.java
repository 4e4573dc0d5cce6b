package dev.vmcore.commands;

import dev.vmcore.kernel.TaskInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** foreach's task selection: kinds of selector narrow, selectors of one kind widen. */
class ForeachCommandTest {
    private static TaskInfo task(int pid, String comm, long state, long mm, boolean active) {
        return new TaskInfo(0xffff888000000000L + pid * 0x1000L, pid, pid, 1, 0, state, comm, mm, 0, 0, active, false);
    }

    private static final TaskInfo INIT = task(1, "init", 1, 0xffff888001000000L, false);
    private static final TaskInfo KTHREAD = task(2, "kthreadd", 1, 0, false);
    private static final TaskInfo INSMOD = task(98, "insmod", 0, 0xffff888002000000L, true);
    private static final TaskInfo WORKER = task(9, "kworker/0:0", 0x402, 0, false);
    private static final List<TaskInfo> ALL = List.of(INIT, KTHREAD, WORKER, INSMOD);

    @Test
    void noSelectorIsEveryTask() {
        assertEquals(ALL, ForeachCommand.select(ALL, List.of()));
    }

    @Test
    void statesKindsAndNames() {
        assertEquals(List.of(INSMOD), ForeachCommand.select(ALL, List.of("RU")));
        assertEquals(List.of(INIT, KTHREAD), ForeachCommand.select(ALL, List.of("IN")));
        assertEquals(List.of(INIT, KTHREAD, WORKER), ForeachCommand.select(ALL, List.of("IN", "ID")));
        assertEquals(List.of(KTHREAD, WORKER), ForeachCommand.select(ALL, List.of("kernel")));
        assertEquals(List.of(INIT, INSMOD), ForeachCommand.select(ALL, List.of("user")));
        assertEquals(List.of(INSMOD), ForeachCommand.select(ALL, List.of("active")));
        assertEquals(List.of(INIT), ForeachCommand.select(ALL, List.of("user", "IN")));
        assertEquals(List.of(INIT, INSMOD), ForeachCommand.select(ALL, List.of("1", "insmod")));
        assertEquals(List.of(), ForeachCommand.select(ALL, List.of("insmod", "kernel")));
    }
}
