package dev.vmcore.cli;

import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `vmcore analyze DUMP` and `vmcore DUMP -c analyze` on a real dump give the same verdict. */
class RealAnalyzeCliTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void analyzeSubcommandAndShellCommandAgree() {
        TestDumps.Case c = TestDumps.cases().stream().filter(x -> x.toString().equals("6.1/uaf")).findFirst().orElseThrow();
        TestDumps.require(c);
        String dump = c.dir().resolve("vmcore.d31.zlib").toString();
        CliRun sub = run("analyze", dump);
        assertEquals(0, sub.status(), sub.err());
        assertTrue(sub.out().startsWith("VERDICT:  use-after-free\n"), sub.out());
        CliRun shell = run(dump, "-c", "analyze");
        assertEquals(0, shell.status(), shell.err());
        assertEquals(sub.out(), shell.out());
        CliRun json = run("analyze", "--json", dump);
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("\"kind\":\"USE_AFTER_FREE\""), json.out());
    }
}
