package dev.vmcore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    private Path elf(String name, int type) throws IOException {
        byte[] h = new byte[64];
        h[0] = 0x7f;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[4] = 2;
        h[5] = 1;
        h[16] = (byte) type;
        h[18] = 62; // EM_X86_64
        return Files.write(dir.resolve(name), h);
    }

    @Test
    void filesAreRecognisedInEitherOrder() throws IOException {
        Path core = elf("core", 4);
        Path vmlinux = elf("image", 2);
        Result a = run(vmlinux.toString(), core.toString(), "-c", "help");
        Result b = run(core.toString(), vmlinux.toString(), "-c", "help");
        assertEquals(0, a.status(), a.err());
        assertEquals(0, b.status(), b.err());
        assertEquals(a.out(), b.out());
        assertTrue(a.out().contains("help"));
    }

    @Test
    void commandOptionSplitsOnSemicolonsAndRepeats() throws IOException {
        Path core = elf("core", 4);
        Result r = run(core.toString(), "--json", "-c", "help quit; help help", "-c", "help");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        ObjectMapper m = new ObjectMapper();
        assertEquals("help quit", m.readTree(lines.get(0)).get("command").asText());
        assertEquals("help help", m.readTree(lines.get(1)).get("command").asText());
        assertTrue(m.readTree(lines.get(2)).get("commands").isArray());
    }

    @Test
    void inputScriptSkipsCommentsAndBlankLines() throws IOException {
        Path core = elf("core", 4);
        Path script = Files.writeString(dir.resolve("script"), """
                # a comment
                help quit

                   # indented comment
                help help
                """);
        Result r = run(core.toString(), "--json", "-i", script.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("help quit", "help help"), r.out().lines()
                .map(l -> readJson(l).get("command").asText()).toList());
    }

    @Test
    void aFailingCommandPrintsOneLineAndTheRunGoesOnWithStatusOne() throws IOException {
        Path core = elf("core", 4);
        Result r = run(core.toString(), "-c", "nosuch; help quit");
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("vmcore: command not found: nosuch"), r.err());
        assertTrue(r.out().contains("quit - leave vmcore"), r.out());
    }

    @Test
    void jsonErrorsAreObjectsWithCommandAndError() throws IOException {
        Path core = elf("core", 4);
        Result r = run(core.toString(), "--json", "-c", "hlep");
        assertEquals(1, r.status());
        JsonNode n = readJson(r.out().strip());
        assertEquals("hlep", n.get("command").asText());
        assertTrue(n.get("error").asText().contains("did you mean \"help\""), n.toString());
    }

    @Test
    void quitStopsTheBatchRun() throws IOException {
        Path core = elf("core", 4);
        Result r = run(core.toString(), "--json", "-c", "help; quit; help");
        assertEquals(0, r.status());
        assertEquals(2, r.out().lines().count(), r.out());
    }

    @Test
    void badInputFilesAreOneLineUsageErrors() throws IOException {
        Path core = elf("core", 4);
        Path other = elf("core2", 4);
        Path text = Files.writeString(dir.resolve("text"), "not a dump");
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        Path ko = elf("mod.ko", 1);
        Path image = elf("image", 2);
        record Case(String[] args, String expected) {
        }
        List<Case> cases = List.of(
                new Case(new String[] {dir.resolve("missing").toString()}, "no such file"),
                new Case(new String[] {dir.toString()}, "is a directory"),
                new Case(new String[] {empty.toString()}, "is empty"),
                new Case(new String[] {text.toString()}, "not a crash dump or vmlinux"),
                new Case(new String[] {core.toString(), other.toString()}, "two dump files given"),
                new Case(new String[] {image.toString()}, "no dump file given"),
                new Case(new String[] {}, "no dump file given"),
                new Case(new String[] {core.toString(), ko.toString()}, "kernel module"),
                new Case(new String[] {core.toString(), "-i", dir.resolve("none").toString()}, "no such file"),
                new Case(new String[] {core.toString(), "-m", text.toString()}, "not a directory or a .ko file"));
        for (Case c : cases) {
            Result r = run(c.args());
            assertEquals(2, r.status(), String.join(" ", c.args()) + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(c.expected()), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void unknownOptionIsAUsageError() throws IOException {
        Path core = elf("core", 4);
        Result r = run(core.toString(), "--no-such-option");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("Unknown option"), r.err());
    }

    @Test
    void infoSubcommandDescribesTheDump() throws IOException {
        Path core = dev.vmcore.dump.DumpFixtures.smallElfCore(dir);
        Result r = run("info", "--json", core.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode n = readJson(r.out().strip());
        assertEquals("info", n.get("command").asText());
        assertEquals("ELF", n.get("format").asText());
        assertEquals(2, n.get("cpus").asInt());
        Result text = run("info", core.toString());
        assertTrue(text.out().contains("release:        6.1.0-test"), text.out());
        assertEquals(2, run("info", dir.resolve("nothing").toString()).status());
    }

    @Test
    void versionAndHelpExitZero() {
        assertEquals(0, run("--version").status());
        Result help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("Usage: vmcore"));
    }

    @Test
    void subcommandsWithBadInputFailInOneLine() {
        Result r = run("symbolize", "oops.txt");
        assertEquals(2, r.status());
        assertEquals("vmcore symbolize: oops.txt: no such file", r.err().strip());
        r = run("analyze");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("Missing required parameter"), r.err());
        r = run("analyze", "no-such-dump");
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void redirectionRefusesToOverwriteAnInputFile() throws IOException {
        Path core = elf("core", 4);
        byte[] before = Files.readAllBytes(core);
        Result r = run(core.toString(), "-c", "help > " + core);
        assertEquals(1, r.status());
        assertTrue(r.err().contains("refusing to write to input file"), r.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(core));
    }

    private static JsonNode readJson(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
