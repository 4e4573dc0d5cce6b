package dev.vmcore.unwind;

import dev.vmcore.format.orc.OrcFormat;
import dev.vmcore.format.orc.OrcTable;
import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's ORC table read from the vmlinux's sections equals the one read in place from the
 * dump's memory, entry for entry; the layout is detected from the data as the kernel's version
 * says it must be (END_BIT before 6.4, TYPED from 6.4).
 */
class RealKernelOrcTest {
    @TestFactory
    Stream<DynamicTest> vmlinuxAndMemoryTablesAgree() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.openWithVmlinux(c, "vmcore.d31.zlib", List.of())) {
                KernelOrc file = KernelOrc.of(s);
                KernelOrc memory = KernelOrc.fromMemory(s);
                assertEquals("vmlinux .orc_unwind", file.source());
                assertEquals("kernel memory", memory.source());
                OrcFormat expected = c.kernel().startsWith("6.12") ? OrcFormat.TYPED : OrcFormat.END_BIT;
                assertEquals(expected, file.format());
                assertEquals(expected, memory.format());
                OrcTable a = file.kernelTable();
                OrcTable b = memory.kernelTable();
                assertEquals(a.size(), b.size());
                assertTrue(a.size() > 100_000, "only " + a.size() + " ORC entries");
                int step = Math.max(1, a.size() / 2000);
                for (int i = 0; i < a.size(); i += step) {
                    assertEquals(a.ipAt(i), b.ipAt(i), "ip " + i);
                    assertEquals(a.entryAt(i), b.entryAt(i), "entry " + i);
                }
                long panic = s.symbols().find("panic").orElseThrow().address();
                assertEquals(file.find(panic + 1), memory.find(panic + 1));
            }
        }));
    }
}
