package dev.vmcore.testdumps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.dump.FileKind;
import dev.vmcore.dump.FileProbe;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every generated dump exists with its facts and crash reference answers, complete and plausible. */
class TestDumpsCompleteTest {
    private static final Pattern HEX = Pattern.compile("0x[0-9a-f]+");
    private static final List<String> CRASH_FILES = List.of("sys", "bt", "bt-a", "bt-f", "bt-l", "log", "ps", "mod",
            "mod-s", "sym-rip", "dis-l-rip", "rd", "struct", "struct-o-task_struct", "vtop", "kmem-i");
    private static final Map<String, FileKind> KINDS = Map.of("vmcore.elf", FileKind.ELF_CORE,
            "vmcore.kdump-zlib", FileKind.FLATTENED, "vmcore.d31.zlib", FileKind.KDUMP_COMPRESSED,
            "vmcore.d31.lzo", FileKind.KDUMP_COMPRESSED, "vmcore.d31.zstd", FileKind.KDUMP_COMPRESSED,
            "vmcore.d31.elf", FileKind.ELF_CORE, "vmcore.d31.flat", FileKind.FLATTENED);

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void casesCoverEveryCrashKindOnBothKernelsAndOneFiveLevelVariant() {
        List<TestDumps.Case> cases = TestDumps.cases();
        for (String kernel : List.of("6.1", "6.12")) {
            assertEquals(List.of("null", "uaf", "list", "timer", "bug"),
                    cases.stream().filter(c -> c.kernel().equals(kernel)).map(TestDumps.Case::name).toList());
        }
        assertTrue(cases.stream().anyMatch(c -> c.kernel().endsWith("-la57")));
    }

    @TestFactory
    Stream<DynamicTest> everyCaseIsComplete() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> checkCase(c)));
    }

    private void checkCase(TestDumps.Case c) throws IOException {
        TestDumps.require(c);
        Path dir = c.dir();
        for (String name : TestDumps.DUMP_FILES) {
            Path f = dir.resolve(name);
            assertTrue(Files.size(f) > 1 << 20, c + ": " + name + " is missing or tiny");
            assertEquals(KINDS.get(name), FileProbe.probe(f), c + ": " + name);
        }
        assertTrue(Files.size(dir.resolve(c.module() + ".ko")) > 0, c + ": module " + c.module() + ".ko");
        String console = Files.readString(dir.resolve("console.log"));
        JsonNode facts = mapper.readTree(dir.resolve("facts.json").toFile());
        assertEquals(c.name(), facts.get("case").asText());
        assertEquals(c.module(), facts.get("module").asText());
        assertEquals(c.kernel().startsWith("6.12") ? "6.12" : "6.1",
                facts.get("release").asText().replaceFirst("^(\\d+\\.\\d+).*", "$1"), c + ": release");
        assertTrue(console.contains(facts.get("panicLine").asText()), c + ": panic line not in console log");
        assertTrue(console.contains(facts.get("release").asText()), c + ": release not in console log");
        for (String key : List.of("kaslrOffset", "physBase", "moduleBase")) {
            assertTrue(HEX.matcher(facts.get(key).asText()).matches(), c + ": " + key + " = " + facts.get(key));
        }
        JsonNode rip = facts.get("rip");
        assertTrue(HEX.matcher(rip.get("address").asText()).matches(), c + ": rip");
        assertTrue(console.contains(rip.get("symbol").asText()), c + ": RIP symbol not on the console");
        assertTrue(facts.get("callTrace").size() > 0, c + ": empty call trace");
        for (String reg : List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r15", "cr2", "cr3")) {
            assertTrue(HEX.matcher(facts.get("registers").get(reg).asText()).matches(), c + ": register " + reg);
        }
        assertTrue(facts.get("globals").size() >= 3, c + ": module globals");
        assertTrue(facts.get("pid").asInt() > 0 && facts.get("cpu").asInt() >= 0, c + ": pid/cpu");
        assertEquals(c.kernel().endsWith("-la57"), facts.get("fiveLevelPaging").asBoolean(), c + ": paging");
        for (String name : CRASH_FILES) {
            Path f = dir.resolve("crash").resolve(name + ".txt");
            assertTrue(Files.isRegularFile(f) && Files.size(f) > 0, c + ": crash/" + name + ".txt missing or empty");
        }
        facts.get("globals").fieldNames().forEachRemaining(g -> assertTrue(
                Files.isRegularFile(dir.resolve("crash").resolve("p-" + g + ".txt")), c + ": crash/p-" + g + ".txt"));
        String crashBt = Files.readString(dir.resolve("crash/bt.txt"));
        assertTrue(crashBt.contains("PID:"), c + ": crash bt has no task header");
        String crashSys = Files.readString(dir.resolve("crash/sys.txt"));
        assertTrue(crashSys.contains(facts.get("release").asText()), c + ": crash sys has another release");
    }

    @Test
    void demoDumpIsCommittedSmallAndRecognised() throws IOException {
        Path demo = TestDumps.repo().resolve("testdumps/demo");
        Path vmcore = demo.resolve("vmcore");
        assertEquals(FileKind.KDUMP_COMPRESSED, FileProbe.probe(vmcore));
        assertTrue(Files.size(vmcore) < 25L << 20, "demo dump must stay under 25 MB");
        JsonNode facts = mapper.readTree(demo.resolve("facts.json").toFile());
        assertEquals("uaf", facts.get("case").asText());
        assertTrue(Files.readString(demo.resolve("console.log")).contains(facts.get("panicLine").asText()));
    }
}
