package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p and whatis on the real dumps against crash 8.0.6 (crash/p-*.txt, px-*.txt, whatis-*.txt and
 * commands.tsv, recorded by scripts/testdumps/crash-refs.sh with the debug vmlinux loaded).
 * With the dump alone (BTF) the per-CPU ones must equal crash; with the vmlinux, every kernel one,
 * when the session's types know init_task (DWARF); with the module's debuginfo, the module ones.
 */
class RealPCommandTest {
    /** A crash reference: file name (without .txt), the command, crash's output. */
    record Ref(String name, String command, String output) {
    }

    @TestFactory
    Stream<DynamicTest> perCpuAndTypesWithTheDumpAlone() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            List<Ref> refs = refs(c);
            Assumptions.assumeTrue(!refs.isEmpty(), c + ": no p/whatis references recorded (crash-refs.sh)");
            try (Session s = open(c, false, false)) {
                CommandHarness h = new CommandHarness(s);
                for (Ref r : refs) {
                    if (r.name().startsWith("p-this_cpu_off") || r.name().equals("whatis-list_head")) {
                        assertEquals(withoutNumbers(r.output()), withoutNumbers(h.text(r.command())), c + ": " + r.command());
                    }
                }
                long off0 = Long.parseUnsignedLong(valueOf(ref(refs, "p-this_cpu_off-0")));
                long off1 = Long.parseUnsignedLong(valueOf(ref(refs, "p-this_cpu_off-1")));
                long sym = s.symbols().find("this_cpu_off").orElseThrow().address();
                // this_cpu_off holds the CPU's own per-CPU offset: the addresses crash would list.
                assertEquals("PER-CPU DATA TYPE:\n  unsigned long this_cpu_off;\nPER-CPU ADDRESSES:\n"
                        + "  [0]: " + Long.toHexString(sym + off0) + "\n  [1]: " + Long.toHexString(sym + off1) + "\n",
                        h.text("p this_cpu_off"));
                assertEquals(withoutNumbers(ref(refs, "p-this_cpu_off-0").output()
                                + ref(refs, "p-this_cpu_off-1").output()), withoutNumbers(h.text("p this_cpu_off:a")));
                assertEquals("$N = 0x" + Long.toHexString(off1) + "\n", withoutNumbers(h.text("p/x this_cpu_off:1")));
                assertEquals("$N = " + Long.toUnsignedString(off0 - off1) + "\n",
                        withoutNumbers(h.text("p this_cpu_off:0 - this_cpu_off:1")));
                String rq = h.text("p runqueues:1");
                assertTrue(rq.startsWith("per_cpu(runqueues, 1) = $"), rq);
                assertTrue(rq.contains(" = {\n  __lock = {\n"), rq);
                assertTrue(h.text("p runqueues:1.cpu").endsWith(" = 1\n"), h.text("p runqueues:1.cpu"));
                String task = h.text("p runqueues:1.curr");
                assertTrue(task.matches("\\$\\d+ = \\(struct task_struct \\*\\) 0xff[0-9a-f]+\n"), task);
                assertEquals(task.replaceAll("^.*= ", ""), h.text("p $").replaceAll("^.*= ", ""));
                assertTrue(h.text("p schedule").matches("schedule = \\$\\d+ = \n \\{void \\(void\\)\\} 0xffffffff[0-9a-f]+ <schedule>\n"),
                        h.text("p schedule"));
                // Globals other than per-CPU ones have no BTF type: the way out is in the message, casts work.
                CommandException e = assertThrows(CommandException.class, () -> h.text("p nr_cpu_ids"));
                assertTrue(e.getMessage().startsWith("p: nr_cpu_ids: no type information for this variable (BTF has types"
                        + " only for per-CPU variables and functions); give the vmlinux"), e.getMessage());
                assertEquals(withoutNumbers(ref(refs, "p-nr_cpu_ids").output()),
                        withoutNumbers(h.text("p (unsigned int)nr_cpu_ids")).replace("$N", "nr_cpu_ids = $N"));
                String addr = h.text("p &init_task");
                assertTrue(addr.endsWith(" <init_task>\n") && addr.contains("(<data variable, no debug info> *) 0xffffffff"), addr);
                assertEquals("unsigned long\n", h.text("whatis this_cpu_off:0"));
                assertEquals("struct task_struct *\n", h.text("whatis runqueues:0.curr"));
                assertEquals("unsigned int\n", h.text("whatis runqueues:0.nr_running"));
                JsonNode j = new ObjectMapper().readTree(h.json("p this_cpu_off:0"));
                assertEquals("this_cpu_off", j.get("variable").asText());
                assertEquals(Long.toUnsignedString(off0), j.get("cpus").get(0).get("value").asText());
                JsonNode rqj = new ObjectMapper().readTree(h.json("p runqueues:0"));
                assertEquals("__lock", rqj.get("cpus").get(0).get("members").get(0).get("name").asText());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> kernelReferencesWithTheVmlinux() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            List<Ref> refs = refs(c);
            Assumptions.assumeTrue(!refs.isEmpty(), c + ": no p/whatis references recorded (crash-refs.sh)");
            try (Session s = open(c, true, false)) {
                Assumptions.assumeTrue(s.types().findVariable("init_task").isPresent(),
                        c + ": the session's types do not know init_task (" + s.types().description() + "): no DWARF yet");
                compare(c, s, refs.stream().filter(r -> !isModuleRef(c, r)).toList());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> moduleReferencesWithTheModuleDebuginfo() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            List<Ref> refs = refs(c);
            Assumptions.assumeTrue(!refs.isEmpty(), c + ": no p/whatis references recorded (crash-refs.sh)");
            try (Session s = open(c, true, true)) {
                Assumptions.assumeTrue(s.types().findVariable("init_task").isPresent(),
                        c + ": the session's types do not know init_task (" + s.types().description() + ")");
                Assumptions.assumeTrue(s.types().findVariable(c.module() + "_counter").isPresent()
                        && s.types().findType("struct oops_record").isPresent(),
                        c + ": the session's types do not know module " + c.module() + " (" + s.types().description() + ")");
                compare(c, s, refs);
            }
        }));
    }

    /** Runs the references in crash's order in one session: equal text, and equal $N when every one is run. */
    private static void compare(TestDumps.Case c, Session s, List<Ref> refs) throws IOException {
        CommandHarness h = new CommandHarness(s);
        List<String> ours = new ArrayList<>();
        for (Ref r : refs) {
            String out = h.text(r.command());
            ours.add(out);
            assertEquals(withoutNumbers(r.output()), withoutNumbers(out), c + ": " + r.command());
        }
        if (refs.size() == allRefs(c).size()) {
            for (int i = 0; i < refs.size(); i++) {
                assertEquals(refs.get(i).output(), ours.get(i), c + ": " + refs.get(i).command() + " (history number)");
            }
        }
    }

    private static boolean isModuleRef(TestDumps.Case c, Ref r) {
        return r.command().contains(c.module()) || r.command().contains("oops_record");
    }

    private static List<Ref> refs(TestDumps.Case c) throws IOException {
        return allRefs(c);
    }

    /** The p, p/x and whatis references crash-refs.sh recorded, in its order. */
    private static List<Ref> allRefs(TestDumps.Case c) throws IOException {
        Path dir = c.dir().resolve("crash");
        Path tsv = dir.resolve("commands.tsv");
        if (!Files.exists(tsv)) {
            return List.of();
        }
        List<Ref> refs = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            String[] f = line.split("\t", 2);
            if (f.length == 2 && (f[0].startsWith("p-") || f[0].startsWith("px-") || f[0].startsWith("whatis-"))
                    && Files.exists(dir.resolve(f[0] + ".txt"))) {
                refs.add(new Ref(f[0], f[1], Files.readString(dir.resolve(f[0] + ".txt"))));
            }
        }
        return refs;
    }

    private static Ref ref(List<Ref> refs, String name) {
        return refs.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(
                "no crash reference " + name));
    }

    /** The value after the last " = " of a one-line p output. */
    private static String valueOf(Ref r) {
        String line = r.output().strip();
        return line.substring(line.lastIndexOf(" = ") + 3);
    }

    /** p output with its history numbers replaced by N. */
    static String withoutNumbers(String s) {
        return s.replaceAll("\\$\\d+ = ", "\\$N = ");
    }

    private static Session open(TestDumps.Case c, boolean vmlinux, boolean modules) {
        return Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")),
                vmlinux ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty(),
                modules ? List.of(c.dir()) : List.of()));
    }
}
