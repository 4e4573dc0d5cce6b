package dev.vmcore.commands;

import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dis on the real dumps: `dis -l RIP` equals crash's (gdb's) output with the module's debuginfo.
 * On 6.12 crash 8.0.6 places the .ko's lines wrongly for functions outside .text (TOOL-QUIRKS), so
 * there only the instruction line is compared; RealAnalyzeTest checks that address's line against
 * addr2line.
 */
class RealDisTest {
    @TestFactory
    Stream<DynamicTest> disOfTheFaultingInstructionEqualsCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            CrashReference ref = CrashReference.of(c, "dis-l-rip");
            try (Session s = TestDumps.openWithVmlinux(c, "vmcore.elf", List.of(c.dir().resolve(c.module() + ".ko")))) {
                List<String> ours = new CommandHarness(s).text(ref.command()).lines().toList();
                List<String> crash = ref.lines();
                assertEquals(crash.size(), ours.size(), String.join("\n", ours));
                assertEquals(crash.get(crash.size() - 1), ours.get(ours.size() - 1));
                if (c.kernel().startsWith("6.1") && !c.kernel().startsWith("6.12")) {
                    assertEquals(crash, ours);
                }
            }
        }));
    }

    /** A whole function from the dump alone: starts at the symbol, ends with its last byte, every line well formed. */
    @TestFactory
    Stream<DynamicTest> disOfAWholeFunction() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                var fn = s.symbols().find("panic").orElseThrow();
                List<String> lines = new CommandHarness(s).text("dis panic").lines().toList();
                assertTrue(lines.get(0).startsWith(String.format("0x%016x <panic>:\t", fn.address())), lines.get(0));
                assertTrue(lines.size() > 20, "only " + lines.size() + " instructions");
                for (String l : lines) {
                    assertTrue(l.matches("0x[0-9a-f]{16} <panic(\\+\\d+)?>:\t\\S.*"), l);
                    assertTrue(!l.contains("(bad)"), l);
                }
                String last = lines.get(lines.size() - 1);
                long lastAddress = Long.parseUnsignedLong(last.substring(2, 18), 16);
                long end = DisCommand.functionEnd(s.symbols(), fn);
                assertTrue(Long.compareUnsigned(lastAddress, end) < 0, last);
                assertTrue(Long.compareUnsigned(lastAddress + 15, end) >= 0, last);
                assertTrue(lines.stream().anyMatch(l -> l.matches(".*\\tcall   0x[0-9a-f]{16} <\\w+(\\+\\d+)?>")),
                        "no call with a symbolic target");
            }
        }));
    }

    /** dis --intel of a whole function: the same instructions as AT&T, in Intel syntax. */
    @TestFactory
    Stream<DynamicTest> disIntelOfAWholeFunction() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                CommandHarness h = new CommandHarness(s);
                List<String> att = h.text("dis panic").lines().toList();
                List<String> intel = h.text("dis --intel panic").lines().toList();
                assertEquals(att.size(), intel.size());
                for (int i = 0; i < att.size(); i++) {
                    String where = att.get(i).substring(0, att.get(i).indexOf('\t') + 1);
                    assertTrue(intel.get(i).startsWith(where), intel.get(i));
                    assertTrue(!intel.get(i).contains("%") && !intel.get(i).contains("(bad)"), intel.get(i));
                }
                assertTrue(intel.stream().anyMatch(l -> l.matches(".*\\tcall   0x[0-9a-f]{16} <\\w+(\\+\\d+)?>")),
                        "no call with a symbolic target");
                assertTrue(intel.stream().anyMatch(l -> l.contains(" PTR [")), "no sized memory operand");
            }
        }));
    }
}
