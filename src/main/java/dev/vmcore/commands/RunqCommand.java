package dev.vmcore.commands;

import dev.vmcore.kernel.RunQueues;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.program.expr.PerCpu;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** runq: each CPU's run queue, its current task and the RT and CFS tasks queued on it, as crash prints them. */
final class RunqCommand implements Command {
    @Override
    public String name() {
        return "runq";
    }

    @Override
    public String summary() {
        return "the tasks on each CPU's run queue";
    }

    @Override
    public String help() {
        return """
                NAME
                  runq - run queue contents

                SYNOPSIS
                  runq [-c cpu[,cpu|cpu-cpu]...]

                DESCRIPTION
                  For each CPU, as crash's runq prints it: the address of its struct rq, the task
                  running on it (rq->curr), the RT tasks queued on rq->rt.active by priority queue
                  ([index]), and the CFS tasks in rq->cfs.tasks_timeline in vruntime order, each
                  with its task->prio. Tasks of CFS and RT task groups are listed where their group
                  sits in the queue. The running CFS task is not in the tree and is not listed.

                    -c cpus  only these CPUs.
                  --json gives an array "cpus" with the same fields.
                """;
    }

    @Override
    public void run(Invocation call) {
        List<String> args = call.args();
        Optional<Set<Integer>> only = Optional.empty();
        if (!args.isEmpty()) {
            if (args.size() != 2 || !args.get(0).equals("-c")) {
                throw new CommandException("runq: usage: runq [-c cpu[,cpu|cpu-cpu]...]");
            }
            only = Optional.of(cpuList(args.get(1)));
        }
        RunQueues rq = RunQueues.read(call.session());
        Optional<Set<Integer>> filter = only;
        for (int cpu : filter.orElse(Set.of())) {
            if (cpu >= rq.cpus().size()) {
                throw new CommandException("runq: invalid cpu " + cpu + " (the dump has " + rq.cpus().size() + " CPUs)");
            }
        }
        List<RunQueues.Cpu> shown = rq.cpus().stream().filter(c -> filter.isEmpty() || filter.get().contains(c.cpu())).toList();
        Printer out = call.out();
        if (out.isJson()) {
            json(out.json(), shown, rq.problems());
            return;
        }
        for (int i = 0; i < shown.size(); i++) {
            RunQueues.Cpu c = shown.get(i);
            if (i > 0) {
                out.println("");
            }
            out.println(String.format(Locale.ROOT, "CPU %d RUNQUEUE: %x", c.cpu(), c.rq()));
            out.println("  CURRENT: " + c.currentTask().map(RunqCommand::task).orElse(Long.toHexString(c.current())));
            out.println(String.format(Locale.ROOT, "  RT PRIO_ARRAY: %x", c.rtArray()));
            queued(out, c.rt());
            out.println(String.format(Locale.ROOT, "  CFS RB_ROOT: %x", c.cfsRoot()));
            queued(out, c.cfs());
        }
        rq.problems().forEach(p -> out.println("runq: " + p));
    }

    private static void queued(Printer out, List<RunQueues.Queued> tasks) {
        if (tasks.isEmpty()) {
            out.println("     [no tasks queued]");
        }
        for (RunQueues.Queued q : tasks) {
            out.println(String.format(Locale.ROOT, "     [%3d] %s", q.prio(), task(q.task())));
        }
    }

    /** crash's "PID: %-5ld  TASK: %lx  COMMAND: \"%s\"". */
    static String task(TaskInfo t) {
        return String.format(Locale.ROOT, "PID: %-5d  TASK: %x  COMMAND: \"%s\"", t.pid(), t.address(), t.comm());
    }

    /** "0", "0,2", "1-3" and mixtures. */
    static Set<Integer> cpuList(String s) {
        Set<Integer> out = new TreeSet<>();
        try {
            for (String part : s.split(",", -1)) {
                int dash = part.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int hi = dash < 0 ? lo : Integer.parseInt(part.substring(dash + 1));
                if (lo < 0 || hi < lo || hi - lo > PerCpu.MAX_CPUS) {
                    throw new NumberFormatException();
                }
                for (int c = lo; c <= hi; c++) {
                    out.add(c);
                }
            }
        } catch (NumberFormatException e) {
            throw new CommandException("runq: invalid cpu list: " + s);
        }
        return out;
    }

    private static void json(JsonOut j, List<RunQueues.Cpu> cpus, List<String> problems) {
        j.beginArray("cpus");
        for (RunQueues.Cpu c : cpus) {
            j.beginObject().field("cpu", c.cpu()).hex("runqueue", c.rq()).hex("current", c.current());
            c.currentTask().ifPresent(t -> j.field("currentPid", t.pid()).field("currentComm", t.comm()));
            j.hex("rtPrioArray", c.rtArray());
            entries(j, "rt", c.rt());
            j.hex("cfsRbRoot", c.cfsRoot());
            entries(j, "cfs", c.cfs());
            j.end();
        }
        j.end();
        j.beginArray("problems");
        problems.forEach(j::value);
        j.end();
    }

    private static void entries(JsonOut j, String name, List<RunQueues.Queued> tasks) {
        j.beginArray(name);
        for (RunQueues.Queued q : tasks) {
            j.beginObject().field("prio", q.prio()).field("pid", q.task().pid()).hex("task", q.task().address())
                    .field("comm", q.task().comm()).end();
        }
        j.end();
    }
}
