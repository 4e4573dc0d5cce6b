package dev.vmcore.commands;

import dev.vmcore.format.x86.Instruction;
import dev.vmcore.format.x86.X86Decoder;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Optional;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** dis's instruction text, AT&T (crash's default) and --intel, as gdb prints them (RealDisTest: on the dumps). */
class DisCommandTest {
    private static final LongFunction<Optional<String>> SYMBOLS =
            a -> a == 0xffffffff81001000L ? Optional.of("bar") : Optional.empty();

    private static Instruction decode(String hex) {
        return X86Decoder.decode(HexFormat.of().parseHex(hex), 0, 0xffffffff81000000L);
    }

    @Test
    void attIsTheDefault() {
        assertEquals("mov    0xff9(%rip),%rax        # 0xffffffff81001000 <bar>",
                DisCommand.text(decode("488b05f90f0000"), SYMBOLS, false));
        assertEquals("call   0xffffffff81001000 <bar>", DisCommand.text(decode("e8fb0f0000"), SYMBOLS, false));
    }

    @Test
    void intelPutsTheDestinationFirstAndSizesMemory() {
        assertEquals("mov    rax,QWORD PTR [rip+0xff9]        # 0xffffffff81001000 <bar>",
                DisCommand.text(decode("488b05f90f0000"), SYMBOLS, true));
        assertEquals("call   0xffffffff81001000 <bar>", DisCommand.text(decode("e8fb0f0000"), SYMBOLS, true));
        assertEquals("movzx  eax,BYTE PTR [rdi+0x10]", DisCommand.text(decode("0fb64710"), SYMBOLS, true));
    }

    @Test
    void aBareMnemonicIsPaddedInBothSyntaxes() {
        assertEquals("ret    ", DisCommand.text(decode("c3"), SYMBOLS, false));
        assertEquals("ret    ", DisCommand.text(decode("c3"), SYMBOLS, true));
        assertEquals("cdqe   ", DisCommand.text(decode("4898"), SYMBOLS, true));
    }
}
