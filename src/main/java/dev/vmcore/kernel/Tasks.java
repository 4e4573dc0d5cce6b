package dev.vmcore.kernel;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every task of the dumped kernel: each process on init_task.tasks, each process's threads, and
 * each CPU's idle task (runqueues.idle, per CPU), marked with the task each CPU was running
 * (runqueues.curr). Layouts are probed by member name (see {@link TaskLayout}), not by version.
 *
 * <p>A list that does not return to its head within {@link #MAX_TASKS} steps, or that leads into
 * unreadable memory, ends the walk there; {@link #problems()} says so in one line.
 */
public final class Tasks {
    /** No kernel runs more tasks than this; a longer walk is a corrupt (cyclic) list. */
    static final int MAX_TASKS = 1_000_000;
    private static final int COMM_LEN = 16;
    /** include/linux/numa.h: MAX_NUMNODES is at most 1 << 10. */
    private static final int MAX_NODES = 1024;

    private final List<TaskInfo> tasks;
    private final long totalRamPages;
    private final int pageSize;
    private final List<String> problems;

    private Tasks(List<TaskInfo> tasks, long totalRamPages, int pageSize, List<String> problems) {
        this.tasks = List.copyOf(tasks);
        this.totalRamPages = totalRamPages;
        this.pageSize = pageSize;
        this.problems = List.copyOf(problems);
    }

    /** Reads every task; throws a one-line VmcoreException when init_task or the types are missing. */
    public static Tasks read(Session session) {
        return new Reader(session).read();
    }

    /**
     * The task running on {@code cpu} (its runqueue's curr), read on its own without walking the
     * task list: what bt needs for its first answer. Its RSS counts only its own thread's
     * counters (ps sums a process's threads); empty when the runqueue cannot be read.
     */
    public static Optional<TaskInfo> running(Session session, int cpu) {
        return new Reader(session).running(cpu);
    }

    /** The tasks sorted as crash sorts them: by PID, idle tasks (PID 0) by CPU. */
    public List<TaskInfo> all() {
        return tasks;
    }

    /** The base of %MEM: the nodes' present pages as crash counts them, else totalram_pages (0 when unknown). */
    public long totalRamPages() {
        return totalRamPages;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Corrupt or unreadable lists met on the way, one line each. */
    public List<String> problems() {
        return problems;
    }

    /** Task offsets this reader needs, probed in the kernel's types. */
    record TaskLayout(long tasks, long pid, long tgid, long comm, long mm, long realParent, long state,
                      long exitState, long cpu, long signal, long threadNode, long threadHead, long threadGroup,
                      long taskRss, long totalVm, long rssStat, long rssStride, boolean percpuRss, long pcCount,
                      long pcCounters) {
        static TaskLayout probe(TypeSource types) {
            Type task = type(types, "struct task_struct");
            Type mm = type(types, "struct mm_struct");
            long stateOff = Types.offsetOf(task, "__state").or(() -> Types.offsetOf(task, "state"))
                    .orElseThrow(() -> missing("__state or state"));
            long cpu = Types.offsetOf(task, "cpu").or(() -> Types.offsetOf(task, "thread_info.cpu")).orElse(-1L);
            long threadHead = types.findType("struct signal_struct").flatMap(s -> Types.offsetOf(s, "thread_head")).orElse(-1L);
            long rssStat = Types.offsetOf(mm, "rss_stat").orElse(-1L);
            // Linux 6.2 (commit f1a7941243c1) made mm->rss_stat an array of percpu_counter; before, a
            // struct mm_rss_stat of atomic_long_t count[], with per-task deltas in task->rss_stat.
            boolean percpu = rssStat >= 0 && Types.offsetOf(mm, "rss_stat.count").isEmpty();
            long stride = 8;
            long pcCount = 0;
            long pcCounters = -1;
            if (percpu) {
                Type pc = type(types, "struct percpu_counter");
                stride = Types.sizeof(Types.strip(pc));
                pcCount = offset(pc, "count");
                pcCounters = offset(pc, "counters");
            } else if (rssStat >= 0) {
                rssStat = offset(mm, "rss_stat.count");
            }
            long taskRss = percpu ? -1 : Types.offsetOf(task, "rss_stat.count").orElse(-1L);
            return new TaskLayout(offset(task, "tasks"), offset(task, "pid"), offset(task, "tgid"), offset(task, "comm"),
                    offset(task, "mm"), offset(task, "real_parent"), stateOff, Types.offsetOf(task, "exit_state").orElse(-1L),
                    cpu, offset(task, "signal"), Types.offsetOf(task, "thread_node").orElse(-1L), threadHead,
                    Types.offsetOf(task, "thread_group").orElse(-1L), taskRss, Types.offsetOf(mm, "total_vm").orElse(-1L),
                    rssStat, stride, percpu, pcCount, pcCounters);
        }

        private static Type type(TypeSource types, String name) {
            return types.findType(name).orElseThrow(() -> new VmcoreException("tasks: no type information for " + name));
        }

        private static long offset(Type t, String path) {
            return Types.offsetOf(t, path).orElseThrow(() -> missing(path));
        }

        private static VmcoreException missing(String path) {
            return new VmcoreException("tasks: no member " + path + " in the kernel's task types");
        }
    }

    /** The RSS counters ps adds: MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES (include/linux/mm_types_task.h). */
    private static final int[] RSS_COUNTERS = {0, 1, 3};

    private static final class Reader {
        private final Session session;
        private final AddressSpace mem;
        private final SymbolTable symbols;
        private final TaskLayout layout;
        private final long[] perCpuOffsets;
        private final List<String> problems = new ArrayList<>();

        Reader(Session session) {
            this.session = session;
            this.mem = session.kernelMemory();
            this.symbols = session.symbols();
            this.layout = TaskLayout.probe(session.kernelTypes());
            this.perCpuOffsets = perCpuOffsets();
        }

        Tasks read() {
            long initTask = symbol("init_task");
            Map<Long, Boolean> seen = new LinkedHashMap<>(); // task -> idle
            Map<Long, Integer> activeCpu = new HashMap<>();
            for (int cpu = 0; cpu < perCpuOffsets.length; cpu++) {
                try {
                    Optional<RunqueueTasks> r = runqueue(cpu);
                    if (r.isEmpty()) {
                        break;
                    }
                    if (r.get().idle() != 0) {
                        seen.put(r.get().idle(), true);
                    }
                    if (r.get().curr() != 0) {
                        activeCpu.put(r.get().curr(), cpu);
                    }
                } catch (VmcoreException e) {
                    problems.add("runqueue of CPU " + cpu + " unreadable: " + e.getMessage());
                }
            }
            seen.putIfAbsent(initTask, true);
            for (long leader : walk("init_task.tasks", initTask + layout.tasks(), layout.tasks())) {
                seen.putIfAbsent(leader, false);
                for (long thread : threads(leader)) {
                    seen.putIfAbsent(thread, false);
                }
            }
            List<Raw> raw = new ArrayList<>();
            for (Map.Entry<Long, Boolean> e : seen.entrySet()) {
                try {
                    raw.add(readRaw(e.getKey(), e.getValue(), activeCpu.containsKey(e.getKey())));
                } catch (VmcoreException ex) {
                    problems.add("task " + Long.toHexString(e.getKey()) + " unreadable: " + ex.getMessage());
                }
            }
            List<TaskInfo> out = new ArrayList<>();
            for (Raw r : raw) {
                out.add(finish(r, raw));
            }
            out.sort(Comparator.comparingInt(TaskInfo::pid).thenComparingInt(TaskInfo::cpu));
            return new Tasks(out, totalRamPages(), session.dump().memory().pageSize(), problems);
        }

        Optional<TaskInfo> running(int cpu) {
            try {
                Optional<RunqueueTasks> r = cpu >= 0 && cpu < perCpuOffsets.length ? runqueue(cpu) : Optional.empty();
                if (r.isEmpty() || r.get().curr() == 0) {
                    return Optional.empty();
                }
                Raw raw = readRaw(r.get().curr(), r.get().curr() == r.get().idle(), true);
                return Optional.of(finish(raw, List.of(raw)));
            } catch (VmcoreException e) {
                return Optional.empty();
            }
        }

        /** A runqueue's running task (rq->curr) and idle task (rq->idle); 0 for a member the types lack. */
        private record RunqueueTasks(long curr, long idle) {
        }

        /** {@code cpu}'s runqueue tasks; empty when the kernel has no runqueues symbol or struct rq type. */
        private Optional<RunqueueTasks> runqueue(int cpu) {
            Optional<Long> rq = symbols.find("runqueues").map(x -> x.address());
            Optional<Type> rqType = session.kernelTypes().findType("struct rq");
            if (rq.isEmpty() || rqType.isEmpty()) {
                return Optional.empty();
            }
            long base = rq.get() + perCpuOffsets[cpu];
            Optional<Long> curr = Types.offsetOf(rqType.get(), "curr");
            Optional<Long> idle = Types.offsetOf(rqType.get(), "idle");
            return Optional.of(new RunqueueTasks(curr.isPresent() ? mem.readLong(base + curr.get()) : 0,
                    idle.isPresent() ? mem.readLong(base + idle.get()) : 0));
        }

        /** A task's threads, the leader among them; empty when the task has no thread list member. */
        private List<Long> threads(long leader) {
            try {
                if (layout.threadHead() >= 0 && layout.threadNode() >= 0) {
                    long signal = mem.readLong(leader + layout.signal());
                    return signal == 0 ? List.of() : walk("signal->thread_head of " + Long.toHexString(leader),
                            signal + layout.threadHead(), layout.threadNode());
                }
                if (layout.threadGroup() >= 0) {
                    List<Long> out = new ArrayList<>(walk("thread_group of " + Long.toHexString(leader),
                            leader + layout.threadGroup(), layout.threadGroup()));
                    out.add(0, leader);
                    return out;
                }
            } catch (VmcoreException e) {
                problems.add("threads of task " + Long.toHexString(leader) + " unreadable: " + e.getMessage());
            }
            return List.of();
        }

        /** The entries of the circular list headed at {@code head}, as addresses of their containers. */
        private List<Long> walk(String what, long head, long memberOffset) {
            List<Long> out = new ArrayList<>();
            try {
                long next = mem.readLong(head);
                while (next != head) {
                    if (out.size() >= MAX_TASKS) {
                        problems.add(what + ": list corrupt, no way back to the head after " + MAX_TASKS + " entries");
                        break;
                    }
                    if (next == 0) {
                        problems.add(what + ": list corrupt, NULL next pointer after " + out.size() + " entries");
                        break;
                    }
                    out.add(next - memberOffset);
                    next = mem.readLong(next);
                }
            } catch (VmcoreException e) {
                problems.add(what + ": list unreadable after " + out.size() + " entries: " + e.getMessage());
            }
            return out;
        }

        private record Raw(long address, int pid, int tgid, int ppid, int cpu, long state, String comm, long mm,
                           long totalVm, long mmRss, long[] taskRss, boolean active, boolean idle) {
        }

        private Raw readRaw(long t, boolean idle, boolean active) {
            int pid = mem.readInt(t + layout.pid());
            int tgid = mem.readInt(t + layout.tgid());
            long parent = mem.readLong(t + layout.realParent());
            // crash shows PPID 0 for every idle task, although the secondary CPUs' idle tasks were forked by init.
            int ppid = parent == 0 || pid == 0 ? 0 : mem.readInt(parent + layout.pid());
            int cpu = layout.cpu() >= 0 ? mem.readInt(t + layout.cpu()) : 0;
            long state = Integer.toUnsignedLong(mem.readInt(t + layout.state()));
            if (layout.exitState() >= 0) {
                state |= Integer.toUnsignedLong(mem.readInt(t + layout.exitState()));
            }
            String comm = cString(mem.readBytes(t + layout.comm(), COMM_LEN));
            long mm = mem.readLong(t + layout.mm());
            long totalVm = 0;
            long mmRss = 0;
            if (mm != 0) {
                totalVm = layout.totalVm() >= 0 ? mem.readLong(mm + layout.totalVm()) : 0;
                mmRss = mmRss(mm);
            }
            long[] taskRss = new long[0];
            if (mm != 0 && layout.taskRss() >= 0) {
                taskRss = new long[RSS_COUNTERS.length];
                for (int i = 0; i < RSS_COUNTERS.length; i++) {
                    taskRss[i] = mem.readInt(t + layout.taskRss() + 4L * RSS_COUNTERS[i]);
                }
            }
            return new Raw(t, pid, tgid, ppid, cpu, state, comm, mm, totalVm, mmRss, taskRss, active, idle);
        }

        /** The mm's resident pages as its counters hold them (percpu_counter: count plus every CPU's delta). */
        private long mmRss(long mm) {
            if (layout.rssStat() < 0) {
                return 0;
            }
            long sum = 0;
            for (int counter : RSS_COUNTERS) {
                long at = mm + layout.rssStat() + counter * layout.rssStride();
                if (layout.percpuRss()) {
                    sum += mem.readLong(at + layout.pcCount());
                    long counters = mem.readLong(at + layout.pcCounters());
                    for (long off : perCpuOffsets) {
                        sum += mem.readInt(counters + off);
                    }
                } else {
                    sum += mem.readLong(at);
                }
            }
            return sum;
        }

        /** Before Linux 6.2, each thread's unsynchronised deltas (task->rss_stat) count too, as crash adds them. */
        private TaskInfo finish(Raw r, List<Raw> all) {
            long rss = r.mmRss();
            if (r.mm() != 0 && r.taskRss().length > 0) {
                for (Raw o : all) {
                    if (o.mm() == r.mm()) {
                        for (long d : o.taskRss()) {
                            rss += d;
                        }
                    }
                }
            }
            return new TaskInfo(r.address(), r.pid(), r.tgid(), r.ppid(), r.cpu(), r.state(), r.comm(), r.mm(),
                    r.totalVm(), Math.max(rss, 0), r.active(), r.idle());
        }

        /**
         * The base of %MEM as crash takes it (memory.c, vt->total_pages): the present pages of every
         * node (pglist_data.node_present_pages over node_data[0..nr_node_ids), or contig_page_data),
         * falling back to totalram_pages, which leaves out reserved pages and so is smaller.
         */
        private long totalRamPages() {
            try {
                Optional<Long> present = Types.offsetOf(session.kernelTypes().findType("struct pglist_data").orElseThrow(),
                        "node_present_pages").map(o -> presentPages(o));
                if (present.isPresent() && present.get() > 0) {
                    return present.get();
                }
            } catch (VmcoreException | java.util.NoSuchElementException e) {
                problems.add("node_present_pages unreadable: " + e.getMessage());
            }
            for (String name : new String[] {"_totalram_pages", "totalram_pages"}) {
                Optional<Long> a = symbols.find(name).map(s -> s.address());
                if (a.isPresent()) {
                    try {
                        return mem.readLong(a.get());
                    } catch (VmcoreException e) {
                        problems.add(name + " unreadable: " + e.getMessage());
                    }
                }
            }
            return 0;
        }

        private long presentPages(long offset) {
            Optional<Long> nodeData = symbols.find("node_data").map(s -> s.address());
            if (nodeData.isEmpty()) {
                return symbols.find("contig_page_data").map(s -> mem.readLong(s.address() + offset)).orElse(0L);
            }
            int nodes = symbols.find("nr_node_ids").map(s -> mem.readInt(s.address())).orElse(1);
            long sum = 0;
            for (int i = 0; i < Math.min(Math.max(nodes, 1), MAX_NODES); i++) {
                long pgdat = mem.readLong(nodeData.get() + 8L * i);
                if (pgdat != 0) {
                    sum += mem.readLong(pgdat + offset);
                }
            }
            return sum;
        }

        private long[] perCpuOffsets() {
            int cpus = Math.max(1, session.dump().cpuCount());
            long[] out = new long[cpus];
            Optional<Long> base = symbols.find("__per_cpu_offset").map(s -> s.address());
            if (base.isEmpty()) {
                return new long[] {0};
            }
            for (int i = 0; i < cpus; i++) {
                out[i] = mem.readLong(base.get() + 8L * i);
            }
            return out;
        }

        private long symbol(String name) {
            return symbols.find(name).orElseThrow(() -> new VmcoreException("tasks: no symbol " + name)).address();
        }
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

}
