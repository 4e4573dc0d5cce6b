package dev.vmcore.kernel;

/**
 * One task (a thread, or a CPU's idle task) as ps needs it.
 *
 * @param address  the task_struct
 * @param state    {@code __state | exit_state}, see {@link TaskState}
 * @param mm       the task's mm_struct, 0 for kernel threads
 * @param totalVm  mm->total_vm in pages (0 without an mm)
 * @param rss      resident pages: file + anon + shmem counters of the mm
 * @param active   the task on its CPU when the dump was taken (rq->curr), crash's '>'
 * @param idle     a CPU's idle task (rq->idle)
 */
public record TaskInfo(long address, int pid, int tgid, int ppid, int cpu, long state, String comm, long mm,
                       long totalVm, long rss, boolean active, boolean idle) {
    /** No mm: a kernel thread, or an idle task (crash: is_kernel_thread). */
    public boolean isKernelThread() {
        return mm == 0;
    }

    /** The thread group leader (its pid is the group's tgid). */
    public boolean isGroupLeader() {
        return pid == tgid;
    }

    /** crash's ST column. */
    public String stateLetters() {
        return TaskState.letters(state);
    }
}
