package dev.vmcore.analyze;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Code: lines decoded as scripts/decodecode does (the line is 6.12/bug's BUG_ON oops). */
class CodeBytesTest {
    private static final String BUG = "Code: 48 c7 c2 c0 a5 5b c0 48 c7 c6 00 c0 5b c0 48 c7 c7 a0 c0 5b c0 48 8d 48 01 48 89 0d"
            + " ed 24 00 00 e8 58 47 6c ed 80 fb 31 75 02 <0f> 0b 5b c3 cc cc cc cc 0f b6 7c 24 07 e8 b1 ff ff ff 48 89 d8 e9";

    @Test
    void trappingInstructionIsMarkedAndTheBytesBeforeItAlign() {
        CodeBytes c = CodeBytes.parse(BUG).orElseThrow();
        assertEquals(42, c.marked());
        List<String> lines = c.disassembly();
        assertEquals("   0:\t48 c7 c2 c0 a5 5b c0 \tmov    $0xffffffffc05ba5c0,%rdx", lines.get(0));
        assertEquals("  28:\t75 02                \tjne    0x2c", lines.get(7));
        assertEquals("  2a:*\t0f 0b                \tud2\t\t<-- trapping instruction", lines.get(8));
        assertEquals("  3c:\t48 89 d8             \tmov    %rbx,%rax", lines.get(lines.size() - 1));
        assertTrue(lines.stream().noneMatch(l -> l.contains("(bad)")), lines.toString());
    }

    @Test
    void intelSyntaxOnRequest() {
        List<String> lines = CodeBytes.parse(BUG).orElseThrow().disassembly(true);
        assertEquals("   0:\t48 c7 c2 c0 a5 5b c0 \tmov    rdx,0xffffffffc05ba5c0", lines.get(0));
        assertEquals("  19:\t48 89 0d ed 24 00 00 \tmov    QWORD PTR [rip+0x24ed],rcx        # 0x250d", lines.get(4));
        assertEquals("  2a:*\t0f 0b                \tud2\t\t<-- trapping instruction", lines.get(8));
        assertEquals("  32:\t0f b6 7c 24 07       \tmovzx  edi,BYTE PTR [rsp+0x7]", lines.get(lines.size() - 3));
        assertEquals("  3c:\t48 89 d8             \tmov    rax,rbx", lines.get(lines.size() - 1));
    }

    @Test
    void linesWithoutBytesAreNotCode() {
        assertEquals(Optional.empty(), CodeBytes.parse("Code: Unable to access opcode bytes at 0xffffffffc0564fdf."));
        assertEquals(Optional.empty(), CodeBytes.parse("Code: 48 8b 00"));
        assertEquals(Optional.empty(), CodeBytes.parse("RIP: 0010:oops_uaf_use+0xd/0x20 [oops_uaf]"));
        assertEquals(Optional.empty(), CodeBytes.parse("Code: 48 zz <8b> 00"));
    }
}
