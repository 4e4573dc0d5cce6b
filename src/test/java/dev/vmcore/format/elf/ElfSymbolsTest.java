package dev.vmcore.format.elf;

import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import net.fornwall.jelf.ElfFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ElfSymbols on the real .ko and vmlinux files of the test dumps, checked against {@code nm} and jelf. */
class ElfSymbolsTest {
    private static Path ko() {
        Path p = TestDumps.root().resolve("cases/6.1/uaf/oops_uaf.ko");
        Assumptions.assumeTrue(Files.isRegularFile(p), "no " + p + " (scripts/make-testdumps)");
        return p;
    }

    private static Path vmlinux() {
        Path p = TestDumps.root().resolve("kernels/6.1/vmlinux");
        Assumptions.assumeTrue(Files.isRegularFile(p), "no " + p + " (scripts/make-testdumps)");
        return p;
    }

    /** {@code nm FILE} as "letter name value" lines (no value for undefined symbols), sorted. */
    private static List<String> nm(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("nm", file.toString()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Assumptions.abort("nm is not installed");
            throw e;
        }
        List<String> out = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                out.add(f[1] + " " + f[2] + " " + Long.toUnsignedString(Long.parseUnsignedLong(f[0], 16)));
            } else if (f.length == 2) {
                out.add(f[0] + " " + f[1]);
            }
        }
        assertEquals(0, p.waitFor());
        Collections.sort(out);
        return out;
    }

    private static List<String> ours(ElfSymbols elf) {
        List<String> out = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.isDebugging()) {
                continue;
            }
            out.add(s.nmType() + " " + s.name() + (s.isDefined() ? " " + Long.toUnsignedString(s.value()) : ""));
        }
        Collections.sort(out);
        return out;
    }

    /** Like assertEquals on the lists, but reports only the first differences (the lists are long). */
    private static void assertSameLines(List<String> expected, List<String> actual) {
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(new java.util.HashSet<>(actual));
        List<String> extra = new ArrayList<>(actual);
        extra.removeAll(new java.util.HashSet<>(expected));
        assertTrue(missing.isEmpty() && extra.isEmpty(), "nm only: " + missing.size() + " "
                + missing.stream().limit(20).toList() + "; ours only: " + extra.size() + " "
                + extra.stream().limit(20).toList());
        assertEquals(expected, actual);
    }

    @Test
    void moduleSymbolsMatchNm() throws Exception {
        try (ElfSymbols elf = ElfSymbols.open(ko())) {
            List<String> expected = nm(ko());
            assertTrue(expected.size() > 10);
            assertSameLines(expected, ours(elf));
            assertTrue(elf.buildId().orElseThrow().matches("[0-9a-f]{40}"));
            ElfSymbol init = elf.symbols().stream().filter(s -> s.name().equals("oops_uaf_init")).findFirst()
                    .orElseThrow();
            assertEquals(ElfSymbol.STT_FUNC, init.type());
            assertTrue(init.size() > 0);
            assertTrue(init.sectionName().startsWith(".init.text"), init.sectionName());
        }
    }

    @Test
    void moduleSymbolsMatchJelf() throws Exception {
        ElfFile jelf = ElfFile.from(ko());
        net.fornwall.jelf.ElfSymbol[] theirs = jelf.getSymbolTableSection().symbols;
        try (ElfSymbols elf = ElfSymbols.open(ko())) {
            List<ElfSymbol> ours = elf.symbols();
            assertEquals(theirs.length - 1, ours.size());
            for (int i = 0; i < ours.size(); i++) {
                net.fornwall.jelf.ElfSymbol t = theirs[i + 1];
                ElfSymbol o = ours.get(i);
                String name = t.getName() == null ? "" : t.getName();
                assertEquals(name, o.name());
                assertEquals(t.st_value, o.value(), name);
                assertEquals(t.st_size, o.size(), name);
                assertEquals(t.getType(), o.type(), name);
                assertEquals(t.getBinding(), o.binding(), name);
                assertEquals(t.st_shndx & 0xffff, o.sectionIndex(), name);
            }
            assertEquals(jelf.e_shnum, elf.sections().size());
            for (ElfSection s : elf.sections()) {
                String name = jelf.getSection(s.index()).header.getName();
                assertEquals(name == null ? "" : name, s.name());
            }
        }
    }

    @Test
    void vmlinuxSymbolsMatchNmAndLoadFast() throws Exception {
        Path v = vmlinux();
        long t0 = System.nanoTime();
        try (ElfSymbols elf = ElfSymbols.open(v)) {
            long opened = System.nanoTime();
            List<ElfSymbol> syms = elf.symbols();
            long read = System.nanoTime();
            System.out.printf("vmlinux: open %d ms, %d symbols in %d ms%n", (opened - t0) / 1_000_000, syms.size(),
                    (read - opened) / 1_000_000);
            List<String> expected = nm(v);
            List<String> actual = ours(elf);
            assertSameLines(expected, actual);
            Map<String, ElfSymbol> byName = new HashMap<>();
            syms.forEach(s -> byName.putIfAbsent(s.name(), s));
            assertEquals(0xffffffff81000000L, byName.get("_stext").value());
            assertEquals('T', byName.get("_stext").nmType());
            assertEquals('D', byName.get("linux_banner").nmType());
            assertEquals(".data..percpu", byName.get("runqueues").sectionName());
            String banner = elf.linuxBanner().orElseThrow();
            assertTrue(banner.startsWith("Linux version 6.1.0-"), banner);
            assertTrue(banner.endsWith("\n"), banner);
            assertEquals(bc6a64BuildId(), elf.buildId().orElseThrow());
        }
    }

    /** An uncompressed section is a read-only mapped slice of the file, with the bytes sectionData reads. */
    @Test
    void vmlinuxSectionsAreMapped() throws Exception {
        try (ElfSymbols elf = ElfSymbols.open(vmlinux())) {
            ElfSection s = elf.section(".debug_str").orElseThrow();
            ByteBuffer b = elf.sectionBuffer(".debug_str").orElseThrow();
            assertTrue(b.isDirect(), "mapped, not copied into the heap");
            assertTrue(b.isReadOnly());
            assertThrows(ReadOnlyBufferException.class, () -> b.put(0, (byte) 1));
            assertEquals(s.size(), b.remaining());
            assertEquals(ByteBuffer.wrap(elf.sectionData(".debug_str").orElseThrow()), b);
            ByteBuffer info = elf.sectionBuffer(".debug_info").orElseThrow();
            assertTrue(info.isDirect());
            assertEquals(elf.section(".debug_info").orElseThrow().size(), info.capacity());
            assertTrue(elf.sectionBuffer(".no_such_section").isEmpty());
        }
    }

    /** A module's relocated sections are built in the heap, as sectionData builds them; the others are mapped. */
    @Test
    void moduleRelocatedSectionsAreInTheHeap() throws Exception {
        try (ElfSymbols elf = ElfSymbols.open(ko())) {
            java.util.function.ToLongFunction<ElfSection> at = sec -> sec.isAlloc() ? 0x100000L * sec.index() : 0;
            ByteBuffer info = elf.sectionBuffer(".debug_info", at).orElseThrow();
            assertFalse(info.isDirect(), ".rela.debug_info applies to it");
            assertTrue(info.isReadOnly());
            assertEquals(ByteBuffer.wrap(elf.sectionData(".debug_info", at).orElseThrow()), info);
            ByteBuffer str = elf.sectionBuffer(".debug_str", at).orElseThrow();
            assertTrue(str.isDirect(), "no relocations: mapped");
            assertEquals(ByteBuffer.wrap(elf.sectionData(".debug_str").orElseThrow()), str);
        }
        ElfSymbols fromArray = ElfSymbols.read(ByteSource.of("ko", Files.readAllBytes(ko())));
        assertFalse(fromArray.sectionBuffer(".debug_str").orElseThrow().isDirect(), "not a file: read");
    }

    /** The build id the 6.1 dumps' VMCOREINFO records (facts.json "buildId"). */
    private static String bc6a64BuildId() throws IOException {
        Path facts = TestDumps.root().resolve("cases/6.1/uaf/facts.json");
        Assumptions.assumeTrue(Files.isRegularFile(facts));
        String json = Files.readString(facts);
        int at = json.indexOf("\"buildId\"");
        Assumptions.assumeTrue(at >= 0, "facts.json has no buildId");
        int q = json.indexOf('"', json.indexOf(':', at));
        return json.substring(q + 1, json.indexOf('"', q + 1));
    }

    /** Seeded corruptions of the .ko's headers and tables: each read succeeds or fails with a FormatException. */
    @Test
    void corruptModulesFailCleanly() throws Exception {
        byte[] good = Files.readAllBytes(ko());
        ElfHeader h = ElfHeader.read(ByteSource.of("ko", good));
        List<ElfSection> sections;
        try (ElfSymbols elf = ElfSymbols.read(ByteSource.of("ko", good))) {
            sections = elf.sections();
        }
        ElfSection symtab = sections.stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst().orElseThrow();
        // where the interesting bytes are: the file header, section headers, symtab
        long[][] regions = {{0, 64}, {h.shoff(), (long) sections.size() * 64}, {symtab.offset(), symtab.size()}};
        Random r = new Random(7);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3000; i++) {
                byte[] b = good.clone();
                int n = 1 + r.nextInt(4);
                for (int k = 0; k < n; k++) {
                    long[] reg = regions[r.nextInt(regions.length)];
                    int at = (int) (reg[0] + r.nextInt((int) reg[1]));
                    b[at] = r.nextInt(3) == 0 ? (byte) 0xff : (byte) r.nextInt(256);
                }
                try (ElfSymbols elf = ElfSymbols.read(ByteSource.of("mutant " + i, b))) {
                    elf.symbols();
                    elf.buildId();
                    elf.linuxBanner();
                    outcomes[0]++;
                } catch (FormatException e) {
                    outcomes[1]++;
                }
            }
        });
        System.out.printf("ko mutations: %d read, %d FormatException%n", outcomes[0], outcomes[1]);
        assertTrue(outcomes[1] > 0);
    }
}
