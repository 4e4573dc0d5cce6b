package dev.vmcore.format.x86;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IntelFormatter} against {@code objdump -d -M intel --no-show-raw-insn -w}, over every
 * executable section of each test kernel's vmlinux and its vector and virtualisation modules (see
 * {@link ObjdumpComparison}): the lengths must agree for every instruction and the text for nearly
 * all. Skips without the kernel or objdump locally; fails under CI=true.
 */
class RealObjdumpIntelAgreementTest {
    /** Minimum share of instructions whose Intel text matches objdump's (reached: 100% on 6.1 and 6.12). */
    static final double MIN_TEXT_AGREEMENT = 99.999;

    private static final List<String> INTEL = List.of("-M", "intel");

    @ParameterizedTest
    @ValueSource(strings = {"6.1", "6.12"})
    void vmlinuxAgreesWithObjdumpIntel(String kernel) throws Exception {
        ObjdumpComparison.Stats s = ObjdumpComparison.vmlinux(kernel, INTEL, IntelFormatter::format);
        assertTrue(s.compared > 1_000_000, "too few instructions compared: " + s.compared);
        assertEquals(s.lengthCompared, s.lengthOk, "instruction lengths differing from objdump's");
        assertTrue(s.textPercent() >= MIN_TEXT_AGREEMENT, "Intel text agreement " + s.textPercent() + "%");
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.1", "6.12"})
    void vectorAndVirtualisationModulesAgreeWithObjdumpIntel(String kernel, @TempDir Path tmp) throws Exception {
        ObjdumpComparison.Stats s = ObjdumpComparison.vectorModules(kernel, tmp, INTEL, IntelFormatter::format);
        assertTrue(s.compared > 100_000, "too few instructions compared: " + s.compared);
        assertEquals(s.lengthCompared, s.lengthOk, "instruction lengths differing from objdump's");
        assertTrue(s.textPercent() >= MIN_TEXT_AGREEMENT, "Intel text agreement " + s.textPercent() + "%");
    }

    /** Random bytes as one stream (see RealObjdumpAgreementTest): odd encodings, prefix pile-ups. */
    @Test
    void randomBytesMostlyAgreeWithObjdumpIntel(@TempDir Path tmp) throws Exception {
        byte[] bytes = new byte[1 << 20];
        new Random(86).nextBytes(bytes);
        ObjdumpComparison.Stats s = ObjdumpComparison.binary(bytes, tmp, INTEL, IntelFormatter::format);
        assertTrue(s.compared > 300_000, "too few instructions compared: " + s.compared);
        assertTrue(s.lengthPercent() >= 99.98, "length agreement " + s.lengthPercent() + "%");
        assertTrue(s.textPercent() >= 99.95, "Intel text agreement " + s.textPercent() + "%");
    }
}
