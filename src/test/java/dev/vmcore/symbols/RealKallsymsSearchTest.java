package dev.vmcore.symbols;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On each real dump, the search finds the same kallsyms tables VMCOREINFO names (as if the kernel
 * were older than 6.0 and did not export them).
 */
class RealKallsymsSearchTest {
    @TestFactory
    Stream<DynamicTest> searchFindsWhatVmcoreinfoSays() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), Optional.empty(),
                    List.of()))) {
                KallsymsLocations expected = s.kallsymsLocations().orElseThrow();
                VmcoreInfo info = s.vmcoreInfo().orElseThrow();
                long t0 = System.nanoTime();
                KallsymsLocations found = KallsymsSearch.find(s.kernelMemory(), info.symbol("_stext").getAsLong(),
                        expected.bigSymbolLengths(), 128L << 20).orElseThrow(() -> new AssertionError(c + ": not found"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(expected.names(), found.names(), c + ": kallsyms_names");
                assertEquals(expected.numSyms(), found.numSyms(), c + ": kallsyms_num_syms");
                assertEquals(expected.tokenTable(), found.tokenTable(), c + ": kallsyms_token_table");
                assertEquals(expected.tokenIndex(), found.tokenIndex(), c + ": kallsyms_token_index");
                assertEquals(KallsymsReader.read(s.kernelMemory(), expected).size(),
                        KallsymsReader.read(s.kernelMemory(), found).size(), c + ": symbols decoded");
                System.out.println(c + ": kallsyms search " + ms + " ms");
            }
        }));
    }
}
