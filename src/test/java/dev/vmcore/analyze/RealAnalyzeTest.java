package dev.vmcore.analyze;

import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * analyze on every test dump gives its case's verdict, the faulting function and module the
 * console's RIP line names, and (with the module's .ko) the source line addr2line gives for it.
 */
class RealAnalyzeTest {
    /** The bug each test module plants (testdumps/modules). */
    private static final Map<String, FaultKind> EXPECTED = Map.of("null", FaultKind.NULL_DEREFERENCE,
            "uaf", FaultKind.USE_AFTER_FREE, "list", FaultKind.LIST_CORRUPTION, "timer", FaultKind.NULL_DEREFERENCE,
            "bug", FaultKind.BUG);
    private static final Pattern CONSOLE_RIP = Pattern.compile("RIP: 0010:(\\w+)\\+(0x[0-9a-f]+)/0x[0-9a-f]+ \\[(\\w+)\\]");

    @TestFactory
    Stream<DynamicTest> verdictFromTheDumpAlone() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                Verdict v = new FaultAnalyzer(s).analyze();
                check(c, v, false);
                if (c.name().equals("bug")) {
                    assertTrue(v.source().orElseThrow().endsWith("oops_bug.c:27"), v.toString());
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> verdictWithDebuginfoNamesTheSourceLine() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            Path ko = c.dir().resolve(c.module() + ".ko");
            try (Session s = TestDumps.openWithVmlinux(c, "vmcore.elf", List.of(ko))) {
                Verdict v = new FaultAnalyzer(s).analyze();
                check(c, v, true);
                Matcher rip = consoleRip(c);
                String expected = addr2line(ko, rip.group(1), Long.decode(rip.group(2)));
                assertEquals(expected, v.source().orElseThrow().replace(": ", ":"), v.toString());
            }
        }));
    }

    private static void check(TestDumps.Case c, Verdict v, boolean debuginfo) throws IOException {
        assertEquals(EXPECTED.get(c.name()), v.kind(), v.toString());
        Matcher rip = consoleRip(c);
        assertEquals(rip.group(1) + "+" + rip.group(2) + " [" + rip.group(3) + "]", v.location(), v.toString());
        assertTrue(v.evidence().stream().anyMatch(e -> e.startsWith("faulting instruction: ")), v.toString());
        if (c.name().equals("timer")) {
            assertTrue(v.context().startsWith("softirq (a timer callback)"), v.context());
        } else {
            assertEquals("process context", v.context());
        }
        switch (c.name()) {
            case "uaf" -> assertTrue(v.evidence().stream().anyMatch(e -> e.contains("POISON_FREE")), v.toString());
            case "list" -> assertTrue(v.evidence().stream().anyMatch(e -> e.contains("LIST_POISON")), v.toString());
            case "bug" -> assertTrue(v.evidence().stream().anyMatch(e -> e.matches(
                    "the kernel's bug table has this ud2 as a BUG\\(\\) at \\S+/oops_bug\\.c:27, as the log says")), v.toString());
            default -> { }
        }
        // Where the bad pointer was loaded, and (from module BTF on 6.12, the .ko's DWARF with -m) which member it was.
        switch (c.name()) {
            case "uaf" -> assertTrue(v.evidence().stream().anyMatch(e -> e.matches(
                    "RAX was loaded by .*mov    0x8\\(%rdi\\),%rax: .*") && (!member(c, debuginfo) || e.endsWith(
                    "RDI is argument 1 of oops_uaf_use, `struct oops_uaf_obj *obj`, and offset 0x8 is its member `target`"
                    + " (struct oops_uaf_target *target)"))), v.toString());
            case "list" -> assertTrue(v.evidence().stream().anyMatch(e -> e.matches(
                    "RAX was loaded by .*mov    0x8\\(%rdi\\),%rax: .*") && (!member(c, debuginfo) || e.endsWith(
                    "RDI is argument 1 of oops_list_relink, `struct oops_list_item *item`, and offset 0x8 is its member"
                    + " `node.next` (struct list_head *next)"))), v.toString());
            case "null", "timer" -> assertTrue(Long.compareUnsigned(v.address().orElseThrow(), 0x10000) < 0, v.toString());
            default -> { }
        }
        // The faulting access as C, from the prototype's argument types carried through the code.
        Map<String, String> access = Map.of("uaf", "obj->target->value", "list", "item->node.next->prev",
                "null", "*p", "timer", "*slot");
        if (member(c, debuginfo) && access.containsKey(c.name())) {
            assertTrue(v.evidence().stream().anyMatch(e -> e.startsWith("in C, the faulting access is `"
                    + access.get(c.name()) + "` (")), v.toString());
        }
        // With the .ko's DWARF (static variables are not in module BTF), where the caller got the argument from.
        // (gcc may move the call into the caller's .cold part, as on 6.1's list case.)
        Map<String, String> passed = Map.of("null", "`p` \\(argument 1\\) was passed by oops_null_poke as `bad_ptr`",
                "timer", "`slot` \\(argument 1\\) was passed by oops_timer_fire as `oops_timer_slot`",
                "list", "`item` \\(argument 1\\) was passed by oops_list_run(\\.cold)? as `&oops_list_pool\\[1\\]`");
        if (debuginfo && passed.containsKey(c.name())) {
            assertTrue(v.evidence().stream().anyMatch(e -> e.matches(passed.get(c.name()))), v.toString());
        }
    }

    /** Whether the member is expected: module BTF (6.12) is in the dump; on 6.1 only the .ko's DWARF names it. */
    private static boolean member(TestDumps.Case c, boolean debuginfo) {
        return debuginfo || c.kernel().startsWith("6.12");
    }

    private static Matcher consoleRip(TestDumps.Case c) throws IOException {
        for (String l : Files.readAllLines(c.dir().resolve("console.log"))) {
            Matcher m = CONSOLE_RIP.matcher(l);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no RIP line in " + c + "/console.log");
    }

    /** "file:line" of FUNCTION+OFFSET in the .ko, from addr2line with the function's own section. */
    private static String addr2line(Path ko, String function, long offset) throws IOException, InterruptedException {
        String section = null;
        long value = -1;
        List<String> sections = run("readelf", "-SW", ko.toString());
        for (String l : run("readelf", "-sW", ko.toString())) {
            String[] f = l.strip().split("\\s+");
            if (f.length >= 8 && f[7].equals(function) && f[3].equals("FUNC")) {
                value = Long.parseUnsignedLong(f[1], 16);
                int ndx = Integer.parseInt(f[6]);
                for (String sl : sections) {
                    Matcher m = Pattern.compile("^\\s*\\[\\s*" + ndx + "\\]\\s+(\\S+)").matcher(sl);
                    if (m.find()) {
                        section = m.group(1);
                    }
                }
            }
        }
        assertTrue(section != null, "no FUNC " + function + " in " + ko);
        List<String> out = run("addr2line", "-j", section, "-e", ko.toString(), Long.toHexString(value + offset));
        String line = out.get(0).replaceAll(" \\(discriminator \\d+\\)", "");
        return line;
    }

    private static List<String> run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
