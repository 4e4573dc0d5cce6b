package dev.vmcore.commands;

import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** task: a task's header line and its task_struct, as crash prints them, through struct. */
final class TaskCommand implements Command {
    @Override
    public String name() {
        return "task";
    }

    @Override
    public String summary() {
        return "task_struct contents of a task";
    }

    @Override
    public String help() {
        return """
                NAME
                  task - task_struct contents

                SYNOPSIS
                  task [-R member[,member]] [-x|-d] pid | taskp ...

                DESCRIPTION
                  For each task named by PID (decimal) or task_struct address (hexadecimal), prints
                  crash's header line PID, TASK, CPU, COMMAND and then the task_struct, or only the
                  members given with -R, and a blank line after each task. A PID shared by several tasks (0: the idle tasks) shows
                  each. Without a task, shows the current context: the task chosen with set, else
                  the panic task.

                    -R member,...  only these members (struct task_struct.member,... ADDR).
                    -x, -d         integers in hexadecimal or decimal.
                """;
    }

    @Override
    public void run(Invocation call) {
        List<String> args = new ArrayList<>(call.args());
        String members = null;
        int r = args.indexOf("-R");
        if (r >= 0) {
            if (r + 1 >= args.size()) {
                throw new CommandException("task: -R needs a member list");
            }
            members = args.remove(r + 1);
            args.remove(r);
        }
        Options opts = Options.parse(name(), args, Set.of("-x", "-d"));
        String radix = opts.oneOf(name(), "-x", "-d");
        Tasks tasks = Tasks.read(call.session());
        List<String> errors = new ArrayList<>();
        List<TaskInfo> chosen = new ArrayList<>();
        if (opts.positional().isEmpty()) {
            chosen.add(CurrentContext.current(call.session(), tasks).orElseThrow(() -> new CommandException(
                    "task: no current context (the panic task is not known): name a PID or task address")));
        }
        for (String a : opts.positional()) {
            if (a.startsWith("'") || !a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == 'x' || c == 'X')) {
                throw new CommandException("task: invalid task or pid value: " + a);
            }
            List<TaskInfo> hits = PsCommand.select(tasks.all(), List.of(a), errors);
            if (hits.isEmpty()) {
                throw new CommandException("task: invalid task or pid value: " + a);
            }
            chosen.addAll(hits);
        }
        Command struct = call.registry().find("struct").orElseThrow();
        if (call.out().isJson()) {
            if (chosen.size() > 1) {
                throw new CommandException("task: --json takes one task at a time");
            }
            TaskInfo t = chosen.get(0);
            call.out().json().field("pid", t.pid()).hex("task", t.address()).field("cpu", t.cpu()).field("comm", t.comm());
        }
        for (TaskInfo t : chosen) {
            if (!call.out().isJson()) {
                call.out().println(header(t));
            }
            List<String> structArgs = new ArrayList<>();
            if (radix != null) {
                structArgs.add(radix);
            }
            structArgs.add(members == null ? "task_struct" : "task_struct." + members);
            structArgs.add(Long.toHexString(t.address()));
            struct.run(new Invocation(call.session(), "struct", structArgs, call.out(), call.registry()));
            if (!call.out().isJson()) {
                call.out().println(""); // crash's do_task ends every task with a blank line
            }
        }
    }

    /** crash's context line: {@code PID: 99       TASK: ffff8daf82470000  CPU: 1    COMMAND: "insmod"}. */
    static String header(TaskInfo t) {
        return String.format(Locale.ROOT, "PID: %-7d  TASK: %016x  CPU: %-3d  COMMAND: \"%s\"", t.pid(), t.address(),
                t.cpu(), t.comm());
    }
}
