package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rd, vtop and sym on the real dumps, against crash 8.0.6's answers and the vmlinux symtab. */
class RealMemoryCommandsTest {
    private static final List<String> FORMATS = List.of("vmcore.d31.zlib", "vmcore.elf", "vmcore.d31.flat");

    @TestFactory
    Stream<DynamicTest> rdAndVtopEqualCrash() {
        return TestDumps.cases().stream().flatMap(c -> FORMATS.stream().map(f ->
                DynamicTest.dynamicTest(c + " " + f, () -> rdAndVtop(c, f))));
    }

    private static void rdAndVtop(TestDumps.Case c, String format) throws Exception {
        TestDumps.require(c);
        JsonNode facts = new ObjectMapper().readTree(c.dir().resolve("facts.json").toFile());
        String record = facts.get("record").get("address").asText();
        try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve(format)), Optional.empty(), List.of()))) {
            CommandHarness h = new CommandHarness(s);
            assertEquals(read(c, "rd"), h.text("rd -64 " + record + " 16"), c + " " + format + ": rd");
            List<String> crashVtop = read(c, "vtop").lines().toList();
            List<String> ours = h.text("vtop " + record).lines().toList();
            // crash goes on with the struct page of the frame (needs kernel types): compare the walk.
            int walkLines = crashVtop.indexOf(crashVtop.stream().filter(l -> l.contains("PHYSICAL  FLAGS")).findFirst()
                    .orElseThrow()) + 2;
            assertEquals(crashVtop.subList(0, walkLines).stream().map(String::stripTrailing).toList(),
                    ours.subList(0, walkLines).stream().map(String::stripTrailing).toList(), c + " " + format + ": vtop");
        }
    }

    @TestFactory
    Stream<DynamicTest> kernelAddressesEqualCrash() {
        return TestDumps.cases().stream().flatMap(c -> Stream.of(false, true).map(withVmlinux ->
                DynamicTest.dynamicTest(c + (withVmlinux ? " with vmlinux" : " dump only"), () -> kernelAddresses(c, withVmlinux))));
    }

    /**
     * sym of 200 kernel text addresses, vtop of a 2 MiB-mapped kernel text address and of a
     * direct-map address, and rd of a symbol, each against crash (file:line, which crash adds from
     * the vmlinux's DWARF, is left out of the sym comparison).
     */
    private static void kernelAddresses(TestDumps.Case c, boolean withVmlinux) throws Exception {
        TestDumps.require(c);
        Path crash = c.dir().resolve("crash");
        Optional<Path> vmlinux = withVmlinux ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty();
        try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), vmlinux, List.of()))) {
            CommandHarness h = new CommandHarness(s);
            int compared = 0;
            int isra = 0;
            for (int i = 0; i < 10; i++) {
                List<String> lines = Files.readAllLines(crash.resolve("sym-text-" + i + ".txt"));
                for (String line : lines) {
                    String address = line.substring(0, 16);
                    String expected = line.replaceFirst("^(\\S+ \\(.\\) \\S+).*$", "$1");
                    String ours = h.text("sym " + address).strip();
                    // crash shows some GCC clones (".isra.N", ".part.N") under the original name; we keep the
                    // symbol's real name, as the kernel's own %pS does (docs/commands.md).
                    if (!expected.equals(ours) && ours.replaceFirst("\\.(isra|part)\\.\\d+", "").equals(expected)) {
                        isra++;
                    } else {
                        assertEquals(expected, ours, c + ": sym " + address);
                    }
                    compared++;
                }
            }
            assertEquals(200, compared, c + ": sym samples");
            // The exception RIP lies in the module: its own kallsyms name it, as crash does after mod -s.
            String rip = Files.readString(crash.resolve("sym-rip.txt")).strip();
            String ripAddress = rip.substring(0, 16);
            assertEquals(rip.replaceFirst("^(\\S+ \\(.\\) \\S+ \\[\\S+\\]).*$", "$1"), h.text("sym " + ripAddress).strip(),
                    c + ": sym RIP");
            assertTrue(isra <= 4, c + ": " + isra + " clone names differ from crash's");
            for (String name : List.of("vtop-text", "vtop-directmap")) {
                List<String> expected = Files.readAllLines(crash.resolve(name + ".txt"));
                String address = expected.get(1).substring(0, 16);
                int walkLines = expected.indexOf(expected.stream().filter(l -> l.contains("PHYSICAL  FLAGS")).findFirst()
                        .orElseThrow()) + 2;
                List<String> ours = h.text("vtop " + address).lines().toList();
                assertEquals(expected.subList(0, walkLines).stream().map(String::stripTrailing).toList(),
                        ours.subList(0, walkLines).stream().map(String::stripTrailing).toList(), c + ": " + name);
            }
            assertEquals(Files.readString(crash.resolve("rd-sym.txt")), h.text("rd -64 linux_banner 16"), c + ": rd-sym");
            // ptov inverts crash's translation of the direct-map address.
            String[] direct = Files.readAllLines(crash.resolve("vtop-directmap.txt")).get(1).trim().split("\\s+");
            assertEquals(direct[0], h.text("ptov " + direct[1]).lines().toList().get(1).split("\\s+")[0], c + ": ptov");
        }
    }

    @TestFactory
    Stream<DynamicTest> symFromKallsymsEqualsVmlinuxSymtab() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> symbols(c)));
    }

    private static void symbols(TestDumps.Case c) throws Exception {
        TestDumps.require(c);
        Path dump = c.dir().resolve("vmcore.d31.zlib");
        try (Session bare = Session.open(new SessionInputs(List.of(dump), Optional.empty(), List.of()));
             Session full = Session.open(new SessionInputs(List.of(dump), Optional.of(c.kernelDir().resolve("vmlinux")),
                     List.of()))) {
            SymbolTable kallsyms = bare.symbols();
            CommandHarness hb = new CommandHarness(bare);
            CommandHarness hf = new CommandHarness(full);
            List<Symbol> text = kallsyms.all().stream().filter(Symbol::isText).toList();
            Random r = new Random(7);
            for (int i = 0; i < 200; i++) {
                Symbol s = text.get(r.nextInt(text.size()));
                long address = s.address() + r.nextInt(8);
                String a = hb.text("sym " + Long.toHexString(address));
                String b = hf.text("sym " + Long.toHexString(address));
                assertEquals(b, a, c + ": sym " + Long.toHexString(address));
            }
            JsonNode j = new ObjectMapper().readTree(hb.json("sym schedule"));
            assertEquals("schedule", j.get("symbols").get(0).get("name").asText());
            assertEquals("T", j.get("symbols").get(0).get("type").asText());
            assertTrue(j.get("symbols").get(0).get("address").asText().startsWith("0xffffffff"));
            assertEquals("kallsyms from dump", j.get("source").asText());
        }
    }

    @org.junit.jupiter.api.Test
    void aMismatchedVmlinuxIsRefusedUnlessForced() throws Exception {
        TestDumps.Case c61 = TestDumps.cases().stream().filter(c -> c.kernel().equals("6.1")).findFirst().orElseThrow();
        TestDumps.Case c612 = TestDumps.cases().stream().filter(c -> c.kernel().equals("6.12")).findFirst().orElseThrow();
        TestDumps.require(c61);
        TestDumps.require(c612);
        List<Path> dump = List.of(c61.dir().resolve("vmcore.d31.zlib"));
        Optional<Path> wrong = Optional.of(c612.kernelDir().resolve("vmlinux"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.vmcore.util.VmcoreException.class,
                () -> Session.open(new SessionInputs(dump, wrong, List.of())));
        assertTrue(e.getMessage().contains("does not match the dump: build id"), e.getMessage());
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        try (Session forced = Session.open(new SessionInputs(dump, wrong, List.of(), true))) {
            assertEquals("vmlinux symtab", forced.symbols().source());
        }
    }

    @TestFactory
    Stream<DynamicTest> sysFieldsEqualCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> sys(c)));
    }

    /** The sys fields this session can read, against crash's sys (KERNEL's path differs: crash had the vmlinux). */
    private static void sys(TestDumps.Case c) throws Exception {
        TestDumps.require(c);
        java.util.Map<String, String> crash = fields(read(c, "sys"));
        try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), Optional.empty(),
                List.of()))) {
            java.util.Map<String, String> ours = fields(new CommandHarness(s).text("sys"));
            for (String f : List.of("CPUS", "LOAD AVERAGE", "NODENAME", "RELEASE", "VERSION", "MACHINE")) {
                assertEquals(crash.get(f), ours.get(f), c + ": sys " + f);
            }
            // The cache may have moved since crash ran: compare the file name and the flags after it.
            assertEquals(crash.get("DUMPFILE").replaceAll("^.*/", ""), ours.get("DUMPFILE").replaceAll("^.*/", ""),
                    c + ": sys DUMPFILE");
            assertEquals(crash.get("KERNEL").endsWith("[TAINTED]"), ours.get("KERNEL").endsWith("[TAINTED]"), c + ": taint");
        }
    }

    private static java.util.Map<String, String> fields(String sys) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
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
