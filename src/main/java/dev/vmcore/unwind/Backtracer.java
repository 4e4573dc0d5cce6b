package dev.vmcore.unwind;

import dev.vmcore.dump.CpuNote;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.types.Type;
import dev.vmcore.types.Types;
import dev.vmcore.util.Lazy;
import dev.vmcore.util.VmcoreException;

import java.util.List;
import java.util.Optional;

/**
 * Unwinds tasks of a session: a task running on a CPU from that CPU's registers in the dump's
 * notes, any other task from the frame the scheduler left at {@code thread.sp}
 * ({@code struct inactive_task_frame}: the callee-saved registers and the return address into
 * {@code __schedule}).
 */
public final class Backtracer {
    private final Session session;
    private final AddressSpace mem;
    private final Lazy<KernelOrc> orc;
    private final Lazy<KernelStacks> stacks;
    private final int maxFrames;

    public Backtracer(Session session, int maxFrames) {
        this.session = session;
        this.mem = session.kernelMemory();
        this.orc = Lazy.of(() -> KernelOrc.of(session));
        this.stacks = Lazy.of(() -> new KernelStacks(session));
        this.maxFrames = maxFrames;
    }

    public Backtracer(Session session) {
        this(session, OrcUnwinder.DEFAULT_MAX_FRAMES);
    }

    /** The registers the dump holds for {@code cpu} (its CPU note); empty when there is none. */
    public Optional<PtRegs> cpuRegisters(int cpu) {
        List<CpuNote> notes = session.dump().cpuNotes();
        // QEMU writes an NT_PRSTATUS and a QEMU note per CPU, kdump one NT_PRSTATUS per CPU, both in CPU order.
        Optional<CpuNote> note = notes.stream().filter(n -> n.kind().equals("NT_PRSTATUS") && n.index() == cpu).findFirst()
                .or(() -> notes.stream().filter(n -> n.index() == cpu).findFirst());
        return note.map(n -> PtRegs.fromNote(n.registers()));
    }

    /** A word-by-word reader of stacks, with the kernel's text ranges. */
    public StackScan scan() {
        return new StackScan(mem, orc.get());
    }

    public StackLayout stacks(long task, int cpu) {
        return stacks.get().layout(task, cpu);
    }

    /** Unwinds from explicit registers (a CPU's, or an exception frame's). */
    public StackTrace fromRegisters(long task, int cpu, PtRegs regs) {
        return unwinder(task, cpu).unwind(RegisterState.fromRegisters(regs));
    }

    /** Unwinds a task that is not running: from its inactive_task_frame. */
    public StackTrace fromSwitchFrame(long task, int cpu) {
        return unwinder(task, cpu).unwind(switchFrame(task));
    }

    private OrcUnwinder unwinder(long task, int cpu) {
        return new OrcUnwinder(mem, orc.get(), stacks(task, cpu), maxFrames);
    }

    /** The kernel's __unwind_start for a task that is not current. */
    RegisterState switchFrame(long task) {
        Type taskType = session.kernelTypes().findType("struct task_struct")
                .orElseThrow(() -> new VmcoreException("bt: no type information for struct task_struct"));
        long spOff = Types.offsetOf(taskType, "thread.sp")
                .orElseThrow(() -> new VmcoreException("bt: no member thread.sp in struct task_struct"));
        Optional<Type> frame = session.kernelTypes().findType("struct inactive_task_frame");
        // The x86-64 layout (arch/x86/include/asm/switch_to.h): r15 r14 r13 r12 bx bp ret_addr.
        long bpOff = frame.flatMap(f -> Types.offsetOf(f, "bp")).orElse(40L);
        long retOff = frame.flatMap(f -> Types.offsetOf(f, "ret_addr")).orElse(48L);
        long size = frame.map(Types::sizeof).orElse(56L);
        long sp = mem.readLong(task + spOff);
        long ip = mem.readLong(sp + retOff);
        boolean fork = isSymbol(ip, "ret_from_fork_asm") || isSymbol(ip, "ret_from_fork");
        return new RegisterState(ip, sp + size, mem.readLong(sp + bpOff), sp + retOff, fork, null);
    }

    private boolean isSymbol(long address, String name) {
        return session.kernelSymbols().find(name).map(Symbol::address).filter(a -> a == address).isPresent();
    }
}
