package dev.vmcore.format.x86;

import org.junit.jupiter.api.DynamicTest;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Table-driven decoder tests: lines of {@code ADDRESS|HEX BYTES|EXPECTED TEXT}, one test each. */
final class EncodingCases {
    private EncodingCases() {
    }

    /** A test per line: the bytes decode to one instruction of their length, formatted as expected. */
    static List<DynamicTest> of(String cases, Function<Instruction, String> format) {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : cases.strip().split("\n")) {
            String[] f = line.strip().split("\\|", 3);
            long address = Long.parseLong(f[0], 16);
            byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(f[1]);
            String expected = f[2];
            tests.add(DynamicTest.dynamicTest(f[1] + " -> " + expected, () -> {
                Instruction i = X86Decoder.decode(bytes, 0, address);
                assertEquals(bytes.length, i.length(), "length");
                assertFalse(i.isBad());
                assertEquals(expected, format.apply(i).stripTrailing());
            }));
        }
        return tests;
    }
}
