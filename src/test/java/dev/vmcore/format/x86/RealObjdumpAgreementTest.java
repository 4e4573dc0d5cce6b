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
 * Every instruction of every executable section of each test kernel's vmlinux (and of its vector
 * and virtualisation modules), decoded here and by {@code objdump -d --no-show-raw-insn -w}
 * (see {@link ObjdumpComparison}): the lengths must agree for all of them and the AT&amp;T text
 * for nearly all. Skips without the kernel or objdump locally; fails under CI=true.
 */
class RealObjdumpAgreementTest {
    /** Minimum share of instructions whose text matches objdump's (reached: 100% on 6.1 and 6.12). */
    static final double MIN_TEXT_AGREEMENT = 99.999;

    @ParameterizedTest
    @ValueSource(strings = {"6.1", "6.12"})
    void lengthsAndTextAgreeWithObjdump(String kernel) throws Exception {
        ObjdumpComparison.Stats s = ObjdumpComparison.vmlinux(kernel, List.of(), AttFormatter::format);
        assertTrue(s.compared > 1_000_000, "too few instructions compared: " + s.compared);
        assertEquals(s.lengthCompared, s.lengthOk, "instruction lengths differing from objdump's");
        assertTrue(s.textPercent() >= MIN_TEXT_AGREEMENT, "text agreement " + s.textPercent() + "%");
    }

    /** The vector, raid6 and KVM modules (see {@link ObjdumpComparison#vectorModules}). */
    @ParameterizedTest
    @ValueSource(strings = {"6.1", "6.12"})
    void vectorAndVirtualisationModulesAgreeWithObjdump(String kernel, @TempDir Path tmp) throws Exception {
        ObjdumpComparison.Stats s = ObjdumpComparison.vectorModules(kernel, tmp, List.of(), AttFormatter::format);
        assertTrue(s.compared > 100_000, "too few instructions compared: " + s.compared);
        assertEquals(s.lengthCompared, s.lengthOk, "instruction lengths differing from objdump's");
        assertTrue(s.textPercent() >= MIN_TEXT_AGREEMENT, "text agreement " + s.textPercent() + "%");
    }

    /**
     * Random bytes, decoded by both as one stream: mostly invalid or odd encodings (prefix pile-ups,
     * REX before prefixes, 16-bit branches, MPX, EVEX rounding), where objdump has its own habits.
     * Not kernel code, so the bar is lower; it guards the prefix and length logic.
     */
    @Test
    void randomBytesMostlyAgreeWithObjdump(@TempDir Path tmp) throws Exception {
        byte[] bytes = new byte[1 << 20];
        new Random(86).nextBytes(bytes);
        ObjdumpComparison.Stats s = ObjdumpComparison.binary(bytes, tmp, List.of(), AttFormatter::format);
        assertTrue(s.compared > 300_000, "too few instructions compared: " + s.compared);
        assertTrue(s.lengthPercent() >= 99.98, "length agreement " + s.lengthPercent() + "%");
        assertTrue(s.textPercent() >= 99.95, "text agreement " + s.textPercent() + "%");
    }
}
