package dev.vmcore.unwind;

import dev.vmcore.util.Unsigned;

import dev.vmcore.format.orc.OrcEntry;
import dev.vmcore.format.orc.OrcReg;
import dev.vmcore.format.orc.OrcType;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ORC unwind loop, step for step the kernel's unwind_next_frame (arch/x86/kernel/unwind_orc.c):
 * find the entry for the current ip, compute the caller's stack pointer from its base register,
 * then read a return address (CALL), a pt_regs (REGS) or an IRET frame (REGS_PARTIAL) there.
 * Code without ORC data is stepped as a frame-pointer frame and the frame marked unreliable.
 */
public final class OrcUnwinder {
    /** Enough for any real kernel stack (16 KiB of minimal frames is 1024, but real ones are far fewer). */
    public static final int DEFAULT_MAX_FRAMES = 512;

    private final AddressSpace mem;
    private final OrcLookup orc;
    private final StackLayout stacks;
    private final int maxFrames;

    public OrcUnwinder(AddressSpace mem, OrcLookup orc, StackLayout stacks, int maxFrames) {
        this.mem = mem;
        this.orc = orc;
        this.stacks = stacks;
        this.maxFrames = maxFrames;
    }

    public StackTrace unwind(RegisterState start) {
        List<Frame> frames = new ArrayList<>();
        long where = start.hasSlot() ? start.slot() : start.sp();
        frames.add(new Frame(start.ip(), start.slot(), start.sp(), stacks.regionOf(where).orElse(null),
                Optional.empty(), true));
        // Like the kernel's stack_mask: a stack once left is never entered again, so an unwind that
        // bounces between stacks (corrupt pt_regs) stops instead of looping.
        Set<StackRegion> left = new HashSet<>();
        RegisterState state = start;
        for (int steps = 0; ; steps++) {
            if (frames.size() >= maxFrames) {
                return new StackTrace(start, frames, Optional.of("stopped after " + maxFrames + " frames"));
            }
            if (steps >= 2 * maxFrames) {
                // Register frames add no frame of their own; they are bounded too.
                return new StackTrace(start, frames, Optional.of("stopped after " + steps + " steps"));
            }
            if (state.regs() != null && state.regs().userMode()) {
                return new StackTrace(start, frames, Optional.empty());
            }
            Step step;
            try {
                step = step(state);
            } catch (VmcoreException e) {
                return new StackTrace(start, frames, Optional.of("cannot read the stack: " + e.getMessage()));
            }
            if (step.end) {
                return new StackTrace(start, frames, Optional.ofNullable(step.error));
            }
            RegisterState next = step.state;
            Optional<StackRegion> from = stacks.regionOf(state.sp());
            Optional<StackRegion> to = stacks.regionOf(next.sp());
            if (from.equals(to) && Unsigned.lessOrEqual(next.sp(), state.sp())) {
                return new StackTrace(start, frames, Optional.of(String.format(
                        "stack going the wrong way at %x (sp %x -> %x)", state.ip(), state.sp(), next.sp())));
            }
            if (!from.equals(to)) {
                from.ifPresent(left::add);
                if (to.isPresent() && left.contains(to.get())) {
                    return new StackTrace(start, frames, Optional.of(String.format(
                            "back on the %s stack it had left, at %x: corrupt frames", to.get().name(), state.ip())));
                }
            }
            if (step.exception != null) {
                int last = frames.size() - 1;
                if (frames.get(last).exception().isPresent()) {
                    // An exception taken inside exception entry code: the interrupted context of the
                    // first is a frame of its own, with no return address.
                    frames.add(new Frame(state.ip(), 0, state.sp(), stacks.regionOf(state.sp()).orElse(null),
                            Optional.of(step.exception), step.reliable));
                } else {
                    frames.set(last, frames.get(last).withException(step.exception));
                }
            } else {
                if (next.ip() == 0) {
                    return new StackTrace(start, frames, Optional.empty());
                }
                frames.add(new Frame(next.ip(), next.slot(), next.sp(), stacks.regionOf(next.slot()).orElse(null),
                        Optional.empty(), step.reliable));
            }
            state = next;
        }
    }

    /** One step: the caller's state, or the end (with an error when the end is not the stack's bottom). */
    private record Step(RegisterState state, PtRegs exception, boolean reliable, boolean end, String error) {
        static Step end(String error) {
            return new Step(null, null, true, true, error);
        }
    }

    private Step step(RegisterState s) {
        long ip = s.signal() ? s.ip() : s.ip() - 1;
        if (!orc.isText(ip)) {
            return Step.end(String.format("%x is not kernel text: no way to unwind from it", s.ip()));
        }
        Optional<OrcEntry> found = orc.find(ip);
        boolean reliable = found.isPresent();
        OrcEntry e = found.orElse(OrcEntry.FRAME_POINTER);
        if (e.type() == OrcType.UNDEFINED) {
            return Step.end(String.format("no unwind data at %x (ORC entry undefined)", s.ip()));
        }
        if (e.type() == OrcType.END_OF_STACK) {
            return Step.end(null);
        }
        long sp;
        switch (e.spReg()) {
            case SP -> sp = s.sp() + e.spOffset();
            case BP -> sp = s.bp() + e.spOffset();
            case SP_INDIRECT -> sp = mem.readLong(s.sp()) + e.spOffset();
            case BP_INDIRECT -> sp = mem.readLong(s.bp() + e.spOffset());
            case R10, R13, DI, DX, AX -> {
                String name = e.spReg().name().toLowerCase(java.util.Locale.ROOT);
                if (s.regs() == null || s.regs().get(name).isEmpty()) {
                    return Step.end(String.format("the stack pointer at %x is in %s, whose value is not known",
                            s.ip(), name));
                }
                sp = s.regs().get(name).getAsLong();
            }
            default -> {
                return Step.end(String.format("ORC entry at %x has an unusable sp base register %s", s.ip(), e.spReg()));
            }
        }
        RegisterState next;
        PtRegs exception = null;
        switch (e.type()) {
            case CALL -> {
                long slot = sp - 8;
                next = new RegisterState(mem.readLong(slot), sp, s.bp(), slot, e.signal(), null);
            }
            case REGS -> {
                PtRegs regs = PtRegs.read(mem, sp);
                exception = regs;
                next = new RegisterState(regs.get("ip").getAsLong(), regs.get("sp").getAsLong(), s.bp(), 0, true, regs);
            }
            case REGS_PARTIAL -> {
                PtRegs iret = PtRegs.readIret(mem, sp);
                exception = iret;
                // The kernel's get_reg: after an IRET frame, the other registers are those of the
                // full register set before it (prev_regs), when there was one.
                PtRegs known = s.regs() == null ? iret : s.regs().overlaidWith(iret);
                next = new RegisterState(iret.get("ip").getAsLong(), iret.get("sp").getAsLong(), s.bp(), 0, true, known);
            }
            default -> throw new IllegalStateException("ORC type " + e.type());
        }
        long bp = next.bp();
        switch (e.bpReg()) {
            case UNDEFINED -> {
                if (next.regs() != null && next.regs().get("bp").isPresent()) {
                    bp = next.regs().get("bp").getAsLong();
                } else if (exception != null && s.regs() != null && s.regs().get("bp").isPresent()) {
                    bp = s.regs().get("bp").getAsLong();
                }
            }
            case PREV_SP -> bp = mem.readLong(sp + e.bpOffset());
            case BP -> bp = mem.readLong(s.bp() + e.bpOffset());
            default -> {
                return Step.end(String.format("ORC entry at %x has an unusable bp base register %s", s.ip(), e.bpReg()));
            }
        }
        next = new RegisterState(next.ip(), next.sp(), bp, next.slot(), next.signal(), next.regs());
        return new Step(next, exception, reliable, false, null);
    }
}
