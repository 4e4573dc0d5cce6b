package dev.vmcore.analyze;

/** The kinds of fault analyze tells apart, each with the words a report uses for it. */
public enum FaultKind {
    NULL_DEREFERENCE("NULL pointer dereference"),
    USE_AFTER_FREE("use-after-free"),
    UNINITIALISED("use of uninitialised memory"),
    RED_ZONE("slab red zone overwritten or read"),
    LIST_CORRUPTION("list corruption (use after list_del)"),
    NON_CANONICAL("wild pointer (non-canonical address)"),
    USER_ADDRESS("user address accessed from kernel mode"),
    STACK_OVERFLOW("kernel stack overflow (guard page hit)"),
    BUG("BUG() / BUG_ON()"),
    WARNING("WARN() made fatal by panic_on_warn"),
    NX_EXECUTION("execution of non-executable memory"),
    BAD_KERNEL_ADDRESS("access to an unmapped kernel address"),
    OUT_OF_BOUNDS("out-of-bounds access (outside the object, variable or stack slot)"),
    INVALID_FREE("double free or invalid free"),
    DELIBERATE_CRASH("deliberate crash (SysRq-c)"),
    LOCKUP("CPU lockup (watchdog)"),
    HUNG_TASK("hung task (blocked too long)"),
    RCU_STALL("RCU stall"),
    OUT_OF_MEMORY("out of memory"),
    INIT_EXITED("init exited"),
    HARDWARE_ERROR("hardware error (machine check or NMI)"),
    PANIC_CALL("panic() called"),
    UNKNOWN("fault of unknown kind");

    private final String words;

    FaultKind(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }
}
