package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * log on the real dumps, with no vmlinux (VMCOREINFO only): identical to crash 8.0.6's log on every
 * case and dump format, and the oops as the serial console showed it appears verbatim.
 */
class RealLogCommandTest {
    private static final List<String> FORMATS = List.of("vmcore.d31.zlib", "vmcore.elf", "vmcore.kdump-zlib");

    @TestFactory
    Stream<DynamicTest> logEqualsCrash() {
        return TestDumps.cases().stream().flatMap(c -> FORMATS.stream().map(f ->
                DynamicTest.dynamicTest(c + " " + f, () -> {
                    TestDumps.require(c);
                    String crash = Files.readString(c.dir().resolve("crash/log.txt"));
                    try (Session s = open(c, f)) {
                        String ours = new CommandHarness(s).text("log");
                        assertEquals(crash, ours, c + " " + f + ": log");
                    }
                })));
    }

    /**
     * log -T, -t, -m, -c equal crash's, from the dump alone (kallsyms, BTF from kernel memory) and
     * with the vmlinux. -T rests on crash's boot time: the crash date less crash's uptime (jiffies_64
     * over crash's HZ, which crash 8.0.6 takes as 1000 on these kernels: see KernelClock.hz), so
     * matching it also checks that rule.
     */
    @TestFactory
    Stream<DynamicTest> logOptionsEqualCrash() {
        return TestDumps.cases().stream().flatMap(c -> Stream.of("log-T", "log-t", "log-m", "log-c").flatMap(name ->
                Stream.of(false, true).map(vmlinux -> DynamicTest.dynamicTest(
                        c + " " + name + (vmlinux ? " with vmlinux" : " dump alone"), () -> {
                            CrashReference ref = CrashReference.of(c, name);
                            try (Session s = open(c, "vmcore.d31.zlib", vmlinux)) {
                                assertEquals(ref.text(), new CommandHarness(s).text(ref.command()),
                                        c + ": " + ref.command());
                            }
                        }))));
    }

    /**
     * log -d: crash 8.0.6 has no reference for it here, so: without its SUBSYSTEM=/DEVICE= lines it
     * is crash's plain log, those lines are indented under the text, and the boot log's device
     * messages (dev_printk) do carry them.
     */
    @TestFactory
    Stream<DynamicTest> logDeviceInfo() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            CrashReference plain = CrashReference.of(c, "log");
            try (Session s = open(c, "vmcore.d31.zlib", false)) {
                List<String> ours = new CommandHarness(s).text("log -d").lines().toList();
                Predicate<String> dict = l -> l.matches(" {15}(SUBSYSTEM|DEVICE)=.+");
                assertEquals(plain.lines(), ours.stream().filter(dict.negate()).toList(), c + ": log -d less its dict lines");
                long subsystems = ours.stream().filter(l -> l.startsWith(" ".repeat(15) + "SUBSYSTEM=")).count();
                long devices = ours.stream().filter(l -> l.startsWith(" ".repeat(15) + "DEVICE=")).count();
                assertTrue(subsystems > 0 && devices > 0, c + ": no device info in log -d");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> consoleOopsAppearsVerbatim() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            List<String> oops = oopsLines(Files.readAllLines(c.dir().resolve("console.log")));
            assertFalse(oops.isEmpty(), c + ": no oops in console.log");
            try (Session s = open(c, "vmcore.d31.zlib")) {
                List<String> ours = new CommandHarness(s).text("log -t").lines().toList();
                int at = indexOf(ours, oops);
                assertTrue(at >= 0, c + ": the console's oops (" + oops.size() + " lines from \"" + oops.get(0)
                        + "\") is not in our log");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> jsonAndOptions() {
        return TestDumps.cases().stream().limit(1).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = open(c, "vmcore.d31.zlib")) {
                CommandHarness h = new CommandHarness(s);
                JsonNode j = new ObjectMapper().readTree(h.json("log"));
                JsonNode records = j.get("records");
                assertTrue(records.size() > 100);
                assertTrue(records.get(0).get("text").asText().startsWith("Linux version "));
                assertEquals(0, records.get(0).get("timestampNs").asLong());
                assertEquals(0, j.get("warnings").size());
                String m = h.text("log -m");
                assertTrue(m.startsWith("[    0.000000] <5>Linux version "), m.substring(0, 60));
                String caller = h.text("log -c");
                assertTrue(caller.startsWith("[    0.000000] [    T0] Linux version "), caller.substring(0, 60));
                assertTrue(h.text("log -t").startsWith("Linux version "));
            }
        }));
    }

    /** From the first line naming the oops to "---[ end trace", without the "[    t.tttttt] " prefixes. */
    static List<String> oopsLines(List<String> console) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : console) {
            String text = line.replaceFirst("^\\[ *\\d+\\.\\d{6}\\] ", "").replace("\r", "");
            if (!in && (text.contains("BUG:") || text.contains("Oops") || text.contains("general protection")
                    || text.contains("kernel BUG"))) {
                in = true;
            }
            if (in) {
                out.add(text);
                if (text.contains("---[ end trace")) {
                    break;
                }
            }
        }
        return out;
    }

    private static int indexOf(List<String> haystack, List<String> needle) {
        for (int i = 0; i + needle.size() <= haystack.size(); i++) {
            if (haystack.subList(i, i + needle.size()).equals(needle)) {
                return i;
            }
        }
        return -1;
    }

    private static Session open(TestDumps.Case c, String file) {
        return open(c, file, false);
    }

    private static Session open(TestDumps.Case c, String file, boolean vmlinux) {
        return Session.open(new SessionInputs(List.of(c.dir().resolve(file)),
                vmlinux ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty(), List.of()));
    }
}
