package dev.vmcore.commands;

import dev.vmcore.kernel.Panic;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sys against crash's sys, and the panic task against the header of crash's bt, on every test dump. */
class RealSysTest {
    /** Every field crash prints whose value does not depend on where the files were. */
    private static final List<String> FIELDS = List.of("CPUS", "DATE", "UPTIME", "LOAD AVERAGE", "TASKS", "NODENAME",
            "RELEASE", "VERSION", "MACHINE", "MEMORY", "PANIC");
    private static final Pattern BT_HEADER = Pattern.compile(
            "PID: (\\d+)\\s+TASK: ([0-9a-f]+)\\s+CPU: (\\d+)\\s+COMMAND: \"(.*)\"");

    @TestFactory
    Stream<DynamicTest> sysEqualsCrashFromTheDumpAlone() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> sys(c, false)));
    }

    @TestFactory
    Stream<DynamicTest> sysEqualsCrashWithTheVmlinux() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> sys(c, true)));
    }

    @TestFactory
    Stream<DynamicTest> sysFieldsAreTheSameFromTheElfDump() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            Map<String, String> crash = fields(read(c, "sys"));
            try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.elf")), Optional.empty(),
                    List.of()))) {
                Map<String, String> ours = fields(new CommandHarness(s).text("sys"));
                for (String f : FIELDS) {
                    assertEquals(crash.get(f), ours.get(f), c + ": sys " + f + " (vmcore.elf)");
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> panicTaskIsCrashsBtTask() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> panicTask(c)));
    }

    @TestFactory
    Stream<DynamicTest> setAndTaskFollowTheContext() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> context(c)));
    }

    /** set and task without an argument show the panic task (crash bt's header); set PID moves both. */
    private static void context(TestDumps.Case c) throws Exception {
        TestDumps.require(c);
        String btHeader = read(c, "bt").lines().findFirst().orElseThrow();
        Matcher m = BT_HEADER.matcher(btHeader);
        assertTrue(m.find(), c + ": crash bt header");
        try (Session s = open(c, false)) {
            CommandHarness h = new CommandHarness(s);
            String set = h.text("set");
            assertTrue(set.contains("    PID: " + m.group(1) + "\n"), c + ": set PID\n" + set);
            assertTrue(set.contains("COMMAND: \"" + m.group(4) + "\""), c + ": set COMMAND\n" + set);
            assertTrue(set.contains("   TASK: " + m.group(2) + "  [THREAD_INFO: " + m.group(2) + "]"), c + ": set TASK\n" + set);
            assertTrue(set.contains("    CPU: " + m.group(3) + "\n"), c + ": set CPU\n" + set);
            assertTrue(set.contains("(PANIC)"), c + ": set STATE\n" + set);
            assertEquals(btHeader.strip(), h.text("task -R pid").lines().findFirst().orElseThrow().strip(), c + ": task");

            TaskInfo init = Tasks.read(s).all().stream().filter(t -> t.pid() == 1).findFirst().orElseThrow();
            String moved = h.text("set 1");
            assertTrue(moved.contains("    PID: 1\n") && moved.contains("COMMAND: \"" + init.comm() + "\""), c + ": set 1\n" + moved);
            assertTrue(h.text("set").contains("    PID: 1\n"), c + ": set after set 1");
            assertEquals(TaskCommand.header(init), h.text("task -R pid").lines().findFirst().orElseThrow(), c + ": task after set 1");
            h.text("set " + m.group(2));
            assertTrue(h.text("set").contains("    PID: " + m.group(1) + "\n"), c + ": set by address");
        }
    }

    private static Session open(TestDumps.Case c, boolean withVmlinux) {
        Optional<Path> vmlinux = withVmlinux ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty();
        return Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), vmlinux, List.of()));
    }

    private static void sys(TestDumps.Case c, boolean withVmlinux) throws Exception {
        TestDumps.require(c);
        Map<String, String> crash = fields(read(c, "sys"));
        try (Session s = open(c, withVmlinux)) {
            Map<String, String> ours = fields(new CommandHarness(s).text("sys"));
            for (String f : FIELDS) {
                assertEquals(crash.get(f), ours.get(f), c + ": sys " + f);
            }
            assertEquals(crash.get("DUMPFILE").replaceAll("^.*/", ""), ours.get("DUMPFILE").replaceAll("^.*/", ""),
                    c + ": sys DUMPFILE");
            assertEquals(crash.get("KERNEL").endsWith("[TAINTED]"), ours.get("KERNEL").endsWith("[TAINTED]"), c + ": taint");
            assertTrue(ours.containsKey("SYMBOLS") && ours.containsKey("TYPES"), c + ": our extra lines");
        }
    }

    private static void panicTask(TestDumps.Case c) throws Exception {
        TestDumps.require(c);
        Matcher m = BT_HEADER.matcher(read(c, "bt").lines().findFirst().orElseThrow());
        assertTrue(m.find(), c + ": crash bt header");
        try (Session s = open(c, false)) {
            Optional<TaskInfo> t = Panic.panicTask(Tasks.read(s).all(), Panic.panicCpu(s.symbols(), s.kernelMemory()));
            assertTrue(t.isPresent(), c + ": panic task found");
            assertEquals(Integer.parseInt(m.group(1)), t.get().pid(), c + ": panic PID");
            assertEquals(m.group(2), Long.toHexString(t.get().address()), c + ": panic TASK");
            assertEquals(Integer.parseInt(m.group(3)), t.get().cpu(), c + ": panic CPU");
            assertEquals(m.group(4), t.get().comm(), c + ": panic COMMAND");
        }
    }

    static Map<String, String> fields(String sys) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : sys.lines().toList()) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                m.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip());
            }
        }
        return m;
    }

    private static String read(TestDumps.Case c, String name) throws Exception {
        return Files.readString(c.dir().resolve("crash").resolve(name + ".txt"));
    }
}
