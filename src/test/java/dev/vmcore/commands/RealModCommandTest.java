package dev.vmcore.commands;

import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.util.VmcoreException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mod, mod -s and mod -d on every case against crash 8.0.6's mod and mod -s outputs. */
class RealModCommandTest {
    @TestFactory
    Stream<DynamicTest> modEqualsCrash() {
        return TestDumps.cases().stream().flatMap(c -> Stream.of(false, true).map(withVmlinux -> DynamicTest.dynamicTest(
                c + (withVmlinux ? " with vmlinux" : " dump only"), () -> check(c, withVmlinux))));
    }

    private static void check(TestDumps.Case c, boolean withVmlinux) throws Exception {
        TestDumps.require(c);
        Path crash = c.dir().resolve("crash");
        Path ko = c.dir().resolve(c.module() + ".ko");
        Optional<Path> vmlinux = withVmlinux ? Optional.of(c.kernelDir().resolve("vmlinux")) : Optional.empty();
        try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), vmlinux, List.of()))) {
            CommandHarness h = new CommandHarness(s);
            assertEquals(Files.readString(crash.resolve("mod.txt")), h.text("mod"), c + ": mod");
            // crash's mod -s line names the file it loaded; ours names the same file.
            String modS = Files.readString(crash.resolve("mod-s.txt"));
            String crashKo = modS.lines().toList().get(1).replaceFirst("^(\\S+\\s+){4}", "").strip();
            String expected = modS.replace(crashKo, ko.toString());
            assertEquals(expected, h.text("mod -s " + c.module() + " " + ko), c + ": mod -s");
            String rip = Files.readString(crash.resolve("sym-rip.txt")).substring(0, 16);
            assertTrue(h.text("sym " + rip).strip().matches(".*\\[" + c.module() + "\\] \\S+\\.[ch]: \\d+"),
                    c + ": sym after mod -s has a source line");
            assertTrue(h.text("mod").contains(ko + " "), c + ": mod shows the loaded file");
            h.text("mod -d " + c.module());
            assertEquals(Files.readString(crash.resolve("mod.txt")), h.text("mod"), c + ": mod after mod -d");
            assertFalse(h.text("sym " + rip).strip().matches(".*: \\d+"), c + ": no source line after mod -d");
            VmcoreException e = assertThrows(VmcoreException.class, () -> h.text("mod -s no_such_module"));
            assertTrue(e.getMessage().startsWith("mod: no module named no_such_module"), e.getMessage());
            Path otherKernel = TestDumps.root().resolve("cases").resolve(c.kernel().equals("6.12") ? "6.1" : "6.12")
                    .resolve(c.name()).resolve(c.module() + ".ko");
            if (Files.isRegularFile(otherKernel)) {
                VmcoreException m = assertThrows(VmcoreException.class,
                        () -> h.text("mod -s " + c.module() + " " + otherKernel));
                assertTrue(m.getMessage().contains("does not match the loaded module"), m.getMessage());
            }
        }
    }
}
