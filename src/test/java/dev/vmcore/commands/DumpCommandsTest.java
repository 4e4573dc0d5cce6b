package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.dump.DumpFixtures;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.util.VmcoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** info, help -D and help -n on a small synthetic ELF core. */
class DumpCommandsTest {
    @TempDir
    Path dir;
    private Session session;

    @BeforeEach
    void open() {
        session = Session.open(new SessionInputs(List.of(DumpFixtures.smallElfCore(dir)), Optional.empty(), List.of()));
    }

    @AfterEach
    void close() {
        session.close();
    }

    private String run(boolean json, String name, String... args) {
        StringWriter w = new StringWriter();
        StreamPrinter p = json ? StreamPrinter.json(new PrintWriter(w), name) : StreamPrinter.text(new PrintWriter(w));
        CommandRegistry r = CommandRegistry.standard();
        r.find(name).orElseThrow().run(new Invocation(session, name, List.of(args), p, r));
        p.finish();
        return w.toString();
    }

    @Test
    void infoTellsFormatPagesCpusAndRelease() throws Exception {
        String text = run(false, "info");
        assertTrue(text.contains("format:         ELF"), text);
        assertTrue(text.contains("pages:          present 2, zero 1, excluded 0, truncated 0 (of 4 page frames)"), text);
        assertTrue(text.contains("CPUs:           2"), text);
        assertTrue(text.contains("release:        6.1.0-test"), text);
        assertTrue(text.contains("VMCOREINFO:     4 keys"), text);
        JsonNode j = new ObjectMapper().readTree(run(true, "info"));
        assertEquals(2, j.get("pages").get("present").asInt());
        assertEquals(4096, j.get("pageSize").asInt());
        assertEquals(-1, j.get("dumpLevel").asInt());
        assertEquals("6.1.0-test", j.get("release").asText());
    }

    @Test
    void helpDShowsTheHeaderAndSegments() {
        String text = run(false, "help", "-D");
        assertTrue(text.contains("e_type: ET_CORE"), text);
        assertTrue(text.contains("PT_LOAD: paddr 0x0000000000001000 vaddr 0xffff888000001000"), text);
        assertTrue(text.contains("memsz 0x3000"), text);
    }

    @Test
    void helpNDecodesCpuRegisters() throws Exception {
        String text = run(false, "help", "-n");
        assertTrue(text.contains("CPU note 0  pid: 4242"), text);
        assertTrue(text.contains("RIP: ffffffff81000010"), text);
        assertTrue(text.contains("OSRELEASE=6.1.0-test"), text);
        JsonNode j = new ObjectMapper().readTree(run(true, "help", "-n"));
        assertEquals("0xffffffff81000010", j.get("cpus").get(0).get("registers").get("rip").asText());
        assertEquals(4242, j.get("cpus").get(0).get("pid").asInt());
        assertEquals("NT_PRSTATUS", j.get("notes").get(0).get("typeName").asText());
    }

    @Test
    void withoutKallsymsLocationsSymbolCommandsSayWhyInOneLine() {
        // The fixture's VMCOREINFO has no kallsyms keys and no _stext: nothing to search from.
        VmcoreException e = assertThrows(VmcoreException.class, () -> run(false, "sym", "schedule"));
        assertTrue(e.getMessage().startsWith("no symbols: the dump's VMCOREINFO does not locate kallsyms"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void unknownHelpOptionIsAUsageError() {
        assertThrows(CommandException.class, () -> run(false, "help", "-Z"));
        assertThrows(CommandException.class, () -> run(false, "info", "extra"));
    }
}
