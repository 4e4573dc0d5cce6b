package dev.vmcore.types;

import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.elf.ElfSymbols;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real debug vmlinux files: the layouts DWARF gives equal those of the same file's .BTF (which
 * pahole made from that DWARF), for the kernel structs the tools and commands use and every struct
 * or union they reach, through the type model (see {@link TypeAgreement} for what BTF cannot say).
 */
class RealDwarfBtfAgreementTest {
    static final List<String> STRUCTS = List.of("task_struct", "module", "list_head", "hlist_node", "mm_struct", "page",
            "pt_regs", "file", "inode", "dentry", "super_block", "cred", "vm_area_struct", "sk_buff", "net_device",
            "kmem_cache", "timer_list", "work_struct", "mutex", "rb_node", "qspinlock", "wait_queue_head", "pid", "upid",
            "signal_struct", "files_struct", "inactive_task_frame", "printk_ringbuffer", "prb_desc");
    /** Named structs and unions compared at most, the listed ones first. */
    private static final int CAP = 4000;

    private static void agree(String kernel) {
        RealKernelTypes.Kernel k = RealKernelTypes.kernel(kernel);
        TypeAgreement a = new TypeAgreement(CAP);
        long t0 = System.nanoTime();
        for (String s : STRUCTS) {
            Type b = k.btf().findType("struct " + s).orElseThrow(() -> new AssertionError("BTF has no struct " + s));
            Type d = k.dwarf().findType("struct " + s).orElseThrow(() -> new AssertionError("DWARF has no struct " + s));
            a.add(b, d);
        }
        a.run();
        long t1 = System.nanoTime();
        System.out.printf("%s: %s(%d ms, including the DWARF name index if not built before)%n", kernel, a.report(),
                (t1 - t0) / 1_000_000);
        assertTrue(a.structsCompared >= STRUCTS.size(), a.report());
        assertEquals(List.of(), a.differences, a.report());
    }

    @Test
    void kernel61() {
        agree("6.1");
    }

    @Test
    void kernel612() {
        agree("6.12");
    }

    @Test
    void variablesAndFunctionsAgree() {
        for (String kernel : List.of("6.1", "6.12")) {
            RealKernelTypes.Kernel k = RealKernelTypes.kernel(kernel);
            for (String f : List.of("schedule", "panic", "_printk", "kmem_cache_alloc", "memcpy")) {
                var b = k.btf().findVariable(f);
                var d = k.dwarf().findVariable(f);
                if (b.isPresent()) {
                    assertEquals(TypeNames.name(b.get().type()), TypeNames.name(d.orElseThrow().type()), kernel + " " + f);
                }
            }
            // BTF has per-CPU variables (and functions) only; DWARF has those and every other global
            int perCpu = 0;
            for (String v : List.of("runqueues", "current_task", "this_cpu_off", "pcpu_hot", "cpu_number")) {
                var b = k.btf().findVariable(v);
                if (b.isPresent()) {
                    perCpu++;
                    assertEquals(TypeNames.name(b.get().type()),
                            TypeNames.name(k.dwarf().findVariable(v).orElseThrow().type()), kernel + " " + v);
                }
            }
            assertTrue(perCpu >= 2, kernel + ": per-CPU variables in BTF: " + perCpu);
            assertEquals("struct task_struct", TypeNames.name(k.dwarf().findVariable("init_task").orElseThrow().type()));
            assertEquals("unsigned long", TypeNames.name(Types.strip(
                    k.dwarf().findVariable("jiffies").orElseThrow().type())));
            assertTrue(k.btf().findVariable("init_task").isEmpty(), "BTF has no plain globals");
        }
    }

    /**
     * Time and heap of resolving task_struct fully on the 6.1 vmlinux with a fresh reader: every
     * member and, recursively, every type reached through members, arrays, typedefs and pointers.
     */
    @Test
    void measureTaskStruct61() throws Exception {
        java.nio.file.Path vmlinux = RealKernelTypes.require("kernels/6.1/vmlinux");
        try (ElfSymbols elf = ElfSymbols.open(vmlinux)) {
            var mem = ManagementFactory.getMemoryMXBean();
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long heap0 = usedAfterGc(mem);
            long alloc0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            Dwarf d = RealKernelTypes.openDwarf(elf);
            DwarfTypeSource ts = new DwarfTypeSource(d, "DWARF from vmlinux");
            d.index();
            long t1 = System.nanoTime();
            long heap1 = usedAfterGc(mem);
            long alloc1 = threads.getCurrentThreadAllocatedBytes();
            long t2 = System.nanoTime();
            StructType task = (StructType) ts.findType("struct task_struct").orElseThrow();
            int direct = task.members().size();
            long t3 = System.nanoTime();
            int[] counts = walk(task);
            long t4 = System.nanoTime();
            long alloc2 = threads.getCurrentThreadAllocatedBytes();
            long heap2 = usedAfterGc(mem);
            long t5 = System.nanoTime();
            StructType again = (StructType) ts.findType("struct task_struct").orElseThrow();
            walk(again);
            long t6 = System.nanoTime();
            System.out.printf("6.1 task_struct: open + name index %d ms (%d names, %d entries; heap +%d MiB retained,"
                            + " %d MiB allocated by this thread; the index threads' own allocation not counted);"
                            + " task_struct and its %d members %.1f ms; fully (%d types, %d structs/unions reached) %d ms more,"
                            + " heap +%.1f MiB retained, %.1f MiB allocated; again from the cache %.1f ms%n",
                    (t1 - t0) / 1_000_000, d.index().names(), d.index().size(), (heap1 - heap0) >> 20,
                    (alloc1 - alloc0) >> 20, direct, (t3 - t2) / 1e6, counts[0], counts[1], (t4 - t3) / 1_000_000,
                    (heap2 - heap1) / 1048576.0, (alloc2 - alloc1) / 1048576.0, (t6 - t5) / 1e6);
            assertTrue(counts[1] > 100, "task_struct reaches many structs: " + counts[1]);
            assertTrue(task == again);
        }
    }

    /** Visits every type reachable from {@code t}; returns {types, structs and unions}. */
    static int[] walk(Type t) {
        Map<Type, Boolean> seen = new IdentityHashMap<>();
        Deque<Type> todo = new ArrayDeque<>();
        todo.add(t);
        int structs = 0;
        while (!todo.isEmpty()) {
            Type x = todo.poll();
            if (seen.put(x, true) != null) {
                continue;
            }
            switch (x) {
                case StructType s -> {
                    structs++;
                    s.members().forEach(m -> todo.add(m.type()));
                }
                case PointerType p -> todo.add(p.target());
                case ArrayType a -> todo.add(a.element());
                case TypedefType d -> todo.add(d.target());
                case QualifiedType q -> todo.add(q.target());
                case FunctionType f -> {
                    todo.add(f.returnType());
                    f.params().forEach(p -> todo.add(p.type()));
                }
                default -> {
                }
            }
        }
        return new int[] {seen.size(), structs};
    }

    private static long usedAfterGc(java.lang.management.MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
