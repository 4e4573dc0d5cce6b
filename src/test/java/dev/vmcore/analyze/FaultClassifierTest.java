package dev.vmcore.analyze;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of the classifier, including the kinds no test dump has (red zone, NX, guard page, user address). */
class FaultClassifierTest {
    private static final long RIP = 0xffffffffc0565009L;
    private static final long STACK = 0xffffd027005b8000L;

    private static FaultClassifier.Classified classify(long address, long pointer, String... lines) {
        return FaultClassifier.classify(new FaultClassifier.Facts(OptionalLong.of(address), pointer, RIP, List.of(lines),
                STACK, false));
    }

    @Test
    void slabPoisons() {
        assertEquals(FaultKind.USE_AFTER_FREE, classify(0x6b6b6b6b6b6b6b73L, 0x6b6b6b6b6b6b6b6bL).kind());
        assertEquals(FaultKind.UNINITIALISED, classify(0x5a5a5a5a5a5a5a5aL, 0x5a5a5a5a5a5a5a5aL).kind());
        assertEquals(FaultKind.UNINITIALISED, classify(0xa5a5a5a5a5a5a5a5L, 0xa5a5a5a5a5a5a5a5L).kind());
        assertEquals(FaultKind.RED_ZONE, classify(0xbbbbbbbbbbbbbbbbL, 0xbbbbbbbbbbbbbbbbL).kind());
        FaultClassifier.Classified cc = classify(0xccccccccccccccccL, 0xccccccccccccccccL);
        assertEquals(FaultKind.RED_ZONE, cc.kind());
        assertEquals(List.of("0xcccccccccccccccc is 0xcc repeated: SLUB's SLUB_RED_ACTIVE (include/linux/poison.h)"),
                cc.evidence());
        // Almost a poison is not one: a pointer with one byte changed is just non-canonical garbage.
        assertEquals(FaultKind.NON_CANONICAL, classify(0x6b6b6b6b6b6b6a6bL, 0x6b6b6b6b6b6b6a6bL).kind());
    }

    @Test
    void listPoisons() {
        FaultClassifier.Classified p1 = classify(0xdead000000000108L, 0xdead000000000100L);
        assertEquals(FaultKind.LIST_CORRUPTION, p1.kind());
        assertTrue(p1.evidence().get(0).contains("LIST_POISON1") && p1.evidence().get(0).endsWith("entry->next"));
        FaultClassifier.Classified p2 = classify(0xdead000000000122L, 0xdead000000000122L);
        assertTrue(p2.evidence().get(0).contains("LIST_POISON2") && p2.evidence().get(0).endsWith("entry->prev"));
    }

    @Test
    void nullAndSmallOffsets() {
        assertEquals("dereferenced a NULL pointer", classify(0, 0).what());
        FaultClassifier.Classified m = classify(0x18, 0);
        assertEquals(FaultKind.NULL_DEREFERENCE, m.kind());
        assertEquals("dereferenced a NULL pointer at offset 0x18 (a member of a NULL struct pointer)", m.what());
        assertEquals(FaultKind.NULL_DEREFERENCE, classify(0xffff, 0).kind());
        assertEquals(FaultKind.USER_ADDRESS, classify(0x10000, 0x10000).kind());
    }

    @Test
    void userAndKernelAddresses() {
        assertEquals(FaultKind.USER_ADDRESS, classify(0x7ffce9eb8a18L, 0x7ffce9eb8a18L).kind());
        assertEquals(FaultKind.BAD_KERNEL_ADDRESS, classify(0xffffc90000100000L, 0xffffc90000100000L).kind());
        assertEquals(FaultKind.NON_CANONICAL, classify(0x0000800000000000L, 0x0000800000000000L).kind());
    }

    @Test
    void canonicalDependsOnPagingLevels() {
        long a = 0x00ff800000000000L;
        assertFalse(FaultClassifier.canonical(a, false));
        assertTrue(FaultClassifier.canonical(a, true));
        assertTrue(FaultClassifier.canonical(0xff11000000000000L, true));
        assertFalse(FaultClassifier.canonical(0xff11000000000000L, false));
    }

    @Test
    void stackGuardPageAndNx() {
        assertEquals(FaultKind.STACK_OVERFLOW, classify(STACK - 8, STACK - 8).kind());
        assertEquals(FaultKind.STACK_OVERFLOW, classify(STACK - 4096, STACK - 4096).kind());
        assertEquals(FaultKind.BAD_KERNEL_ADDRESS, classify(STACK - 4097, STACK - 4097).kind());
        assertEquals(FaultKind.STACK_OVERFLOW, classify(0xffffd027005c0000L, 0,
                "BUG: stack guard page was hit at 00000000d9b4b8ef (stack is 000000003a1d5c1d..0000000049cd53a4)").kind());
        assertEquals(FaultKind.NX_EXECUTION, classify(RIP, RIP).kind());
        assertEquals(FaultKind.NX_EXECUTION, classify(0xffff888003a00000L, 0,
                "kernel tried to execute NX-protected page - exploit attempt? (uid: 0)").kind());
    }

    @Test
    void unknownAddress() {
        FaultClassifier.Classified c = FaultClassifier.classify(new FaultClassifier.Facts(OptionalLong.empty(), 0x1234, RIP,
                List.of(), 0, false));
        assertEquals(FaultKind.UNKNOWN, c.kind());
    }

    private static KasanReport kasan(String text) {
        return KasanReport.find(KasanReportTest.lines("", text)).orElseThrow();
    }

    @Test
    void kasanBugTypes() {
        for (String t : List.of("slab-use-after-free", "use-after-free")) {
            assertEquals(FaultKind.USE_AFTER_FREE, KasanClassifier.kind(t), t);
        }
        for (String t : List.of("slab-out-of-bounds", "global-out-of-bounds", "stack-out-of-bounds", "alloca-out-of-bounds",
                "vmalloc-out-of-bounds", "out-of-bounds")) {
            assertEquals(FaultKind.OUT_OF_BOUNDS, KasanClassifier.kind(t), t);
        }
        for (String t : List.of("double-free", "invalid-free", "double-free or invalid-free")) {
            assertEquals(FaultKind.INVALID_FREE, KasanClassifier.kind(t), t);
        }
        assertEquals(FaultKind.NULL_DEREFERENCE, KasanClassifier.kind("null-ptr-deref"));
        assertEquals(FaultKind.USER_ADDRESS, KasanClassifier.kind("user-memory-access"));
        assertEquals(FaultKind.NON_CANONICAL, KasanClassifier.kind("wild-memory-access"));
        assertEquals(FaultKind.UNKNOWN, KasanClassifier.kind("unknown-crash"));
        assertEquals(FaultKind.UNKNOWN, KasanClassifier.kind("invalid-access"));
    }

    @Test
    void kasanUseAfterFreeInPlainWords() {
        String words = "a Read of size 8 at ffff888004b5c008, 8 bytes inside a freed 64-byte kmalloc-64 object,"
                + " allocated by oops_uaf_init+0x1c [oops_uaf], freed by oops_uaf_init+0x30 [oops_uaf]";
        FaultClassifier.Classified c = KasanClassifier.classify(kasan(KasanReportTest.UAF_612));
        assertEquals(FaultKind.USE_AFTER_FREE, c.kind());
        assertEquals(List.of(words), c.evidence());
        assertEquals("read 8 bytes of a 64-byte kmalloc-64 object after it was freed", c.what());
        // 6.1 does not say "freed" in the region line; a use-after-free says it for it.
        FaultClassifier.Classified old = KasanClassifier.classify(kasan(KasanReportTest.UAF_61));
        assertEquals(FaultKind.USE_AFTER_FREE, old.kind());
        assertEquals(List.of(words), old.evidence());
    }

    @Test
    void kasanOutOfBoundsAndFrees() {
        FaultClassifier.Classified oob = KasanClassifier.classify(kasan(KasanReportTest.OOB_612));
        assertEquals(FaultKind.OUT_OF_BOUNDS, oob.kind());
        assertEquals("wrote 1 byte out of bounds: 0 bytes past the end of an allocated 60-byte region of a kmalloc-64 object",
                oob.what());
        assertEquals(List.of("a Write of size 1 at ffff888004a1c07c, 0 bytes past the end of an allocated 60-byte region"
                + " of a kmalloc-64 object, allocated by oops_oob_init+0x20 [oops_oob]"), oob.evidence());
        FaultClassifier.Classified global = KasanClassifier.classify(kasan(KasanReportTest.GLOBAL_OOB));
        assertEquals(FaultKind.OUT_OF_BOUNDS, global.kind());
        assertEquals("read 4 bytes out of bounds, in the global variable oops_table+0x28/0x40 [oops_glob]", global.what());
        FaultClassifier.Classified df = KasanClassifier.classify(kasan(KasanReportTest.DOUBLE_FREE_612));
        assertEquals(FaultKind.INVALID_FREE, df.kind());
        assertEquals("freed an object that was already freed (double free)", df.what());
        assertEquals(List.of("a free of ffff888004b5c000, 0 bytes inside a 64-byte kmalloc-64 object, allocated by"
                + " oops_df_init+0x1c [oops_df], freed by oops_df_init+0x30 [oops_df]"), df.evidence());
        assertEquals(FaultKind.INVALID_FREE, KasanClassifier.classify(kasan(KasanReportTest.DOUBLE_FREE_61)).kind());
    }

    @Test
    void kasanVerdict() {
        Verdict v = KasanClassifier.verdict(kasan(KasanReportTest.UAF_612),
                f -> f.function().equals("oops_uaf_use") ? Optional.of("oops_uaf.c: 37") : Optional.empty());
        assertEquals(FaultKind.USE_AFTER_FREE, v.kind());
        assertEquals("oops_uaf_use+0x1d [oops_uaf]", v.location());
        assertEquals("oops_uaf_use+0x1d [oops_uaf] read 8 bytes of a 64-byte kmalloc-64 object after it was freed",
                v.summary());
        assertEquals(Optional.of("oops_uaf.c: 37"), v.source());
        assertEquals(Optional.of("oops_uaf_init+0x45 [oops_uaf]"), v.caller());
        assertEquals("process context (task insmod/123)", v.context());
        assertEquals(OptionalLong.of(0xffff888004b5c008L), v.address());
        assertEquals("the kernel said: BUG: KASAN: slab-use-after-free in oops_uaf_use+0x1d/0x40 [oops_uaf]",
                v.evidence().get(0));
        assertTrue(v.evidence().get(v.evidence().size() - 1).endsWith(
                "then the kernel said: Kernel panic - not syncing: KASAN: panic_on_warn set ..."), v.evidence().toString());
    }

    @Test
    void kasanInATimerSoftirq() {
        KasanReport r = kasan("""
                BUG: KASAN: slab-use-after-free in oops_timer_fn+0x21/0x40 [oops_timer]
                Read of size 4 at addr ffff888004b5c010 by task swapper/0/0
                Call Trace:
                 <IRQ>
                 kasan_report+0xd8/0x110
                 oops_timer_fn+0x21/0x40 [oops_timer]
                 call_timer_fn+0x27/0x130
                 __run_timers+0x1f4/0x2b0
                 run_timer_softirq+0x2b/0x50
                 handle_softirqs+0xd4/0x2b0
                 __irq_exit_rcu+0x6b/0x90
                 sysvec_apic_timer_interrupt+0x6d/0x80
                 </IRQ>
                 <TASK>
                 asm_sysvec_apic_timer_interrupt+0x1a/0x20
                 </TASK>
                """);
        assertEquals("softirq (a timer callback) on the IRQ stack: no process context, must not sleep"
                + " (interrupting task swapper/0/0)", KasanClassifier.context(r));
        assertEquals("call_timer_fn", r.caller().orElseThrow().function());
    }

    @Test
    void kasanHintAfterAGeneralProtectionFault() {
        List<String> lines = List.of(
                "general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN NOPTI",
                "KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]");
        // The faulting operand is the shadow byte (KASAN inline: cmpb $0x0,(%rax,%rdx,1)), not the pointer.
        FaultClassifier.Classified c = FaultClassifier.classify(new FaultClassifier.Facts(
                OptionalLong.of(0xdffffc0000000001L), 0x1, RIP, lines, STACK, false));
        assertEquals(FaultKind.NULL_DEREFERENCE, c.kind());
        assertEquals("dereferenced a NULL pointer at an offset in [0x8, 0xf] (a member of a NULL struct pointer)", c.what());
        assertEquals(List.of("0xdffffc0000000001 is KASAN's shadow of [0x8, 0xf]: the code meant an address in that range"
                + " (the kernel said: KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f])"), c.evidence());
        assertEquals(FaultKind.USER_ADDRESS, FaultClassifier.classify(new FaultClassifier.Facts(OptionalLong.of(0xdffffc001bd5b7ddL),
                0, RIP, List.of("KASAN: probably user-memory-access in range [0x00000000deadbee8-0x00000000deadbeef]"),
                STACK, false)).kind());
        assertEquals(FaultKind.NON_CANONICAL, FaultClassifier.classify(new FaultClassifier.Facts(OptionalLong.empty(),
                0, RIP, List.of("KASAN: maybe wild-memory-access in range [0xdead000000000100-0xdead000000000107]"),
                STACK, false)).kind());
        // Without the hint the same address is just a non-canonical one.
        assertEquals(FaultKind.NON_CANONICAL, classify(0xdffffc0000000001L, 0x1, lines.get(0)).kind());
    }
}
