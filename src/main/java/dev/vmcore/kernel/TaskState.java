package dev.vmcore.kernel;

/**
 * A task's run state as crash's ps shows it (the ST column), decoded from task_struct's
 * {@code __state} (Linux 5.14+, commit 2f064a59a11f) or {@code state}, ORed with {@code exit_state}.
 * Bit values are those of include/linux/sched.h since Linux 4.14 (commit 06eb61844d84, which added
 * TASK_REPORT_IDLE); they are the same in every kernel this tool reads.
 */
public final class TaskState {
    public static final long RUNNING = 0x0;
    public static final long INTERRUPTIBLE = 0x1;
    public static final long UNINTERRUPTIBLE = 0x2;
    public static final long STOPPED = 0x4;
    public static final long TRACED = 0x8;
    public static final long EXIT_DEAD = 0x10;
    public static final long EXIT_ZOMBIE = 0x20;
    public static final long PARKED = 0x40;
    public static final long DEAD = 0x80;
    public static final long WAKEKILL = 0x100;
    public static final long WAKING = 0x200;
    public static final long NOLOAD = 0x400;
    public static final long NEW = 0x800;

    private TaskState() {
    }

    /**
     * The two letters crash prints for {@code state | exit_state}, following crash's
     * task_state_string(): each test below may overwrite the one before, so the last that matches
     * wins; TASK_IDLE (UNINTERRUPTIBLE | NOLOAD) is "ID"; a zombie stays "ZO" although its
     * {@code __state} is TASK_DEAD; nothing recognised gives "??".
     */
    public static String letters(long state) {
        String s = "??";
        if (state == RUNNING) {
            s = "RU";
        }
        if ((state & INTERRUPTIBLE) != 0) {
            s = "IN";
        }
        if ((state & UNINTERRUPTIBLE) != 0) {
            s = (state & NOLOAD) != 0 ? "ID" : "UN";
        }
        if ((state & EXIT_ZOMBIE) != 0) {
            s = "ZO";
        }
        if ((state & STOPPED) != 0) {
            s = "ST";
        }
        if ((state & TRACED) != 0) {
            s = "TR";
        }
        if ((state & (DEAD | EXIT_DEAD)) != 0 && (state & EXIT_ZOMBIE) == 0) {
            s = "DE";
        }
        if ((state & PARKED) != 0) {
            s = "PA";
        }
        if ((state & WAKING) != 0) {
            s = "WA";
        }
        if ((state & NEW) != 0) {
            s = "NE";
        }
        return s;
    }
}
