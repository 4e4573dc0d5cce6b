package dev.vmcore.commands;

import dev.vmcore.kernel.Panic;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;
import dev.vmcore.program.Session;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** crash's current context: the task `set` chose, else the panic task (the task running on panic_cpu). */
final class CurrentContext {
    private static final Map<String, String> STATE_NAMES = Map.ofEntries(
            Map.entry("RU", "TASK_RUNNING"), Map.entry("IN", "TASK_INTERRUPTIBLE"),
            Map.entry("UN", "TASK_UNINTERRUPTIBLE"), Map.entry("ID", "TASK_IDLE"), Map.entry("ZO", "EXIT_ZOMBIE"),
            Map.entry("ST", "TASK_STOPPED"), Map.entry("TR", "TASK_TRACED"), Map.entry("DE", "TASK_DEAD"),
            Map.entry("PA", "TASK_PARKED"), Map.entry("WA", "TASK_WAKING"), Map.entry("NE", "TASK_NEW"));

    private CurrentContext() {
    }

    /** The current context: set's choice, else the panic task. */
    static Optional<TaskInfo> current(Session s, Tasks tasks) {
        OptionalLong chosen = s.contextTask();
        if (chosen.isPresent()) {
            Optional<TaskInfo> t = tasks.all().stream().filter(x -> x.address() == chosen.getAsLong()).findFirst();
            if (t.isPresent()) {
                return t;
            }
        }
        return Panic.panicTask(s, tasks.all());
    }

    /** crash's task_state_string(..., VERBOSE) for the two-letter state. */
    static String stateName(TaskInfo t) {
        return STATE_NAMES.getOrDefault(t.stateLetters(), "(unknown)");
    }
}
