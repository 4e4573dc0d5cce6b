package dev.vmcore.analyze;

import dev.vmcore.analyze.KasanReport.Access;
import dev.vmcore.analyze.KasanReport.Hint;
import dev.vmcore.analyze.KasanReport.Region;
import dev.vmcore.analyze.OopsLine.FrameRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@link FaultClassifier}'s companion for KASAN: names the fault from the kernel's own
 * {@link KasanReport} (the bug type KASAN chose from the shadow byte, mm/kasan/report_generic.c)
 * or from the hint line after a general protection fault, and says it in plain words. Pure.
 */
final class KasanClassifier {
    private KasanClassifier() {
    }

    /** The kind of fault a KASAN bug type is. */
    static FaultKind kind(String bugType) {
        if (bugType.contains("use-after-")) {
            return FaultKind.USE_AFTER_FREE; // slab-use-after-free, use-after-free (a page, or a slab object before 6.3)
        }
        if (bugType.contains("free")) {
            return FaultKind.INVALID_FREE; // double-free, invalid-free, "double-free or invalid-free" before 5.19
        }
        if (bugType.contains("out-of-bounds")) {
            return FaultKind.OUT_OF_BOUNDS; // slab-, global-, stack-, alloca-, vmalloc-out-of-bounds and plain
        }
        return switch (bugType) {
            case "null-ptr-deref" -> FaultKind.NULL_DEREFERENCE;
            case "user-memory-access" -> FaultKind.USER_ADDRESS;
            // No shadow there: above the user half, yet not memory KASAN covers (non-canonical on x86-64).
            case "wild-memory-access" -> FaultKind.NON_CANONICAL;
            default -> FaultKind.UNKNOWN; // unknown-crash, invalid-access (hardware tags, asynchronous)
        };
    }

    /** A report's kind, what the code did, and the evidence in plain words. */
    static FaultClassifier.Classified classify(KasanReport r) {
        FaultKind kind = kind(r.bugType());
        List<String> ev = new ArrayList<>();
        ev.add(plainWords(r, kind));
        String what = switch (kind) {
            case USE_AFTER_FREE -> did(r) + (r.access().map(Access::size).orElse(0L) > 0 ? " of " : " ")
                    + objectWords(r, kind, false).orElse("memory") + " after it was freed";
            case OUT_OF_BOUNDS -> did(r) + " out of bounds" + r.region().map(g -> ": " + bytes(g.bytes()) + " "
                    + relation(g) + " " + objectWords(r, kind, true).orElse("the object"))
                    .or(() -> r.memory().map(m -> ", in " + m)).orElse(" (" + r.bugType() + ")");
            case INVALID_FREE -> r.bugType().equals("double-free") ? "freed an object that was already freed (double free)"
                    : r.bugType().equals("invalid-free") ? "freed a pointer that is not the start of an allocated object"
                    + " (invalid free)" : "freed an object twice, or a pointer that was never allocated";
            case NULL_DEREFERENCE -> "dereferenced a NULL pointer" + r.access().filter(a -> a.address() != 0)
                    .map(a -> String.format(" at offset 0x%x", a.address())).orElse("");
            case USER_ADDRESS -> "accessed a user address directly";
            case NON_CANONICAL -> "used a wild pointer (no kernel memory is there)";
            default -> "made a bad access KASAN calls " + r.bugType();
        };
        return new FaultClassifier.Classified(kind, what, ev);
    }

    /**
     * A general protection fault on a KASAN kernel: the faulting address is the shadow of the one the
     * code meant, which the hint line gives as a range.
     */
    static FaultClassifier.Classified classify(Hint h, OptionalLong address) {
        FaultKind kind = kind(h.bugType());
        String range = String.format("[0x%x, 0x%x]", h.start(), h.end());
        String shadow = address.isPresent() ? FaultClassifier.hex(address.getAsLong()) + " is" : "the address is";
        List<String> ev = List.of(shadow + " KASAN's shadow of " + range + ": the code meant an address in that range"
                + " (the kernel said: " + h.line() + ")");
        String what = switch (kind) {
            case NULL_DEREFERENCE -> "dereferenced a NULL pointer" + (h.start() == 0 ? ""
                    : String.format(" at an offset in %s (a member of a NULL struct pointer)", range));
            case USER_ADDRESS -> "accessed a user address directly (in " + range + ")";
            default -> "used a garbage pointer (around 0x" + Long.toHexString(h.start()) + ")";
        };
        return new FaultClassifier.Classified(kind, what, ev);
    }

    /**
     * The verdict for a KASAN report: where it happened, in which context, and the evidence.
     * There are no registers to read: KASAN checks an access before it is made and prints its report
     * from kasan_report(); the dump exists because panic_on_warn or kasan.fault=panic made the
     * kernel panic after it.
     *
     * @param sourceOf the "file: line" of a frame, when debug information gives one
     */
    static Verdict verdict(KasanReport r, Function<FrameRef, Optional<String>> sourceOf) {
        FaultClassifier.Classified c = classify(r);
        List<String> evidence = new ArrayList<>();
        r.lines().forEach(l -> evidence.add("the kernel said: " + l));
        evidence.addAll(c.evidence());
        evidence.add("KASAN checked the access before it was made and reported it: there is no exception frame"
                + r.panic().map(p -> "; then the kernel said: " + p).orElse(""));
        String location = r.location().map(KasanReport::shortText).orElse("");
        return new Verdict(c.kind(), (location.isEmpty() ? "the kernel" : location) + " " + c.what(), location,
                r.location().flatMap(sourceOf), r.caller().map(KasanReport::shortText), context(r),
                r.access().map(a -> OptionalLong.of(a.address())).orElse(OptionalLong.empty()), Optional.empty(),
                evidence);
    }

    /**
     * The report in one sentence: "a Read of size 8 at ffff888004b5c008, 8 bytes inside a freed
     * 64-byte kmalloc-64 object, allocated by f+0x1c [m], freed by g+0x30 [m]".
     */
    static String plainWords(KasanReport r, FaultKind kind) {
        StringBuilder b = new StringBuilder(r.access().map(KasanClassifier::accessWords).orElse("a bad access"));
        if (r.region().isPresent()) {
            Region g = r.region().get();
            b.append(", ").append(bytes(g.bytes())).append(' ').append(relation(g)).append(' ')
                    .append(objectWords(r, kind, true).orElse(""));
        } else {
            r.memory().ifPresent(m -> b.append(", in ").append(m));
        }
        r.allocated().flatMap(KasanReport.Track::caller)
                .ifPresent(f -> b.append(", allocated by ").append(KasanReport.shortText(f)));
        r.freed().flatMap(KasanReport.Track::caller)
                .ifPresent(f -> b.append(", freed by ").append(KasanReport.shortText(f)));
        return b.toString();
    }

    private static String accessWords(Access a) {
        String at = Long.toHexString(a.address());
        if (a.operation().equals("Free")) {
            return "a free of " + at;
        }
        return "a " + a.operation() + (a.size() > 0 ? " of size " + a.size() : "") + " at " + at;
    }

    /** "read 8 bytes of", "wrote 1 byte", "read": the access as a verb. */
    private static String did(KasanReport r) {
        Optional<Access> a = r.access();
        String verb = a.map(x -> x.operation().equals("Write") ? "wrote" : x.operation().equals("Free") ? "freed"
                : "read").orElse("accessed");
        long size = a.map(Access::size).orElse(0L);
        return size == 0 ? verb : verb + " " + bytes(size);
    }

    private static String bytes(long n) {
        return n + (n == 1 ? " byte" : " bytes");
    }

    /**
     * "a freed 64-byte kmalloc-64 object"; for a use-after-free the region's state is "freed" also
     * on kernels before 6.3, which leave it out (any other kind: only the state the kernel gave).
     */
    private static Optional<String> objectWords(KasanReport r, FaultKind kind, boolean withState) {
        if (r.region().isEmpty() && r.object().isEmpty()) {
            return r.memory();
        }
        String state = !withState ? "" : r.region().map(Region::state).filter(s -> !s.isEmpty())
                .orElse(kind == FaultKind.USE_AFTER_FREE ? "freed" : "");
        long size = r.region().map(Region::size).or(() -> r.object().map(KasanReport.SlabObject::cacheSize)).orElse(0L);
        String cache = r.object().map(o -> o.cacheSize() == size ? " " + o.cache() + " object"
                : " region of a " + o.cache() + " object").orElse(" region");
        String words = (state.isEmpty() ? "" : state + " ") + size + "-byte" + cache;
        return Optional.of((words.startsWith("allocated") ? "an " : "a ") + words);
    }

    private static String relation(Region g) {
        return switch (g.relation()) {
            case "to the right" -> "past the end of";
            case "to the left" -> "before the start of";
            default -> "inside";
        };
    }

    /** Process, softirq or interrupt context, from the markers of the report's Call Trace, and the task. */
    static String context(KasanReport r) {
        List<OopsLine> trace = r.callTrace();
        int at = 0;
        for (int i = 0; i < trace.size(); i++) {
            FrameRef f = trace.get(i).frame().orElseThrow();
            if (r.location().isPresent() && f.function().equals(r.location().get().function())) {
                at = i;
                break;
            }
        }
        String task = r.access().map(a -> a.comm() + "/" + a.pid()).orElse("");
        String stack = at < trace.size() ? trace.get(at).context() : "";
        if (!stack.equals("IRQ") && !stack.equals("SOFTIRQ")) {
            return "process context" + (task.isEmpty() ? "" : " (task " + task + ")");
        }
        // In an interrupt the task the report names is only the one that was interrupted.
        task = task.isEmpty() ? "" : " (interrupting task " + task + ")";
        List<String> below = trace.subList(at, trace.size()).stream()
                .filter(l -> l.context().equals(stack)).map(l -> l.frame().orElseThrow().function()).toList();
        if (below.contains("handle_softirqs") || below.contains("__do_softirq") || stack.equals("SOFTIRQ")) {
            return "softirq" + (below.contains("call_timer_fn") ? " (a timer callback)" : "")
                    + " on the IRQ stack: no process context, must not sleep" + task;
        }
        return "interrupt context on the IRQ stack" + task;
    }
}
