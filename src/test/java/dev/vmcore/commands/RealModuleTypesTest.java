package dev.vmcore.commands;

import dev.vmcore.program.ModuleDebugInfo;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crashing module's own types, on every case: from its BTF in the dump (6.12 keeps module BTF;
 * the 6.1 test modules were built without), and from its .ko's DWARF found in a module directory
 * (-m), relocated to where the module sits. The module's struct instance must print as crash
 * printed it after `mod -s` (crash/struct.txt), and the sources must be the ones said.
 */
class RealModuleTypesTest {
    @TestFactory
    Stream<DynamicTest> moduleStructEqualsCrash() {
        return TestDumps.cases().stream().flatMap(c -> Stream.of(false, true).map(withKo -> DynamicTest.dynamicTest(
                c + (withKo ? " with vmlinux and -m" : " dump only"), () -> check(c, withKo))));
    }

    private static void check(TestDumps.Case c, boolean withKo) throws Exception {
        TestDumps.require(c);
        String record = Files.readAllLines(c.dir().resolve("crash/commands.tsv")).stream()
                .filter(l -> l.startsWith("struct\t")).findFirst().orElseThrow().split("\t")[1];
        String expected = Files.readString(c.dir().resolve("crash/struct.txt"));
        String whatis = Files.readString(c.dir().resolve("crash/whatis-oops_record.txt"));
        Optional<Path> vmlinux = withKo ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty();
        List<Path> dirs = withKo ? List.of(c.dir()) : List.of();
        try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), vmlinux, dirs))) {
            CommandHarness h = new CommandHarness(s);
            ModuleDebugInfo m = s.moduleDebugInfo().stream().filter(d -> d.module().name().equals(c.module()))
                    .findFirst().orElseThrow();
            boolean moduleBtf = c.kernel().equals("6.12");
            assertEquals(moduleBtf, m.btf().isPresent(), c + ": module BTF in the dump");
            assertEquals(withKo, m.dwarf().isPresent(), c + ": module DWARF from the .ko " + s.warnings());
            if (withKo) {
                assertEquals(c.dir().resolve(c.module() + ".ko"), m.dwarf().get().file());
                assertTrue(s.typeSourceDescriptions().stream().anyMatch(d -> d.startsWith("DWARF of module " + c.module())),
                        s.typeSourceDescriptions().toString());
            }
            if (moduleBtf || withKo) {
                assertEquals(expected, h.text(record), c + ": " + record);
                assertEquals(whatis, h.text("whatis struct oops_record"), c + ": whatis");
            } else {
                var e = org.junit.jupiter.api.Assertions.assertThrows(dev.vmcore.util.VmcoreException.class,
                        () -> h.text(record));
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                assertTrue(e.getMessage().contains("oops_record"), e.getMessage());
            }
            assertEquals(List.of(), s.warnings().stream().filter(w -> w.contains(c.module())).toList(), c + ": warnings");
        }
    }
}
