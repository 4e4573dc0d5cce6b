package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ps on the real dumps against crash 8.0.6's ps.txt, from the dump alone (BTF from kernel memory,
 * kallsyms) and with the vmlinux (its symtab, BTF and DWARF). Prints how many lines agree per case.
 */
class RealPsCommandTest {
    @TestFactory
    Stream<DynamicTest> psEqualsCrashFromTheDumpAlone() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                compare(c, s, "dump alone");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> psEqualsCrashWithVmlinux() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = TestDumps.openWithVmlinux(c, "vmcore.d31.zlib", List.of())) {
                compare(c, s, "with vmlinux");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> optionsAndSelectors() {
        return TestDumps.cases().stream().filter(c -> c.name().equals("null")).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            List<String> crash = Files.readAllLines(c.dir().resolve("crash/ps.txt"));
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                CommandHarness h = new CommandHarness(s);
                List<String> user = h.text("ps -u").lines().toList();
                assertEquals(crash.stream().filter(l -> !l.endsWith("]")).toList(), user);
                List<String> kernel = h.text("ps -k").lines().toList();
                assertEquals(crash.size() - user.size() + 1, kernel.size(), String.join("\n", kernel));
                assertTrue(kernel.stream().skip(1).allMatch(l -> l.endsWith("]")));
                assertEquals(List.of(crash.get(0), crash.get(1), crash.get(2)), h.text("ps 0").lines().toList());
                String init = crash.stream().filter(l -> l.endsWith("  init")).findFirst().orElseThrow();
                assertEquals(List.of(crash.get(0), init), h.text("ps 1").lines().toList());
                assertEquals(List.of(crash.get(0), init), h.text("ps init").lines().toList());
                String task = init.substring(23, 39);
                assertEquals(List.of(crash.get(0), init), h.text("ps " + task).lines().toList());
                assertEquals(List.of(crash.get(0), init), h.text("ps 'ini.'").lines().toList());
                JsonNode j = new ObjectMapper().readTree(h.json("ps 1"));
                JsonNode t = j.get("tasks").get(0);
                assertEquals(1, t.get("pid").asInt());
                assertEquals("init", t.get("comm").asText());
                assertEquals("0x" + task, t.get("task").asText());
                assertEquals(crash.size() - 1, new ObjectMapper().readTree(h.json("ps")).get("tasks").size());
            }
        }));
    }

    /**
     * ps -k, -u, -G, ps COMMAND (ps insmod) and task -R pid,comm,prio (the current context: the
     * panic task) equal crash's, from the dump alone and with the vmlinux.
     */
    @TestFactory
    Stream<DynamicTest> optionsEqualCrash() {
        return TestDumps.cases().stream().flatMap(c -> Stream.of("ps-k", "ps-u", "ps-G", "ps-comm", "task-R").flatMap(name ->
                Stream.of(false, true).map(vmlinux -> DynamicTest.dynamicTest(
                        c + " " + name + (vmlinux ? " with vmlinux" : " dump alone"), () -> {
                            CrashReference ref = CrashReference.of(c, name);
                            try (Session s = open(c, vmlinux)) {
                                assertEquals(ref.text(), new CommandHarness(s).text(ref.command()),
                                        c + ": " + ref.command());
                            }
                        }))));
    }

    /**
     * Thread groups: crash's ps less its ps -G are the threads that do not lead their group; ours
     * are the tasks whose pid is not their tgid, the very same PIDs, and each one's tgid is the
     * PID of a leader that ps -G lists. (The test guests run few threaded processes, so crash's
     * two lists may well be equal; then every task must lead its own group.)
     */
    @TestFactory
    Stream<DynamicTest> threadGroupsMatchCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            List<String> all = CrashReference.of(c, "ps").lines();
            List<String> leaders = CrashReference.of(c, "ps-G").lines();
            List<String> crashThreads = all.stream().filter(l -> !leaders.contains(l)).toList();
            try (Session s = open(c, false)) {
                JsonNode tasks = new ObjectMapper().readTree(new CommandHarness(s).json("ps")).get("tasks");
                List<String> ourThreads = new ArrayList<>();
                Set<Integer> leaderPids = new HashSet<>();
                leaders.stream().skip(1).forEach(l -> leaderPids.add(Integer.parseInt(l.substring(1, 9).strip())));
                for (JsonNode t : tasks) {
                    int pid = t.get("pid").asInt();
                    int tgid = t.get("tgid").asInt();
                    assertTrue(leaderPids.contains(tgid), c + ": task " + pid + " has tgid " + tgid
                            + ", which is no leader in crash's ps -G");
                    if (pid != tgid) {
                        ourThreads.add(t.get("task").asText().replaceFirst("^0x", ""));
                    }
                }
                List<String> crashThreadTasks = crashThreads.stream().map(l -> l.substring(23, 39)).toList();
                assertEquals(crashThreadTasks, ourThreads, c + ": threads that do not lead their group");
            }
        }));
    }

    /**
     * task: the header equals the first line of crash's bt (same context line), the body is struct's,
     * then a blank line (crash's do_task).
     */
    @TestFactory
    Stream<DynamicTest> taskCommand() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            String btHeader = Files.readAllLines(c.dir().resolve("crash/bt.txt")).get(0);
            String pid = btHeader.substring(5, 12).strip();
            String address = btHeader.substring(20, 36);
            try (Session s = TestDumps.open(c, "vmcore.d31.zlib")) {
                CommandHarness h = new CommandHarness(s);
                String task = h.text("task " + pid);
                assertEquals(btHeader + "\n" + h.text("struct task_struct " + address) + "\n", task);
                assertEquals(task, h.text("task " + address));
                String comm = btHeader.substring(btHeader.indexOf('"') + 1, btHeader.length() - 1);
                String r = h.text("task -R pid,comm " + pid);
                assertTrue(r.startsWith(btHeader + "\n  pid = " + pid + ",\n  comm = \"" + comm), r);
                assertEquals(3, h.text("task 0").lines().filter(l -> l.startsWith("PID: 0 ")).count() + 1);
                JsonNode j = new ObjectMapper().readTree(h.json("task -R pid " + pid));
                assertEquals(Integer.parseInt(pid), j.get("pid").asInt());
                assertEquals("0x" + address, j.get("task").asText());
            }
        }));
    }

    private static Session open(TestDumps.Case c, boolean vmlinux) {
        return Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")),
                vmlinux ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty(), List.of()));
    }

    private static void compare(TestDumps.Case c, Session s, String how) throws Exception {
        Path file = c.dir().resolve("crash/ps.txt");
        List<String> crash = Files.readAllLines(file);
        List<String> ours = new CommandHarness(s).text("ps").lines().toList();
        int equal = 0;
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(crash.size(), ours.size()); i++) {
            String a = i < crash.size() ? crash.get(i) : "(none)";
            String b = i < ours.size() ? ours.get(i) : "(none)";
            if (a.equals(b)) {
                equal++;
            } else {
                differences.add("crash: " + a + "\n  ours: " + b);
            }
        }
        System.out.println("ps " + c + " (" + how + "): " + equal + "/" + crash.size() + " lines equal"
                + (differences.isEmpty() ? "" : "\n" + String.join("\n", differences)));
        assertEquals(crash, ours, c + " (" + how + ")");
    }
}
