package dev.vmcore.analyze;

import dev.vmcore.util.Unsigned;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rules that name a fault from its facts: the address touched, the pointer it was computed
 * from, RIP, the kernel's header lines and the task's stack. Pure, so each rule is tested on its
 * own; {@link FaultAnalyzer} gathers the facts from the dump.
 */
final class FaultClassifier {
    /** Below this, an address is NULL plus an offset (Debian's vm.mmap_min_addr: nothing is mapped there). */
    static final long NULL_LIMIT = 0x10000;
    /** x86-64 POISON_POINTER_DELTA (CONFIG_ILLEGAL_POINTER_VALUE); LIST_POISON1/2 are 0x100 and 0x122 above it. */
    static final long POISON_DELTA = 0xdead000000000000L;
    static final long LIST_POISON1 = POISON_DELTA + 0x100;
    static final long LIST_POISON2 = POISON_DELTA + 0x122;
    /** include/linux/poison.h slab bytes. */
    private static final Map<Integer, String> SLAB_POISON = Map.of(0x6b, "POISON_FREE", 0x5a, "POISON_INUSE",
            0xa5, "POISON_END", 0xbb, "SLUB_RED_INACTIVE", 0xcc, "SLUB_RED_ACTIVE");
    /** The top of the user half (47-bit virtual addresses). */
    private static final long USER_END = 0x0000800000000000L;
    private static final long PAGE = 4096;

    /**
     * What is known about one fault.
     *
     * @param address     the address touched (computed from the instruction, else as the kernel reported it)
     * @param pointer     the pointer it was computed from (the memory operand's base register)
     * @param rip         the faulting instruction
     * @param kernelLines the kernel's oops header lines
     * @param stackStart  the lowest address of the task's stack (its guard page lies just below); 0 if unknown
     * @param fiveLevel   5-level paging (57-bit canonical addresses)
     */
    record Facts(OptionalLong address, long pointer, long rip, List<String> kernelLines, long stackStart, boolean fiveLevel) {
    }

    /** A classification: the kind, what the code did (after its location), and the evidence for it. */
    record Classified(FaultKind kind, String what, List<String> evidence) {
    }

    private FaultClassifier() {
    }

    static Classified classify(Facts f) {
        // On a KASAN kernel the address of a GPF may be the shadow of the one meant; the kernel decodes it.
        Optional<KasanReport.Hint> kasan = KasanReport.findHint(f.kernelLines());
        if (kasan.isPresent()) {
            return KasanClassifier.classify(kasan.get(), f.address());
        }
        List<String> ev = new ArrayList<>();
        OptionalLong address = f.address();
        long pointer = f.pointer();
        if (said(f, "NX-protected") || said(f, "unable to execute userspace code")
                || address.isPresent() && address.getAsLong() == f.rip()) {
            ev.add(hex(f.rip()) + " is where the CPU was told to execute, and that memory is not executable");
            return new Classified(FaultKind.NX_EXECUTION, "jumped to " + hex(f.rip()) + ", which is not executable", ev);
        }
        if (said(f, "stack guard page") || address.isPresent() && f.stackStart() != 0
                && Unsigned.lessOrEqual(f.stackStart() - PAGE, address.getAsLong())
                && Unsigned.lessThan(address.getAsLong(), f.stackStart())) {
            ev.add("the address lies in the guard page below the task's stack");
            return new Classified(FaultKind.STACK_OVERFLOW, "ran off the bottom of its stack", ev);
        }
        Optional<Map.Entry<Integer, String>> poison = SLAB_POISON.entrySet().stream()
                .filter(e -> pointer == repeat(e.getKey())).findFirst();
        if (poison.isPresent()) {
            int b = poison.get().getKey();
            ev.add(String.format("%s is 0x%02x repeated: SLUB's %s (include/linux/poison.h)", hex(pointer), b,
                    poison.get().getValue()));
            FaultKind k = b == 0x6b ? FaultKind.USE_AFTER_FREE : b == 0xbb || b == 0xcc ? FaultKind.RED_ZONE
                    : FaultKind.UNINITIALISED;
            String what = switch (k) {
                case USE_AFTER_FREE -> "used a pointer read out of freed slab memory (the object was freed, and slab"
                        + " poisoning filled it with 0x6b)";
                case RED_ZONE -> "used a pointer read from a slab red zone: an access past the end of an object";
                default -> "used a pointer from slab memory that was never initialised";
            };
            return new Classified(k, what, ev);
        }
        if (pointer == LIST_POISON1 || pointer == LIST_POISON2) {
            ev.add(String.format("%s is %s (0x%x + POISON_POINTER_DELTA): list_del() leaves it in entry->%s",
                    hex(pointer), pointer == LIST_POISON1 ? "LIST_POISON1" : "LIST_POISON2",
                    pointer - POISON_DELTA, pointer == LIST_POISON1 ? "next" : "prev"));
            return new Classified(FaultKind.LIST_CORRUPTION, "followed a list pointer of an entry already removed"
                    + " with list_del()", ev);
        }
        if (address.isEmpty()) {
            return new Classified(FaultKind.UNKNOWN, "faulted, but the address it touched is not known", ev);
        }
        long a = address.getAsLong();
        if (Unsigned.lessThan(a, NULL_LIMIT)) {
            ev.add(String.format("%s is below 0x%x, where nothing is ever mapped: NULL + 0x%x", hex(a), NULL_LIMIT, a));
            return new Classified(FaultKind.NULL_DEREFERENCE, a == 0 ? "dereferenced a NULL pointer"
                    : String.format("dereferenced a NULL pointer at offset 0x%x (a member of a NULL struct pointer)", a), ev);
        }
        if (!canonical(a, f.fiveLevel())) {
            ev.add(hex(a) + " is not a canonical address: no valid pointer looks like it");
            return new Classified(FaultKind.NON_CANONICAL, "used a garbage pointer", ev);
        }
        if (Unsigned.lessThan(a, USER_END)) {
            ev.add(hex(a) + " is a user-space address, touched from kernel mode (SMAP/SMEP, or a missing copy_from_user)");
            return new Classified(FaultKind.USER_ADDRESS, "accessed a user address directly", ev);
        }
        ev.add(hex(a) + " is a kernel address with no page behind it");
        return new Classified(FaultKind.BAD_KERNEL_ADDRESS, "accessed unmapped kernel memory (freed, vmalloc'ed"
                + " and unmapped, or a wild pointer)", ev);
    }

    private static boolean said(Facts f, String words) {
        return f.kernelLines().stream().anyMatch(l -> l.contains(words));
    }

    /** Canonical: the bits above the top virtual-address bit (47, or 56 with 5-level paging) copy it. */
    static boolean canonical(long a, boolean fiveLevel) {
        long top = a >> (fiveLevel ? 56 : 47);
        return top == 0 || top == -1;
    }

    static long repeat(int b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | b;
        }
        return v;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
