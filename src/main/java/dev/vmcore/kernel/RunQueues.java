package dev.vmcore.kernel;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.program.expr.PerCpu;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each CPU's run queue (kernel/sched/sched.h, per-CPU {@code runqueues}): the task running on it
 * ({@code rq->curr}), the RT tasks queued on {@code rq->rt.active} (one list per priority), and the
 * CFS tasks queued on {@code rq->cfs.tasks_timeline}, an rb-tree of {@code sched_entity.run_node}
 * ordered by vruntime (leftmost first). With group scheduling (CONFIG_FAIR_GROUP_SCHED,
 * CONFIG_RT_GROUP_SCHED) an entity with a {@code my_q} is a task group's queue, walked in place,
 * and the CFS group that holds the running task ({@code cfs_rq->curr->my_q}) comes first, as crash
 * walks them. As in the kernel, the running CFS task is not in the tree.
 *
 * <p>Only tasks that the task list knows are reported (crash: task_to_context). Every walk is
 * capped; a corrupt tree or list ends that walk and adds one line to {@link #problems()}.
 */
public final class RunQueues {
    /** No run queue holds more entities than there are tasks; see {@link Tasks#MAX_TASKS}. */
    static final int MAX_ENTRIES = Tasks.MAX_TASKS;
    /** Task groups nest far less deep than this (cgroup hierarchies). */
    static final int MAX_GROUP_DEPTH = 64;

    /**
     * A task on a queue.
     *
     * @param prio for RT: the queue index (crash's [%3d]); for CFS: {@code task->prio}
     * @param task the task as the task list has it
     */
    public record Queued(int prio, TaskInfo task) {
    }

    /**
     * One CPU's run queue.
     *
     * @param rq          the struct rq
     * @param current     rq->curr
     * @param currentTask the task rq->curr names, when the task list knows it
     * @param rtArray     &rq->rt.active, the struct rt_prio_array
     * @param cfsRoot     &rq->cfs.tasks_timeline, the rb_root
     */
    public record Cpu(int cpu, long rq, long current, Optional<TaskInfo> currentTask, long rtArray, List<Queued> rt,
                      long cfsRoot, List<Queued> cfs) {
    }

    private final List<Cpu> cpus;
    private final List<String> problems;

    private RunQueues(List<Cpu> cpus, List<String> problems) {
        this.cpus = List.copyOf(cpus);
        this.problems = List.copyOf(problems);
    }

    /** Reads every CPU's run queue; throws a one-line VmcoreException when runqueues or the scheduler types are missing. */
    public static RunQueues read(Session session) {
        return new Reader(session).read();
    }

    public List<Cpu> cpus() {
        return cpus;
    }

    /** Corrupt or unreadable queues met on the way, one line each. */
    public List<String> problems() {
        return problems;
    }

    /** Scheduler offsets, probed by member name in the kernel's types. */
    record Layout(long rqCurr, long rqCfs, long rqRt, long cfsTimeline, long cfsLeftmost, long cfsCurr, long seRunNode,
                  long seMyQ, long taskSe, long taskRt, long taskPrio, long rtRunList, long rtMyQ, long rtRqActive,
                  long queue, long queueHeads, long listHead, RbTree.Layout rbNode) {
        static Layout probe(TypeSource types) {
            Type rq = type(types, "struct rq");
            Type cfsRq = type(types, "struct cfs_rq");
            Type se = type(types, "struct sched_entity");
            Type task = type(types, "struct task_struct");
            Type rtSe = type(types, "struct sched_rt_entity");
            Type rtRq = type(types, "struct rt_rq");
            Type prioArray = type(types, "struct rt_prio_array");
            long timeline = offset(cfsRq, "tasks_timeline");
            // Linux 4.14 (commit bfb068892d30) moved cfs_rq.rb_leftmost into tasks_timeline, an rb_root_cached.
            long leftmost = Types.offsetOf(cfsRq, "rb_leftmost")
                    .or(() -> Types.offsetOf(cfsRq, "tasks_timeline.rb_leftmost")).orElseThrow(() -> missing("rb_leftmost"));
            Types.Located q = Types.memberPath(prioArray, "queue").orElseThrow(() -> missing("rt_prio_array.queue"));
            if (!(Types.strip(q.type()) instanceof ArrayType a) || a.length() <= 0) {
                throw new VmcoreException("runq: rt_prio_array.queue is not an array");
            }
            long listHead = Types.sizeof(Types.strip(a.element()));
            RbTree.Layout rb = types.findType("struct rb_node").map(n -> new RbTree.Layout(offset(n, "__rb_parent_color"),
                    offset(n, "rb_right"), offset(n, "rb_left"))).orElse(RbTree.Layout.STANDARD);
            return new Layout(offset(rq, "curr"), offset(rq, "cfs"), offset(rq, "rt"), timeline, leftmost,
                    offset(cfsRq, "curr"), offset(se, "run_node"), Types.offsetOf(se, "my_q").orElse(-1L),
                    offset(task, "se"), offset(task, "rt"), offset(task, "prio"), offset(rtSe, "run_list"),
                    Types.offsetOf(rtSe, "my_q").orElse(-1L), offset(rtRq, "active"), q.offset(), a.length(), listHead, rb);
        }

        private static Type type(TypeSource types, String name) {
            return types.findType(name).orElseThrow(() -> new VmcoreException("runq: no type information for " + name));
        }

        private static long offset(Type t, String path) {
            return Types.offsetOf(t, path).orElseThrow(() -> missing(path));
        }

        private static VmcoreException missing(String path) {
            return new VmcoreException("runq: no member " + path + " in the kernel's scheduler types");
        }
    }

    private static final class Reader {
        private final Session session;
        private final AddressSpace mem;
        private final Layout layout;
        private final RbTree rb;
        private final List<String> problems = new ArrayList<>();
        private final Map<Long, TaskInfo> tasks = new HashMap<>();

        Reader(Session session) {
            this.session = session;
            this.mem = session.kernelMemory();
            this.layout = Layout.probe(session.kernelTypes());
            this.rb = new RbTree(mem, layout.rbNode());
        }

        RunQueues read() {
            long runqueues = session.kernelSymbols().find("runqueues")
                    .orElseThrow(() -> new VmcoreException("runq: per-cpu runqueues do not exist")).address();
            Tasks all = Tasks.read(session);
            all.all().forEach(t -> tasks.putIfAbsent(t.address(), t));
            problems.addAll(all.problems());
            Optional<PerCpu> perCpu = PerCpu.of(session);
            int n = perCpu.map(PerCpu::cpus).orElse(1);
            List<Cpu> out = new ArrayList<>();
            for (int cpu = 0; cpu < n; cpu++) {
                long rq = runqueues + (perCpu.isPresent() ? perCpu.get().offset(cpu) : 0);
                out.add(cpu(cpu, rq));
            }
            return new RunQueues(out, problems);
        }

        private Cpu cpu(int cpu, long rq) {
            long curr = mem.readLong(rq + layout.rqCurr());
            long rtArray = rq + layout.rqRt() + layout.rtRqActive();
            long cfsRq = rq + layout.rqCfs();
            List<Queued> rt = new ArrayList<>();
            rtArray(cpu, rtArray, rt, 0);
            List<Queued> cfs = new ArrayList<>();
            cfsRq(cpu, cfsRq, cfs, new HashSet<>(), 0);
            return new Cpu(cpu, rq, curr, Optional.ofNullable(tasks.get(curr)), rtArray, rt, cfsRq + layout.cfsTimeline(),
                    cfs);
        }

        /** The RT tasks on one rt_prio_array, by queue index; a group's queue (rt_se->my_q) in place. */
        private void rtArray(int cpu, long array, List<Queued> out, int depth) {
            if (depth > MAX_GROUP_DEPTH) {
                problems.add("CPU " + cpu + ": RT task groups nest deeper than " + MAX_GROUP_DEPTH + " (corrupt?)");
                return;
            }
            for (int i = 0; i < layout.queueHeads(); i++) {
                long head = array + layout.queue() + i * layout.listHead();
                for (long rtSe : list(cpu, head, i)) {
                    long myQ = layout.rtMyQ() >= 0 ? mem.readLong(rtSe + layout.rtMyQ()) : 0;
                    if (myQ != 0) {
                        rtArray(cpu, myQ + layout.rtRqActive(), out, depth + 1);
                        continue;
                    }
                    TaskInfo t = tasks.get(rtSe - layout.taskRt());
                    if (t != null) {
                        out.add(new Queued(i, t));
                    }
                }
            }
        }

        /** The sched_rt_entity addresses on the list at {@code head} (run_list members), capped. */
        private List<Long> list(int cpu, long head, int index) {
            List<Long> out = new ArrayList<>();
            try {
                long next = mem.readLong(head);
                Set<Long> seen = new HashSet<>();
                while (next != head) {
                    if (next == 0 || !seen.add(next) || out.size() >= MAX_ENTRIES) {
                        problems.add("CPU " + cpu + ": RT queue [" + index + "] at " + Long.toHexString(head)
                                + " corrupt after " + out.size() + " entries");
                        break;
                    }
                    out.add(next - layout.rtRunList());
                    next = mem.readLong(next);
                }
            } catch (VmcoreException e) {
                problems.add("CPU " + cpu + ": RT queue [" + index + "] unreadable after " + out.size() + " entries: "
                        + e.getMessage());
            }
            return out;
        }

        /**
         * The CFS tasks of one cfs_rq as crash lists them (dump_tasks_in_cfs_rq): first the group queue
         * of the running entity, then the tree in vruntime order, each group entity's queue in place.
         * Returns false when a task was met twice (the walk stops there, as crash's does).
         */
        private boolean cfsRq(int cpu, long cfsRq, List<Queued> out, Set<Long> seen, int depth) {
            if (depth > MAX_GROUP_DEPTH) {
                problems.add("CPU " + cpu + ": CFS task groups nest deeper than " + MAX_GROUP_DEPTH + " (corrupt?)");
                return false;
            }
            try {
                if (layout.seMyQ() >= 0) {
                    long curr = mem.readLong(cfsRq + layout.cfsCurr());
                    long currQ = curr == 0 ? 0 : mem.readLong(curr + layout.seMyQ());
                    if (currQ != 0 && !cfsRq(cpu, currQ, out, seen, depth + 1)) {
                        return false;
                    }
                }
                if (mem.readLong(cfsRq + layout.cfsLeftmost()) == 0) {
                    return true;
                }
            } catch (VmcoreException e) {
                problems.add("CPU " + cpu + ": cfs_rq " + Long.toHexString(cfsRq) + " unreadable: " + e.getMessage());
                return true;
            }
            RbTree.Walk walk = rb.walk(cfsRq + layout.cfsTimeline(), MAX_ENTRIES);
            for (long node : walk.nodes()) {
                long se = node - layout.seRunNode();
                long myQ = layout.seMyQ() >= 0 ? mem.readLong(se + layout.seMyQ()) : 0;
                if (myQ != 0) {
                    if (!cfsRq(cpu, myQ, out, seen, depth + 1)) {
                        return false;
                    }
                    continue;
                }
                TaskInfo t = tasks.get(se - layout.taskSe());
                if (t == null) {
                    continue;
                }
                if (!seen.add(t.address())) {
                    problems.add("CPU " + cpu + ": duplicate CFS runqueue node: task " + Long.toHexString(t.address()));
                    return false;
                }
                out.add(new Queued(mem.readInt(t.address() + layout.taskPrio()), t));
            }
            if (!walk.problem().isEmpty()) {
                problems.add("CPU " + cpu + ": CFS " + walk.problem());
            }
            return true;
        }
    }
}
