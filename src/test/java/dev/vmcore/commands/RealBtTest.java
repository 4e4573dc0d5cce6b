package dev.vmcore.commands;

import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * bt on the real dumps against crash 8.0.6 (bt, bt -a, bt -f, bt -l, bt -s, bt -c 0, bt -p,
 * foreach bt) and against the serial console's Call Trace. The only differences allowed are
 * crash's, listed in {@link BtComparison}.
 */
class RealBtTest {
    private static Session dumpAlone(TestDumps.Case c) {
        return TestDumps.open(c, "vmcore.d31.zlib");
    }

    private static Session withVmlinux(TestDumps.Case c) {
        return TestDumps.openWithVmlinux(c, "vmcore.elf", List.of());
    }

    private static Stream<DynamicTest> perCase(String reference, String command, boolean vmlinux) {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            CrashReference ref = CrashReference.of(c, reference);
            assertEquals(command, ref.command());
            try (Session s = vmlinux ? withVmlinux(c) : dumpAlone(c)) {
                assertAgrees(c, s, command, ref.text());
            }
        }));
    }

    /** Every task block equal to crash's up to crash's own quirks; returns the outcome counts. */
    static Map<BtComparison.Outcome, Integer> assertAgrees(TestDumps.Case c, Session s, String command, String crash) {
        String ours = new CommandHarness(s).text(command);
        List<BtComparison.TaskResult> results = new BtComparison(s.symbols()).compare(ours, crash);
        Map<BtComparison.Outcome, Integer> counts = new EnumMap<>(BtComparison.Outcome.class);
        List<String> bad = new ArrayList<>();
        for (BtComparison.TaskResult r : results) {
            counts.merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() == BtComparison.Outcome.DIFFERENT) {
                bad.add(r.header() + "\n" + r.detail());
            }
        }
        System.out.println("bt agreement " + c + " '" + command + "': " + counts);
        if (!bad.isEmpty()) {
            fail(c + " '" + command + "': " + bad.size() + " of " + results.size() + " tasks differ from crash:\n"
                    + String.join("\n---\n", bad));
        }
        return counts;
    }

    @TestFactory
    Stream<DynamicTest> btEqualsCrashFromTheDumpAlone() {
        return perCase("bt", "bt", false);
    }

    @TestFactory
    Stream<DynamicTest> btEqualsCrashWithVmlinux() {
        return perCase("bt", "bt", true);
    }

    @TestFactory
    Stream<DynamicTest> btAllEqualsCrash() {
        return perCase("bt-a", "bt -a", false);
    }

    @TestFactory
    Stream<DynamicTest> btFrameDataEqualsCrash() {
        return perCase("bt-f", "bt -f", false);
    }

    @TestFactory
    Stream<DynamicTest> btLinesEqualCrash() {
        return perCase("bt-l", "bt -l", true);
    }

    @TestFactory
    Stream<DynamicTest> btSymbolOffsetsEqualCrash() {
        return perCase("bt-s", "bt -s", false);
    }

    @TestFactory
    Stream<DynamicTest> btCpuZeroEqualsCrash() {
        return perCase("bt-c0", "bt -c 0", false);
    }

    @TestFactory
    Stream<DynamicTest> btPanicTaskEqualsCrash() {
        return perCase("bt-p", "bt -p", false);
    }

    @TestFactory
    Stream<DynamicTest> btExceptionFramesEqualCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            CrashReference ref = CrashReference.of(c, "bt-e");
            try (Session s = dumpAlone(c)) {
                assertEquals(ref.text().strip(), new CommandHarness(s).text("bt -e").strip());
            }
        }));
    }

    private static final Pattern CLONE_SUFFIX = Pattern.compile("\\.(isra|part)\\.\\d+(?= at )");

    /**
     * bt -t equals crash's but for two things of crash's: it renames compiler clones
     * (name.isra.0) to their base name, and it does not know module init text, so the words
     * pointing there are missing from its list.
     */
    @TestFactory
    Stream<DynamicTest> btTextSymbolsEqualCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            CrashReference ref = CrashReference.of(c, "bt-t");
            try (Session s = dumpAlone(c)) {
                List<String> ours = new CommandHarness(s).text("bt -t").lines()
                        .filter(l -> !l.matches("  \\[[0-9a-f]{16}\\] \\w+_init at [0-9a-f]{16} \\[\\w+\\]"))
                        .map(l -> CLONE_SUFFIX.matcher(l).replaceAll(""))
                        .toList();
                assertEquals(ref.lines(), ours);
            }
        }));
    }

    /**
     * foreach bt: every task's frames equal crash's up to crash's quirks; the crash reference was
     * taken after mod -s, so crash leaves out module init frames there.
     */
    @TestFactory
    Stream<DynamicTest> foreachBtEqualsCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            CrashReference ref = CrashReference.of(c, "foreach-bt");
            try (Session s = dumpAlone(c)) {
                Map<BtComparison.Outcome, Integer> counts = assertAgrees(c, s, "foreach bt", ref.text());
                int total = counts.values().stream().mapToInt(Integer::intValue).sum();
                int exact = counts.getOrDefault(BtComparison.Outcome.EXACT, 0);
                assertTrue(exact * 100 >= total * 95, c + ": only " + exact + " of " + total + " tasks exactly equal: " + counts);
            }
        }));
    }

    /** The same trace from every dump format. */
    @TestFactory
    Stream<DynamicTest> btIsTheSameInEveryFormat() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            String first = null;
            for (String f : TestDumps.DUMP_FILES) {
                try (Session s = TestDumps.open(c, f)) {
                    String text = new CommandHarness(s).text("bt");
                    if (first == null) {
                        first = text;
                    } else {
                        assertEquals(first, text, c + " " + f);
                    }
                }
            }
        }));
    }

    private static final Pattern CONSOLE_ENTRY = Pattern.compile("^\\[[ 0-9.]+\\]  (\\S+)\\+(0x[0-9a-f]+)/0x[0-9a-f]+( \\[(\\w+)\\])?$");

    /**
     * The console's Call Trace (its reliable entries, "? " ones left out) equals our frames from
     * the oops's exception frame on: same functions, same return-address offsets, same modules,
     * down to the system call or interrupt entry.
     */
    @TestFactory
    Stream<DynamicTest> btEqualsTheConsoleCallTrace() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            List<String> console = consoleTrace(c.dir().resolve("console.log"));
            assertFalse(console.isEmpty(), "no Call Trace in " + c + "/console.log");
            try (Session s = dumpAlone(c)) {
                String json = new CommandHarness(s).json("bt");
                var frames = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("tasks").get(0).get("frames");
                List<String> ours = new ArrayList<>();
                boolean afterOops = false;
                for (var f : frames) {
                    if (afterOops && f.get("level").asInt() >= 0 && f.has("function")) {
                        ours.add(f.get("function").asText() + "+0x" + Long.toHexString(f.get("offset").asLong())
                                + (f.has("module") ? " [" + f.get("module").asText() + "]" : ""));
                    }
                    if (f.has("exception") && !afterOops) {
                        afterOops = true;
                    }
                }
                assertEquals(console, ours.subList(0, Math.min(ours.size(), console.size())), c.toString());
            }
        }));
    }

    /** The entries of the first Call Trace, in order, without "? " entries and markers. */
    static List<String> consoleTrace(Path log) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(log)) {
            if (line.endsWith("] Call Trace:")) {
                in = true;
                continue;
            }
            if (!in) {
                continue;
            }
            if (line.contains("</TASK>") || line.contains("---[ end trace")) {
                break;
            }
            Matcher m = CONSOLE_ENTRY.matcher(line);
            if (m.matches()) {
                out.add(m.group(1) + "+" + m.group(2) + (m.group(4) != null ? " [" + m.group(4) + "]" : ""));
            }
        }
        return out;
    }
}
