package dev.vmcore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vmcore symbolize} from the command line: bad input gives one line; real oops text and a dump's log. */
class SymbolizeCliTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static void oneLine(CliRun r) {
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().startsWith("vmcore symbolize: "), r.err());
    }

    @Test
    void missingFilesAndWrongFilesGiveOneLine() throws IOException {
        CliRun r = run("symbolize", dir.resolve("nope.txt").toString());
        assertEquals(2, r.status());
        oneLine(r);
        assertTrue(r.err().contains("no such file"), r.err());

        Path text = Files.writeString(dir.resolve("oops.txt"), " do_one_initcall+0x5b/0x310\n");
        Path notElf = Files.writeString(dir.resolve("vmlinux"), "not an ELF file at all, just text\n".repeat(4));
        r = run("symbolize", "--vmlinux", notElf.toString(), text.toString());
        assertEquals(2, r.status());
        oneLine(r);

        byte[] h = new byte[64];
        h[0] = 0x7f;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[4] = 2;
        h[5] = 1;
        h[16] = 2;
        h[18] = 62;
        Path stripped = Files.write(dir.resolve("vmlinux-stripped"), h);
        r = run("symbolize", "--vmlinux", stripped.toString(), text.toString());
        assertEquals(2, r.status());
        oneLine(r);
        assertTrue(r.err().contains("no DWARF"), r.err());

        r = run("symbolize", "-m", dir.resolve("nodir").toString(), text.toString());
        assertEquals(2, r.status());
        oneLine(r);
    }

    @Test
    void codeLinesDisassembleInAttOrWithIntelInIntelSyntax() throws IOException {
        String code = "[   15.3] Code: 48 8d 48 01 80 fb 31 75 02 <0f> 0b 5b c3 0f b6 7c 24 07 48 89 d8"
                + " e9 00 00 00 00\n";
        Path o = Files.writeString(dir.resolve("code.txt"), code);
        CliRun r = run("symbolize", o.toString());
        assertEquals(0, r.status(), r.err());
        String att = r.out().replace(System.lineSeparator(), "\n");
        assertTrue(att.startsWith(code), att);
        assertTrue(att.contains("   0:\t48 8d 48 01          \tlea    0x1(%rax),%rcx\n"), att);
        assertTrue(att.contains("\tmovzbl 0x7(%rsp),%edi\n"), att);

        r = run("symbolize", "--intel", o.toString());
        assertEquals(0, r.status(), r.err());
        String intel = r.out().replace(System.lineSeparator(), "\n");
        assertTrue(intel.startsWith(code), intel);
        assertTrue(intel.contains("   0:\t48 8d 48 01          \tlea    rcx,[rax+0x1]\n"), intel);
        assertTrue(intel.contains("   9:*\t0f 0b                \tud2\t\t<-- trapping instruction\n"), intel);
        assertTrue(intel.contains("\tmovzx  edi,BYTE PTR [rsp+0x7]\n"), intel);
        assertEquals(att.lines().count(), intel.lines().count());
    }

    @Test
    void garbageAndUnresolvableFramesPassThroughWithNotes() throws IOException {
        String junk = "hello\n\u0000\u0001binary junk\n[   1.0] RAX: 6b6b6b6b6b6b6b6b\n";
        Path g = Files.writeString(dir.resolve("junk.txt"), junk);
        CliRun r = run("symbolize", g.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(junk, r.out().replace(System.lineSeparator(), "\n"));
        assertTrue(r.err().contains("no func+0xoff/0xlen frames found"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());

        String oops = "[   15.1] RIP: 0010:no_such_mod_fn+0xd/0x20 [no_such_module_xyz]\n[   15.2]  do_one_initcall+0x5b/0x310\n";
        Path o = Files.writeString(dir.resolve("oops.txt"), oops);
        r = run("symbolize", "-m", dir.toString(), o.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(oops, r.out().replace(System.lineSeparator(), "\n"));
        assertTrue(r.err().contains("no vmlinux given"), r.err());
        assertTrue(r.err().contains("module no_such_module_xyz: no no_such_module_xyz.ko found"), r.err());
    }

    @Test
    void realConsoleLogAsTextAndJson() throws IOException {
        TestDumps.Case c = new TestDumps.Case("6.12", "uaf", "oops_uaf");
        TestDumps.require(c);
        String vmlinux = c.kernelDir().resolve("vmlinux").toString();
        String log = c.dir().resolve("console.log").toString();
        CliRun r = run("symbolize", "--vmlinux", vmlinux, "-m", c.dir().toString(), log);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("oops_uaf_run+0x77/0xa0 [oops_uaf] /"), r.out());
        assertTrue(r.out().contains("oops_uaf.c:55"), r.out());
        assertTrue(r.out().contains("  spin_lock (inlined by) idempotent_complete kernel/module/main.c:3351"), r.out());
        assertTrue(r.err().isBlank(), r.err());

        r = run("symbolize", "--json", "--vmlinux", vmlinux, "-m", c.dir().toString(), log);
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("symbolize", j.get("command").asText());
        JsonNode frames = j.get("frames");
        assertTrue(frames.size() >= 19, r.out());
        JsonNode rip = frames.get(0);
        assertEquals("rip", rip.get("kind").asText());
        assertEquals("oops_uaf_use", rip.get("function").asText());
        assertEquals("oops_uaf", rip.get("module").asText());
        assertEquals(37, rip.get("lineNumber").asInt());
        assertTrue(rip.get("resolved").asBoolean());
        boolean sawUnreliable = false;
        for (JsonNode f : frames) {
            sawUnreliable |= !f.get("reliable").asBoolean();
            assertTrue(f.get("resolved").asBoolean(), f.toString());
        }
        assertTrue(sawUnreliable);
    }

    @Test
    void aDumpsOwnLog() {
        TestDumps.Case c = new TestDumps.Case("6.1", "null", "oops_null");
        TestDumps.require(c);
        CliRun r = run("symbolize", "--vmlinux", c.kernelDir().resolve("vmlinux").toString(), "-m", c.dir().toString(),
                c.dir().resolve("vmcore.d31.zlib").toString());
        assertEquals(0, r.status(), r.err());
        List<String> rip = r.out().lines().filter(l -> l.contains("RIP: 0010:oops_null_store+0x5/0xc [oops_null] ")).toList();
        assertFalse(rip.isEmpty(), r.out());
        assertTrue(rip.get(0).matches(".*oops_null\\.c:\\d+$"), rip.get(0));
        assertTrue(r.out().lines().anyMatch(l -> l.contains(" do_one_initcall+0x59/0x220 init/main.c:")), r.out());
    }
}
