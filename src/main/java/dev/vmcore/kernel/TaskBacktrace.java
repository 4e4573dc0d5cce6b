package dev.vmcore.kernel;

import dev.vmcore.program.Session;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.unwind.Backtracer;
import dev.vmcore.unwind.Frame;
import dev.vmcore.unwind.PtRegs;
import dev.vmcore.unwind.StackTrace;

import java.util.List;
import java.util.Optional;

/**
 * A task's backtrace the way crash starts it: a task running on a CPU from that CPU's registers in
 * the dump, any other from its scheduler switch frame. The panic task's trace starts at the
 * {@code panic} frame, as crash's does: the frames above it are where the machine was stopped
 * inside panic (QEMU's pvpanic notifier, kexec), not part of the failure.
 */
public final class TaskBacktrace {
    /** The functions a panic trace starts at, as in crash's x86_64 stack search. */
    private static final List<String> PANIC_FUNCTIONS = List.of("panic", "vpanic");

    private final Session session;
    private final Backtracer backtracer;

    public TaskBacktrace(Session session) {
        this.session = session;
        this.backtracer = new Backtracer(session);
    }

    public Backtracer backtracer() {
        return backtracer;
    }

    /**
     * @param panicTask whether {@code t} is the task that panicked (its trace is cut at {@code panic})
     */
    public StackTrace of(TaskInfo t, boolean panicTask) {
        Optional<PtRegs> regs = t.active() ? backtracer.cpuRegisters(t.cpu()) : Optional.empty();
        if (regs.isEmpty()) {
            return backtracer.fromSwitchFrame(t.address(), t.cpu());
        }
        StackTrace trace = backtracer.fromRegisters(t.address(), t.cpu(), regs.get());
        return panicTask ? fromPanic(trace) : trace;
    }

    private StackTrace fromPanic(StackTrace trace) {
        List<Frame> frames = trace.frames();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            Optional<String> name = session.symbols().containing(f.ip()).map(Symbol::name);
            if (f.hasSlot() && name.isPresent() && PANIC_FUNCTIONS.contains(name.get())) {
                return new StackTrace(trace.start(), frames.subList(i, frames.size()), trace.error());
            }
        }
        return trace;
    }
}
