package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.format.elf.ElfSymbol;
import dev.vmcore.format.elf.ElfSymbols;
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

    /**
     * Where gdb's line lookup (crash's) and ours may part (docs/commands.md, sym): an address in the
     * padding before a function (its __pfx_ symbol), where gdb may take a line from the previous
     * sequence, and assembly text (.S), where gdb gives no line for some addresses. Same symbol.
     */
    private static boolean lineEdgeCase(String crash, String ours) {
        String[] a = crash.split(" ", 4);
        String[] b = ours.split(" ", 4);
        boolean sameSymbol = a.length >= 3 && b.length >= 3 && a[0].equals(b[0]) && a[2].equals(b[2]);
        return sameSymbol && (a[2].startsWith("__pfx_") || crash.contains(".S: ") || ours.contains(".S: "));
    }

    @TestFactory
    Stream<DynamicTest> kernelAddressesEqualCrash() {
        return TestDumps.cases().stream().flatMap(c -> Stream.of(false, true).map(withVmlinux ->
                DynamicTest.dynamicTest(c + (withVmlinux ? " with vmlinux" : " dump only"), () -> kernelAddresses(c, withVmlinux))));
    }

    /**
     * sym of 200 kernel text addresses, vtop of a 2 MiB-mapped kernel text address and of a
     * direct-map address, and rd of a symbol, each against crash. With the vmlinux (and the case
     * directory as a module directory, where the crashing module's .ko is) sym's file:line, from
     * the vmlinux's and the .ko's DWARF, must equal crash's too; from the dump alone there is none.
     */
    private static void kernelAddresses(TestDumps.Case c, boolean withVmlinux) throws Exception {
        TestDumps.require(c);
        Path crash = c.dir().resolve("crash");
        Optional<Path> vmlinux = withVmlinux ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty();
        List<Path> moduleDirs = withVmlinux ? List.of(c.dir()) : List.of();
        try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), vmlinux, moduleDirs))) {
            CommandHarness h = new CommandHarness(s);
            int compared = 0;
            int withLines = 0;
            int lineEdgeCases = 0;
            int isra = 0;
            for (int i = 0; i < 10; i++) {
                List<String> lines = Files.readAllLines(crash.resolve("sym-text-" + i + ".txt"));
                for (String line : lines) {
                    String address = line.substring(0, 16);
                    String expected = withVmlinux ? line.strip() : line.replaceFirst("^(\\S+ \\(.\\) \\S+).*$", "$1");
                    String ours = h.text("sym " + address).strip();
                    if (withVmlinux && expected.contains(": ")) {
                        withLines++;
                    }
                    // crash shows some GCC clones (".isra.N", ".part.N") under the original name; we keep the
                    // symbol's real name, as the kernel's own %pS does (docs/commands.md).
                    if (!expected.equals(ours) && ours.replaceFirst("\\.(isra|part)\\.\\d+", "").equals(expected)) {
                        isra++;
                    } else if (withVmlinux && !expected.equals(ours) && lineEdgeCase(expected, ours)) {
                        lineEdgeCases++;
                    } else {
                        assertEquals(expected, ours, c + ": sym " + address);
                    }
                    compared++;
                }
            }
            assertEquals(200, compared, c + ": sym samples");
            assertTrue(!withVmlinux || withLines >= 150, c + ": only " + withLines + " of crash's sym lines have file:line");
            // The exception RIP lies in the module: its own kallsyms name it, as crash does after mod -s.
            String rip = Files.readString(crash.resolve("sym-rip.txt")).strip();
            String ripAddress = rip.substring(0, 16);
            String ripName = rip.replaceFirst("^(\\S+ \\(.\\) \\S+ \\[\\S+\\]).*$", "$1");
            String ourRip = h.text("sym " + ripAddress).strip();
            if (!withVmlinux) {
                assertEquals(ripName, ourRip, c + ": sym RIP");
            } else {
                // The RIP's line from the module's .ko, where addr2line puts it (the function's own
                // section, at its offset there). crash 8.0.6 agrees on 6.1; on 6.12 it misplaces
                // functions outside .text (.text.unlikely) of these ld -r modules, and gives e.g.
                // oops_common.h: 80 for the BUG_ON the console reports at oops_bug.c:27.
                assertEquals(ripName + " " + addr2line(c, rip), ourRip, c + ": sym RIP");
                if (!c.kernel().equals("6.12")) {
                    assertEquals(rip, ourRip, c + ": sym RIP as crash");
                }
            }
            assertTrue(isra <= 4, c + ": " + isra + " clone names differ from crash's");
            assertTrue(lineEdgeCases <= 2, c + ": " + lineEdgeCases + " file:line differ from crash's in function padding or assembly");
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

    /**
     * "FILE: LINE" of the module text address in {@code crashSym} ("ADDR (t) FUNC+OFF [MODULE] ..."),
     * from binutils' addr2line on the case's .ko: FUNC's section (-j) at FUNC's value plus OFF.
     */
    private static String addr2line(TestDumps.Case c, String crashSym) throws Exception {
        String[] words = crashSym.split(" ");
        String[] funcOff = words[2].split("\\+");
        long off = funcOff.length > 1 ? Long.parseLong(funcOff[1]) : 0;
        Path ko = c.dir().resolve(c.module() + ".ko");
        try (ElfSymbols elf = ElfSymbols.open(ko)) {
            ElfSymbol f = elf.symbols().stream().filter(e -> e.name().equals(funcOff[0]) && e.type() == ElfSymbol.STT_FUNC)
                    .findFirst().orElseThrow();
            String section = elf.sections().get(f.sectionIndex()).name();
            Process p = new ProcessBuilder("addr2line", "-e", ko.toString(), "-j", section,
                    Long.toHexString(f.value() + off)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            assertEquals(0, p.waitFor(), out);
            // "/build/x/oops_null.c:23 (discriminator 2)" -> "/build/x/oops_null.c: 23"
            return out.replaceFirst(" \\(discriminator \\d+\\)$", "").replaceFirst(":(\\d+)$", ": $1");
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
                // The vmlinux adds file:line (from its DWARF) after the name; the names must agree.
                String b = hf.text("sym " + Long.toHexString(address)).replaceFirst(" \\S+: \\d+\n$", "\n");
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

    private static String read(TestDumps.Case c, String name) throws Exception {
        return Files.readString(c.dir().resolve("crash").resolve(name + ".txt"));
    }
}
