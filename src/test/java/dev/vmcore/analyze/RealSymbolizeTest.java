package dev.vmcore.analyze;

import dev.vmcore.testdumps.Tools;
import dev.vmcore.format.dwarf.Frame;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every frame of every test case's console log (RIP and Call Trace entries, {@code ?} ones too)
 * symbolized, against {@code addr2line -i -f} run here on the same vmlinux or .ko, with the
 * address computed independently from {@code readelf -s}: symbol + offset, and for a .ko the
 * section-relative offset given to {@code addr2line -j SECTION}.
 */
class RealSymbolizeTest {
    /** Frames compared over all cases, and how many agreed (printed at the end of each case). */
    private static int compared;
    private static int agreed;

    @TestFactory
    Stream<DynamicTest> everyFrameOfEveryConsoleLogMatchesAddr2line() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private void check(TestDumps.Case c) throws Exception {
        TestDumps.require(c);
        Assumptions.assumeTrue(Tools.onPath("addr2line") && Tools.onPath("readelf"), "binutils missing");
        Path vmlinux = c.kernelDir().resolve("vmlinux");
        Path ko = c.dir().resolve(c.module() + ".ko");
        List<String> text = Files.readAllLines(c.dir().resolve("console.log"), StandardCharsets.ISO_8859_1);
        List<OopsLine> lines = OopsText.parse(text);
        Map<Path, ElfFacts> facts = new HashMap<>();
        int frames = 0;
        int ok = 0;
        StringBuilder report = new StringBuilder();
        StringBuilder unresolved = new StringBuilder();
        try (OopsSymbolizer sym = OopsSymbolizer.open(Optional.of(vmlinux), List.of(c.dir()), List.of())) {
            List<Pending> pending = new ArrayList<>();
            for (OopsLine l : lines) {
                if (l.frame().isEmpty() || l.kind() == OopsLine.Kind.TEXT) {
                    continue;
                }
                OopsLine.FrameRef f = l.frame().get();
                Path file = f.module().isPresent() ? ko : vmlinux;
                assertEquals(Optional.of(c.module()).filter(m -> f.module().isPresent()), f.module(), l.text());
                ElfFacts e = facts.computeIfAbsent(file, ElfFacts::read);
                ElfFacts.Sym s = e.pick(f.function(), f.length());
                assertTrue(s != null, "no symbol " + f.function() + " in " + file);
                pending.add(new Pending(l, sym.resolve(f), file, s.section(), s.value() + f.offset()));
            }
            Map<Pending, List<String>> expected = addr2line(pending, facts);
            for (Pending p : pending) {
                frames++;
                List<String> ours = new ArrayList<>();
                for (Frame fr : p.resolution().chain()) {
                    ours.add(fr.function());
                    ours.add(fr.file() + ":" + (fr.line() == 0 ? "?" : fr.line()));
                }
                List<String> theirs = expected.get(p);
                if (ours.isEmpty()) {
                    ours = List.of("??", "??:?"); // unresolved, as addr2line says it
                }
                if (theirs.equals(ours)) {
                    ok++;
                } else {
                    report.append(String.format("line %d: %s%n  addr2line %s%n  ours      %s  %s%n", p.line().number(),
                            p.line().body().strip(), theirs, ours, p.resolution().note().orElse("")));
                }
                List<String> written = sym.annotate(p.line(), p.resolution());
                assertEquals(Math.max(1, p.resolution().chain().size()), written.size());
                if (!p.resolution().resolved()) {
                    unresolved.append(String.format("  unresolved (addr2line: %s): %s: %s%n", theirs,
                            p.line().body().strip(), p.resolution().note().orElse("")));
                }
                assertTrue(written.get(0).startsWith(p.line().text().substring(0, p.line().frame().get().end())));
            }
            assertEquals(text, lines.stream().map(OopsLine::text).toList());
        }
        synchronized (RealSymbolizeTest.class) {
            compared += frames;
            agreed += ok;
            System.out.printf("symbolize %s: %d frames, %d equal addr2line -i -f (all cases so far: %d of %d)%n%s",
                    c, frames, ok, agreed, compared, report.append(unresolved));
        }
        assertTrue(frames >= 5, "frames found in " + c);
        assertEquals(frames, ok, report.toString());
    }

    /** A module printed with its build id is matched by it; one found only under the system trees is found there. */
    @org.junit.jupiter.api.Test
    void modulesByBuildIdAndFromTheSystemTrees(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        TestDumps.Case c = new TestDumps.Case("6.12", "uaf", "oops_uaf");
        TestDumps.require(c);
        Path ko = c.dir().resolve("oops_uaf.ko");
        String id;
        try (dev.vmcore.format.elf.ElfSymbols elf = dev.vmcore.format.elf.ElfSymbols.open(ko)) {
            id = elf.buildId().orElseThrow();
        }
        String wrong = id.replace(id.charAt(0), id.charAt(0) == '0' ? '1' : '0');
        List<OopsLine> lines = OopsText.parse(List.of(
                "[   15.109271]  oops_uaf_run+0x77/0xa0 [oops_uaf " + id + "]",
                "[   15.109271]  oops_uaf_run+0x77/0xa0 [oops_uaf " + wrong + "]",
                "[   15.109271]  oops_uaf_run+0x77/0xa0 [oops-uaf]"));
        // -m gives the file; the system trees are a temporary /lib/modules with the .ko under a kernel's tree.
        Path tree = Files.createDirectories(tmp.resolve("lib/modules/6.12.0-test/extra"));
        Files.createSymbolicLink(tree.resolve("oops-uaf.ko"), ko);
        try (OopsSymbolizer sym = OopsSymbolizer.open(Optional.empty(), List.of(), List.of(tmp.resolve("lib/modules")))) {
            FrameResolution byId = sym.resolve(lines.get(0).frame().orElseThrow());
            assertTrue(byId.resolved(), byId.toString());
            assertTrue(byId.chain().get(0).file().endsWith("oops_uaf.c"), byId.toString());
            assertEquals(55, byId.chain().get(0).line());
            FrameResolution other = sym.resolve(lines.get(1).frame().orElseThrow());
            assertFalse(other.resolved());
            assertTrue(other.note().orElseThrow().contains("build id " + id + ", not " + wrong), other.toString());
            FrameResolution dash = sym.resolve(lines.get(2).frame().orElseThrow());
            assertTrue(dash.resolved(), dash.toString());
            assertEquals(byId.chain(), dash.chain());
        }
        try (OopsSymbolizer sym = OopsSymbolizer.open(Optional.empty(), List.of(tmp.resolve("empty")), List.of())) {
            FrameResolution none = sym.resolve(lines.get(2).frame().orElseThrow());
            assertFalse(none.resolved());
            assertTrue(none.note().orElseThrow().startsWith("module oops-uaf: no oops-uaf.ko found"), none.toString());
            assertEquals(sym.annotate(lines.get(2), none), List.of(lines.get(2).text()));
        }
    }

    /** A damaged .ko gives a note on the frame, never an exception. */
    @org.junit.jupiter.api.Test
    void damagedModuleFilesGiveNotes(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        TestDumps.Case c = new TestDumps.Case("6.1", "uaf", "oops_uaf");
        TestDumps.require(c);
        byte[] good = Files.readAllBytes(c.dir().resolve("oops_uaf.ko"));
        List<OopsLine> lines = OopsText.parse(List.of(" oops_uaf_run+0x73/0x8d [oops_uaf]", " ? oops_uaf_use+0x9/0x20 [oops_uaf]"));
        java.util.Random rnd = new java.util.Random(3);
        for (int round = 0; round < 40; round++) {
            byte[] bad = good.clone();
            if (round == 0) {
                bad = java.util.Arrays.copyOf(good, good.length / 2);
            } else {
                int at = rnd.nextInt(bad.length);
                for (int k = 0; k < 1 + rnd.nextInt(4096) && at + k < bad.length; k++) {
                    bad[at + k] = (byte) rnd.nextInt(256);
                }
            }
            Path dir = Files.createDirectories(tmp.resolve("r" + round));
            Files.write(dir.resolve("oops_uaf.ko"), bad);
            try (OopsSymbolizer sym = OopsSymbolizer.open(Optional.empty(), List.of(dir), List.of())) {
                for (OopsLine l : lines) {
                    FrameResolution r = sym.resolve(l.frame().orElseThrow());
                    assertTrue(r.resolved() || r.note().isPresent(), r.toString());
                    assertFalse(sym.annotate(List.of(l)).isEmpty());
                }
            }
        }
    }

    private record Pending(OopsLine line, FrameResolution resolution, Path file, String section, long offset) {
    }

    /** addr2line -i -f, one run per file (and section, for a .ko); lines in pairs function, file:line. */
    private static Map<Pending, List<String>> addr2line(List<Pending> pending, Map<Path, ElfFacts> facts) throws Exception {
        Map<String, List<Pending>> groups = new LinkedHashMap<>();
        for (Pending p : pending) {
            boolean rel = facts.get(p.file()).relocatable;
            groups.computeIfAbsent(p.file() + "\0" + (rel ? p.section() : ""), k -> new ArrayList<>()).add(p);
        }
        Map<Pending, List<String>> out = new HashMap<>();
        for (List<Pending> g : groups.values()) {
            Pending first = g.get(0);
            List<String> cmd = new ArrayList<>(List.of("addr2line", "-a", "-i", "-f", "-e", first.file().toString()));
            if (facts.get(first.file()).relocatable) {
                cmd.add("-j");
                cmd.add(first.section());
            }
            g.forEach(p -> cmd.add("0x" + Long.toHexString(p.offset())));
            List<String> cur = null;
            int k = 0;
            for (String line : Tools.lines(cmd)) {
                if (line.startsWith("0x") && !line.contains(":")) {
                    cur = new ArrayList<>();
                    out.put(g.get(k++), cur);
                } else if (cur != null) {
                    cur.add(cur.size() % 2 == 1 ? normalize(line) : line);
                }
            }
            assertEquals(g.size(), k, "addr2line answered every address");
        }
        return out;
    }

    private static String normalize(String location) {
        int k = location.indexOf(" (discriminator");
        String l = k >= 0 ? location.substring(0, k) : location;
        return l.endsWith(":0") ? l.substring(0, l.length() - 1) + "?" : l;
    }

    /** Text symbols and section names of one file, from readelf. */
    private static final class ElfFacts {
        record Sym(String name, long value, long size, String section) {
        }

        final boolean relocatable;
        final Map<String, List<Sym>> byName = new HashMap<>();

        private ElfFacts(boolean relocatable) {
            this.relocatable = relocatable;
        }

        static ElfFacts read(Path file) {
            try {
                List<String> header = Tools.lines(List.of("readelf", "-hW", file.toString()));
                boolean rel = header.stream().anyMatch(l -> l.contains("REL (Relocatable file)"));
                Map<String, String> sectionNames = new HashMap<>();
                Map<String, Boolean> exec = new HashMap<>();
                for (String l : Tools.lines(List.of("readelf", "-SW", file.toString()))) {
                    int a = l.indexOf('[');
                    int b = l.indexOf(']');
                    if (a < 0 || b < a || !l.substring(a + 1, b).trim().matches("\\d+")) {
                        continue;
                    }
                    String[] f = l.substring(b + 1).trim().split("\\s+");
                    String idx = l.substring(a + 1, b).trim();
                    sectionNames.put(idx, f[0]);
                    exec.put(idx, f.length > 7 && f[6].contains("X"));
                }
                ElfFacts e = new ElfFacts(rel);
                for (String l : Tools.lines(List.of("readelf", "-sW", file.toString()))) {
                    String[] f = l.trim().split("\\s+");
                    if (f.length < 8 || !f[0].endsWith(":") || !(f[3].equals("FUNC") || f[3].equals("NOTYPE"))
                            || !Boolean.TRUE.equals(exec.get(f[6]))) {
                        continue;
                    }
                    long size = f[2].startsWith("0x") ? Long.parseLong(f[2].substring(2), 16) : Long.parseLong(f[2]);
                    e.byName.computeIfAbsent(f[7], k -> new ArrayList<>())
                            .add(new Sym(f[7], Long.parseUnsignedLong(f[1], 16), size, sectionNames.get(f[6])));
                }
                e.byName.values().forEach(v -> v.sort(Comparator.comparingLong(Sym::value)));
                return e;
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        }

        /** The symbol of that name and size, else the lowest of that name (decode_stacktrace.sh takes nm's first). */
        Sym pick(String name, long size) {
            List<Sym> all = byName.get(name);
            if (all == null) {
                return null;
            }
            return all.stream().filter(s -> s.size() == size).findFirst().orElse(all.get(0));
        }
    }


}
