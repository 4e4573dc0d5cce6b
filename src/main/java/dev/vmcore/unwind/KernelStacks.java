package dev.vmcore.unwind;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.program.expr.PerCpu;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a task's stacks are: its own ({@code task_struct.stack}, THREAD_SIZE bytes), and for the
 * CPU it ran on the IRQ stack (the per-CPU {@code hardirq_stack_ptr}, a member of {@code pcpu_hot}
 * since 6.2) and the exception stacks of the cpu_entry_area ({@code cea_exception_stacks}).
 * Sizes come from the kernel's types (thread_union, irq_stack, the cea struct) when present.
 */
public final class KernelStacks {
    /** x86-64 THREAD_SIZE and IRQ_STACK_SIZE without KASAN: 4 pages. */
    private static final long DEFAULT_STACK_SIZE = 16384;
    /** crash's names for the exception stacks, by cea_exception_stacks member. */
    private static final List<String[]> EXCEPTION_STACKS = List.of(new String[] {"DF_stack", "DOUBLEFAULT"},
            new String[] {"NMI_stack", "NMI"}, new String[] {"DB_stack", "DEBUG"}, new String[] {"MCE_stack", "MCE"},
            new String[] {"VC_stack", "VC"}, new String[] {"VC2_stack", "VC2"});

    private final Session session;
    private final AddressSpace mem;
    private final TypeSource types;
    private final Optional<PerCpu> perCpu;
    private final long threadSize;
    private final long irqStackSize;

    public KernelStacks(Session session) {
        this.session = session;
        this.mem = session.kernelMemory();
        this.types = session.kernelTypes();
        this.perCpu = PerCpu.of(session);
        this.threadSize = types.findType("union thread_union").map(Types::sizeof).filter(s -> s > 0).orElse(DEFAULT_STACK_SIZE);
        this.irqStackSize = types.findType("struct irq_stack").map(Types::sizeof).filter(s -> s > 0).orElse(DEFAULT_STACK_SIZE);
    }

    public long threadSize() {
        return threadSize;
    }

    /** The task's own stack: [task->stack, + THREAD_SIZE). */
    public Optional<StackRegion> taskStack(long task) {
        Optional<Long> off = types.findType("struct task_struct").flatMap(t -> Types.offsetOf(t, "stack"));
        if (off.isEmpty()) {
            return Optional.empty();
        }
        try {
            long base = mem.readLong(task + off.get());
            return base == 0 ? Optional.empty() : Optional.of(new StackRegion("task", base, base + threadSize));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /** The stacks a task running on {@code cpu} (negative: unknown) can be on. */
    public StackLayout layout(long task, int cpu) {
        List<StackRegion> regions = new ArrayList<>();
        taskStack(task).ifPresent(regions::add);
        if (cpu >= 0 && perCpu.isPresent() && cpu < perCpu.get().cpus()) {
            irqStack(cpu).ifPresent(regions::add);
            regions.addAll(exceptionStacks(cpu));
        }
        return new StackLayout(regions);
    }

    /** hardirq_stack_ptr holds the IRQ stack's top minus 8 (the slot for the interrupted sp). */
    private Optional<StackRegion> irqStack(int cpu) {
        try {
            Optional<Long> ptr = perCpuAddress("hardirq_stack_ptr", cpu);
            if (ptr.isEmpty()) {
                Optional<Long> hot = perCpuAddress("pcpu_hot", cpu);
                Optional<Long> off = types.findType("struct pcpu_hot").flatMap(t -> Types.offsetOf(t, "hardirq_stack_ptr"));
                if (hot.isEmpty() || off.isEmpty()) {
                    return Optional.empty();
                }
                ptr = Optional.of(hot.get() + off.get());
            }
            long top = mem.readLong(ptr.get()) + 8;
            return top == 8 ? Optional.empty() : Optional.of(new StackRegion("IRQ", top - irqStackSize, top));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    private List<StackRegion> exceptionStacks(int cpu) {
        List<StackRegion> out = new ArrayList<>();
        Optional<Type> cea = types.findType("struct cea_exception_stacks");
        Optional<Long> ptr = perCpuAddress("cea_exception_stacks", cpu);
        if (cea.isEmpty() || ptr.isEmpty()) {
            return out;
        }
        try {
            long base = mem.readLong(ptr.get());
            for (String[] s : EXCEPTION_STACKS) {
                Optional<Types.Located> m = Types.member(cea.get(), s[0]);
                if (m.isPresent()) {
                    long start = base + m.get().offset();
                    out.add(new StackRegion(s[1] + " exception", start, start + Types.sizeof(m.get().member().type())));
                }
            }
        } catch (VmcoreException e) {
            return out;
        }
        return out;
    }

    private Optional<Long> perCpuAddress(String name, int cpu) {
        Optional<Symbol> s = session.kernelSymbols().find(name);
        if (s.isEmpty() || perCpu.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(perCpu.get().address(s.get(), cpu));
    }
}
