package dev.vmcore.commands;

import dev.vmcore.kernel.TaskInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PsCommandTest {
    private static final TaskInfo SWAPPER = new TaskInfo(0xffffffffb941aa40L, 0, 0, 0, 0, 0, "swapper/0", 0, 0, 0, true,
            true);
    private static final TaskInfo INIT = new TaskInfo(0xffff8daf811f8000L, 1, 1, 0, 0, 1, "init", 0xffff8daf80001000L,
            565, 432, false, false);
    private static final TaskInfo THREAD = new TaskInfo(0xffff8daf811f9000L, 7, 1, 0, 1, 0x402, "init", 0xffff8daf80001000L,
            565, 432, false, false);

    @Test
    void linesHaveCrashLayout() {
        assertEquals(">       0       0   0  ffffffffb941aa40  RU   0.0        0        0  [swapper/0]",
                PsCommand.line(SWAPPER, 144_000, 4096));
        assertEquals("        1       0   0  ffff8daf811f8000  IN   0.3     2260     1728  init",
                PsCommand.line(INIT, 144_000, 4096));
        assertEquals("        7       0   1  ffff8daf811f9000  ID   0.3     2260     1728  init",
                PsCommand.line(THREAD, 144_000, 4096));
        assertEquals(PsCommand.HEADER.length(), "      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM".length());
    }

    @Test
    void kernelUserAndGroupLeaderFilters() {
        TaskInfo kthread = new TaskInfo(0xffff8daf81200000L, 2, 2, 0, 0, 0x402, "kthreadd", 0, 0, 0, false, false);
        List<TaskInfo> all = List.of(SWAPPER, INIT, kthread, THREAD);
        assertEquals(List.of(SWAPPER, kthread), PsCommand.filter(all, "-k", false));
        assertEquals(List.of(INIT, THREAD), PsCommand.filter(all, "-u", false));
        // THREAD (pid 7) belongs to init's group (tgid 1): not a leader
        assertEquals(List.of(SWAPPER, INIT, kthread), PsCommand.filter(all, null, true));
        assertEquals(List.of(INIT), PsCommand.filter(all, "-u", true));
        assertEquals(all, PsCommand.filter(all, null, false));
    }

    @Test
    void selectorsFollowCrash() {
        List<TaskInfo> all = List.of(SWAPPER, INIT, THREAD);
        List<String> errors = new ArrayList<>();
        assertEquals(List.of(INIT, THREAD), PsCommand.select(all, List.of("init"), errors));
        assertEquals(List.of(SWAPPER, THREAD), PsCommand.select(all, List.of("7", "0"), errors));
        assertEquals(List.of(INIT), PsCommand.select(all, List.of("ffff8daf811f8000"), errors));
        assertEquals(List.of(SWAPPER), PsCommand.select(all, List.of("'^swap'"), errors));
        assertEquals(List.of(), errors);
        assertEquals(List.of(), PsCommand.select(all, List.of("nosuch"), errors));
        assertEquals(List.of(), errors, "crash: a command name that matches no task is no error");
        assertEquals(List.of(), PsCommand.select(all, List.of("99999"), errors));
        assertEquals(List.of("ps: invalid task or pid value: 99999"), errors);
    }
}
