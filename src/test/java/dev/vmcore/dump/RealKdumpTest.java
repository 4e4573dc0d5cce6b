package dev.vmcore.dump;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PageState;
import dev.vmcore.memory.PhysicalMemory;
import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FileByteSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every dump of a generated case (testdumps/LAYOUT.md) against the raw QEMU ELF dump of the same
 * crash: sampled present pages are byte-identical at the same physical address, excluded pages
 * fault as Excluded. Skips when the case is not generated here.
 */
class RealKdumpTest {
    private static final int SAMPLES = 2000;
    private static final List<String> COMPARED = List.of("vmcore.d31.zlib", "vmcore.d31.lzo", "vmcore.d31.zstd",
            "vmcore.d31.flat", "vmcore.kdump-zlib", "vmcore.d31.elf");

    static List<TestDumps.Case> cases() {
        return TestDumps.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyFormatMatchesTheElfDump(TestDumps.Case c) {
        TestDumps.require(c);
        int compared = 0;
        try (DumpFile elf = DumpOpener.open(List.of(c.dir().resolve("vmcore.elf")))) {
            for (String name : COMPARED) {
                Path p = c.dir().resolve(name);
                if (!Files.isRegularFile(p)) {
                    continue; // e.g. no zstd: Debian's makedumpfile is built without it
                }
                try (DumpFile d = DumpOpener.open(List.of(p))) {
                    compare(c + "/" + name, elf.memory(), d, SAMPLES, new Random(name.hashCode()));
                    compared++;
                }
            }
        }
        assertTrue(compared >= 4, "only " + compared + " dumps compared for " + c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kdumpHeadersSayWhatWroteThem(TestDumps.Case c) {
        TestDumps.require(c);
        try (DumpFile d = DumpOpener.open(List.of(c.dir().resolve("vmcore.d31.zlib")))) {
            assertEquals(31, d.dumpLevel());
            assertEquals("kdump-compressed (zlib)", d.format().describe());
            assertTrue(d.vmcoreInfo().orElseThrow().contains("OSRELEASE="));
            assertTrue(d.cpuNotes().size() >= 1);
            DumpFile.PageCounts n = d.pageCounts();
            assertTrue(n.excluded() > 0 && n.present() + n.zero() + n.excluded() <= n.total(), n.toString());
        }
        // QEMU 7.2's kdump-zlib: flattened, header_version 6, only utsname.machine set, no timestamp,
        // dump_level 1 (crash's "[PARTIAL DUMP]") although nothing is excluded, both bitmaps equal.
        try (DumpFile d = DumpOpener.open(List.of(c.dir().resolve("vmcore.kdump-zlib")))) {
            assertEquals("kdump-compressed (zlib), flattened", d.format().describe());
            assertEquals(1, d.dumpLevel());
            assertEquals(0, d.pageCounts().excluded());
            assertTrue(d.pageCounts().zero() > 0);
            assertEquals("6", value(d, "header_version"));
            assertEquals("", value(d, "utsname.release"));
            assertEquals("x86_64", value(d, "utsname.machine"));
        }
    }

    /** makedumpfile -F -c and makedumpfile -c of the same dump: the flattened one read in place is the other. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void flattenedFileReadInPlaceIsThePlainFile(TestDumps.Case c) {
        TestDumps.require(c);
        try (FlattenedSource f = FlattenedSource.index(FileByteSource.open(c.dir().resolve("vmcore.d31.flat")));
             ByteSource plain = FileByteSource.open(c.dir().resolve("vmcore.d31.zlib"))) {
            assertEquals(plain.size(), f.size());
            assertEquals(List.of(), f.warnings());
            byte[] a = new byte[1 << 20];
            byte[] b = new byte[1 << 20];
            for (long pos = 0; pos < plain.size(); pos += a.length) {
                int n = (int) Math.min(a.length, plain.size() - pos);
                plain.readFully(pos, a, 0, n);
                f.readFully(pos, b, 0, n);
                assertArrayEquals(a, b, c + ": bytes at 0x" + Long.toHexString(pos));
            }
        }
    }

    @Test
    void demoDumpMatchesItsCaseInEveryPage() {
        Path demo = TestDumps.repo().resolve("testdumps/demo/vmcore");
        TestDumps.Case uaf = TestDumps.cases().stream().filter(k -> k.toString().equals("6.1/uaf")).findFirst()
                .orElseThrow();
        Assumptions.assumeTrue(Files.isRegularFile(demo), "no demo dump in the repo yet");
        TestDumps.require(uaf);
        // The demo was copied from one run of the case; a regenerated case (new boot, new KASLR
        // offset) holds other bytes, so compare only against the run the demo came from.
        Assumptions.assumeTrue(sameBoot(demo.resolveSibling("facts.json"), uaf.dir().resolve("facts.json")),
                "the cached 6.1/uaf case is from another boot than the demo dump");
        try (DumpFile elf = DumpOpener.open(List.of(uaf.dir().resolve("vmcore.elf")));
             DumpFile d = DumpOpener.open(List.of(demo))) {
            compare("demo", elf.memory(), d, Integer.MAX_VALUE, new Random(1));
        }
    }

    private static boolean sameBoot(Path factsA, Path factsB) {
        try {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            return mapper.readTree(factsA.toFile()).get("kaslrOffset").equals(mapper.readTree(factsB.toFile()).get("kaslrOffset"))
                    && mapper.readTree(factsA.toFile()).get("rip").equals(mapper.readTree(factsB.toFile()).get("rip"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String value(DumpFile d, String field) {
        return d.header().stream().filter(f -> f.name().equals(field)).findFirst().orElseThrow().value();
    }

    /** Compares up to {@code samples} present pages of {@code d} and some zero and excluded ones. */
    private static void compare(String what, PhysicalMemory ref, DumpFile d, int samples, Random rnd) {
        PhysicalMemory m = d.memory();
        int ps = m.pageSize();
        List<Long> present = new ArrayList<>();
        List<Long> zero = new ArrayList<>();
        List<Long> excluded = new ArrayList<>();
        long max = Math.min(m.maxPfn(), ref.maxPfn());
        for (long pfn = 0; pfn < max; pfn++) {
            switch (m.state(pfn)) {
                case PRESENT -> present.add(pfn);
                case ZERO -> zero.add(pfn);
                case EXCLUDED -> excluded.add(pfn);
                default -> {
                }
            }
        }
        assertTrue(present.size() > 1000, what + ": only " + present.size() + " present pages");
        Collections.shuffle(present, rnd);
        Collections.shuffle(zero, rnd);
        Collections.shuffle(excluded, rnd);
        byte[] a = new byte[ps];
        byte[] b = new byte[ps];
        for (long pfn : present.subList(0, Math.min(samples, present.size()))) {
            ref.read(pfn * ps, a, 0, ps);
            m.read(pfn * ps, b, 0, ps);
            assertArrayEquals(a, b, what + ": pfn 0x" + Long.toHexString(pfn));
        }
        // makedumpfile -E stores excluded pages as p_filesz < p_memsz: "zero" there means "not written"
        boolean kdump = d.format().container() != DumpFormat.Container.ELF;
        for (long pfn : kdump ? zero.subList(0, Math.min(Math.min(samples, 500), zero.size())) : List.<Long>of()) {
            assertEquals(PageState.ZERO, m.state(pfn));
            ref.read(pfn * ps, a, 0, ps);
            m.read(pfn * ps, b, 0, ps);
            assertArrayEquals(a, b, what + ": zero pfn 0x" + Long.toHexString(pfn));
        }
        for (long pfn : excluded.subList(0, Math.min(200, excluded.size()))) {
            assertThrows(MemoryFault.Excluded.class, () -> m.read(pfn * ps, b, 0, 8), what);
        }
        assertTrue(d.warnings().stream().noneMatch(w -> w.contains("cut short")), d.warnings().toString());
    }
}
