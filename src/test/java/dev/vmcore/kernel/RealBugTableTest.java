package dev.vmcore.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.format.elf.ElfSection;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.program.Session;
import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.testdumps.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bug table read from the dump names the sites the kernel and addr2line name: the BUG() of
 * each bug case is the console's {@code kernel BUG at FILE:LINE!}, and sampled kernel sites are
 * where the vmlinux's DWARF puts their ud2.
 */
class RealBugTableTest {
    private static final Pattern BUG_AT = Pattern.compile("kernel BUG at (\\S+):(\\d+)!");
    /** How many kernel bug table entries are checked against addr2line. */
    private static final int SAMPLES = 60;

    @TestFactory
    Stream<DynamicTest> bugCaseSiteIsTheConsolesBugLine() {
        return TestDumps.cases().stream().filter(c -> c.name().equals("bug")).flatMap(c -> Stream.of(
                DynamicTest.dynamicTest(c + " dump alone", () -> checkBugCase(c, false)),
                DynamicTest.dynamicTest(c + " with vmlinux", () -> checkBugCase(c, true))));
    }

    private static void checkBugCase(TestDumps.Case c, boolean withVmlinux) throws Exception {
        TestDumps.require(c);
        JsonNode facts = new ObjectMapper().readTree(c.dir().resolve("facts.json").toFile());
        long rip = Long.parseUnsignedLong(facts.get("rip").get("address").asText().substring(2), 16);
        Matcher m = Files.readAllLines(c.dir().resolve("console.log")).stream().map(BUG_AT::matcher)
                .filter(Matcher::find).findFirst().orElseThrow();
        try (Session s = withVmlinux ? TestDumps.openWithVmlinux(c, "vmcore.kdump-zlib", List.of())
                : TestDumps.open(c, "vmcore.kdump-zlib")) {
            BugTable.Entry e = BugTable.find(s, rip).orElseThrow(() -> new AssertionError(c + ": no bug entry at RIP"));
            assertEquals(m.group(1), e.file(), c + ": file");
            assertEquals(Integer.parseInt(m.group(2)), e.line(), c + ": line");
            assertEquals(rip, e.address());
            assertFalse(e.warning(), c + ": a BUG_ON is not a WARN");
            assertTrue(BugTable.find(s, rip + 1).isEmpty(), c + ": the byte after the ud2 is no bug site");
        }
    }

    @TestFactory
    Stream<DynamicTest> kernelSitesAreWhereDwarfPutsThem() {
        return Stream.of("6.1", "6.12").map(k -> DynamicTest.dynamicTest(k, () -> checkKernelSites(k)));
    }

    /**
     * Samples entries of the vmlinux's {@code __bug_table} section (the test's own reading: an int
     * displacement to the ud2 at the start of each 12-byte entry), looks each up in the dump's
     * table, and compares with addr2line's innermost location of that ud2.
     */
    private static void checkKernelSites(String kernel) throws Exception {
        TestDumps.Case c = TestDumps.cases().stream().filter(x -> x.kernel().equals(kernel) && x.name().equals("bug"))
                .findFirst().orElseThrow();
        TestDumps.require(c);
        Assumptions.assumeTrue(Tools.onPath("addr2line"), "addr2line (binutils) not installed");
        Path vmlinux = c.kernelDir().resolve("vmlinux");
        List<Long> sites = new ArrayList<>();
        long stext;
        try (ElfSymbols elf = ElfSymbols.open(vmlinux)) {
            ElfSection sec = elf.section("__bug_table").orElseThrow();
            ByteBuffer b = elf.sectionBuffer("__bug_table").orElseThrow().order(ByteOrder.LITTLE_ENDIAN);
            int entries = (int) (sec.size() / 12);
            assertTrue(entries > 5000, kernel + ": only " + entries + " bug table entries");
            for (int i = 0; i < SAMPLES; i++) {
                int at = (int) ((long) i * entries / SAMPLES) * 12;
                sites.add(sec.addr() + at + b.getInt(at));
            }
            stext = elf.symbols().stream().filter(x -> x.name().equals("_stext")).findFirst().orElseThrow().value();
        }
        List<String> cmd = new ArrayList<>(List.of("addr2line", "-a", "-i", "-e", vmlinux.toString()));
        sites.forEach(a -> cmd.add(Long.toHexString(a)));
        List<String> inner = innermost(Tools.lines(cmd), sites.size());
        try (Session s = TestDumps.open(c, "vmcore.kdump-zlib")) {
            long slide = s.symbols().find("_stext").orElseThrow().address() - stext;
            int equal = 0;
            for (int i = 0; i < sites.size(); i++) {
                Optional<BugTable.Entry> e = BugTable.find(s, sites.get(i) + slide);
                assertTrue(e.isPresent(), kernel + ": no entry at " + Long.toHexString(sites.get(i)));
                String dwarf = inner.get(i).replaceFirst(" \\(discriminator \\d+\\)$", "");
                if (dwarf.endsWith("/" + e.get().where())) {
                    equal++;
                }
            }
            // The sample is fixed, and every site of it (headers' inline BUG()s included) is where DWARF puts it.
            assertEquals(sites.size(), equal, kernel + ": sites equal to addr2line");
        }
    }

    /** addr2line -a -i prints each address, then its innermost location, then each inliner's. */
    private static List<String> innermost(List<String> out, int addresses) {
        List<String> inner = new ArrayList<>();
        for (int i = 0; i + 1 < out.size(); i++) {
            if (out.get(i).startsWith("0x")) {
                inner.add(out.get(i + 1));
            }
        }
        assertEquals(addresses, inner.size(), "addr2line groups");
        return inner;
    }
}
