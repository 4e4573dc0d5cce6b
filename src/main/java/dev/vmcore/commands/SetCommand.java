package dev.vmcore.commands;

import dev.vmcore.kernel.Panic;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** set: show or change the current context (a task), as crash's set does. */
final class SetCommand implements Command {
    @Override
    public String name() {
        return "set";
    }

    @Override
    public String summary() {
        return "show or set the current task context";
    }

    @Override
    public String help() {
        return """
                NAME
                  set - set a process context

                SYNOPSIS
                  set [pid | taskp]

                DESCRIPTION
                  Without an argument, shows the current context: the task chosen with set, else
                  the panic task (the task running on the CPU in panic_cpu). With a PID (decimal)
                  or a task_struct address (hexadecimal), makes that task the current context and
                  shows it. Commands that default to the current context (task) then use it.
                """;
    }

    @Override
    public void run(Invocation call) {
        if (call.args().size() > 1) {
            throw new CommandException("set: one PID or task address at most");
        }
        Tasks tasks = Tasks.read(call.session());
        TaskInfo t;
        if (call.args().isEmpty()) {
            t = CurrentContext.current(call.session(), tasks)
                    .orElseThrow(() -> new CommandException("set: no current context: the panic task is not known"));
        } else {
            String a = call.args().get(0);
            List<TaskInfo> hits = a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == 'x' || c == 'X')
                    ? PsCommand.select(tasks.all(), List.of(a), new ArrayList<>()) : List.of();
            if (hits.size() != 1) {
                throw new CommandException(hits.isEmpty() ? "set: invalid task or pid value: " + a
                        : "set: PID " + a + " names " + hits.size() + " tasks: give a task address");
            }
            t = hits.get(0);
            call.session().setContextTask(t.address());
        }
        Optional<TaskInfo> panic = Panic.panicTask(call.session(), tasks.all());
        String activity = !t.active() ? "" : panic.map(p -> p.address() == t.address()).orElse(false) ? "(PANIC)" : "(ACTIVE)";
        Printer out = call.out();
        if (out.isJson()) {
            out.json().field("pid", t.pid()).field("comm", t.comm()).hex("task", t.address()).field("cpu", t.cpu())
                    .field("state", CurrentContext.stateName(t)).field("activity", activity);
            return;
        }
        out.printf("    PID: %d", t.pid());
        out.printf("COMMAND: \"%s\"", t.comm());
        out.printf("   TASK: %x  [THREAD_INFO: %x]", t.address(), t.address());
        out.printf("    CPU: %d", t.cpu());
        out.println(("  STATE: " + CurrentContext.stateName(t) + " " + activity).stripTrailing());
    }
}
