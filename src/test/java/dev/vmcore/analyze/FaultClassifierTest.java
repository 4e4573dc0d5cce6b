package dev.vmcore.analyze;

import org.junit.jupiter.api.Test;

import java.util.List;
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
}
