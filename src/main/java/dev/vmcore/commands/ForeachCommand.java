package dev.vmcore.commands;

import dev.vmcore.kernel.Panic;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** foreach: run a per-task command (bt) for every task, or for the tasks the selectors name. */
final class ForeachCommand implements Command {
    /** crash's state selectors: the two-letter ps states. */
    private static final Set<String> STATES = Set.of("RU", "IN", "UN", "ST", "ZO", "TR", "DE", "SW", "PA", "WA",
            "ID", "NE");

    @Override
    public String name() {
        return "foreach";
    }

    @Override
    public String summary() {
        return "run a command (bt) for every task, or for selected tasks";
    }

    @Override
    public String help() {
        return """
                NAME
                  foreach - display command data for multiple tasks

                SYNOPSIS
                  foreach [pid | taskp | name | state | kernel | user | active] ... bt [bt options]

                DESCRIPTION
                  Runs bt for every task in ps order, or for the tasks selected: a PID, a
                  task_struct address, a command name, a two-letter ps state (RU, IN, UN, ID...),
                  "kernel" (kernel threads), "user" (user tasks) or "active" (the task running on
                  each CPU). Selectors of one kind widen the choice, kinds narrow it. The bt
                  options (-f, -l, -s) apply to each task.
                """;
    }

    @Override
    public void run(Invocation call) {
        List<String> args = call.args();
        int at = args.indexOf("bt");
        if (at < 0) {
            throw new CommandException("foreach: no command given (foreach supports bt), e.g. foreach RU bt");
        }
        BtCommand.Request req = BtCommand.parse(args.subList(at + 1, args.size()));
        if (req.has('a') || req.has('p') || !req.cpus().isEmpty() || !req.targets().isEmpty()) {
            throw new CommandException("foreach: bt takes no task selection here (-a, -c, -p, pid): select tasks before bt");
        }
        Tasks tasks = Tasks.read(call.session());
        List<TaskInfo> chosen = select(tasks.all(), args.subList(0, at));
        if (chosen.isEmpty()) {
            throw new CommandException("foreach: no task matches " + String.join(" ", args.subList(0, at)));
        }
        Optional<TaskInfo> panic = Panic.panicTask(call.session(), tasks.all());
        BtCommand.print(call, req, chosen, panic);
    }

    static List<TaskInfo> select(List<TaskInfo> all, List<String> selectors) {
        List<String> states = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String s : selectors) {
            if (STATES.contains(s)) {
                states.add(s);
            } else if (s.equals("kernel") || s.equals("user") || s.equals("active")) {
                kinds.add(s);
            } else {
                names.add(s);
            }
        }
        List<String> errors = new ArrayList<>();
        List<TaskInfo> base = names.isEmpty() ? all : PsCommand.select(all, names, errors);
        if (!errors.isEmpty()) {
            throw new CommandException("foreach: " + errors.get(0).replaceFirst("^ps: ", ""));
        }
        return base.stream()
                .filter(t -> states.isEmpty() || states.contains(t.stateLetters()))
                .filter(t -> !kinds.contains("kernel") || t.isKernelThread())
                .filter(t -> !kinds.contains("user") || !t.isKernelThread())
                .filter(t -> !kinds.contains("active") || t.active())
                .toList();
    }
}
