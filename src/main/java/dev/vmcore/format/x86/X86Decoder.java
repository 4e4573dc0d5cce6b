package dev.vmcore.format.x86;

import java.util.List;

/**
 * Decodes one x86-64 (long mode) instruction from bytes. Never throws on bad input: bytes that do
 * not form an instruction, or that end before the instruction does, give {@link Instruction#isBad()}
 * one byte long (zero when there is no byte at all).
 */
public final class X86Decoder {
    /** Longest instruction the CPU accepts. */
    static final int MAX_LENGTH = 15;

    private X86Decoder() {
    }

    /** Decodes the instruction at {@code code[offset]}, which sits at {@code address}. */
    public static Instruction decode(byte[] code, int offset, long address) {
        return decodeFull(code, offset, address).insn();
    }

    /** As {@link #decode}, with the formatting hints {@link AttFormatter} uses. */
    static Decoded decodeFull(byte[] code, int offset, long address) {
        if (code == null || offset < 0 || offset >= code.length) {
            return new Decoded(new Instruction(address, 0, new byte[0], Instruction.BAD, List.of()), "", List.of());
        }
        try {
            return new Decoding(code, offset, address).run();
        } catch (Bad e) {
            byte[] one = {code[offset]};
            return new Decoded(new Instruction(address, 1, one, Instruction.BAD, List.of()), "", List.of());
        }
    }

    /** Thrown inside the decoder for bytes that do not decode; never escapes. */
    static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Bad INSTANCE = new Bad();

        private Bad() {
            super(null, null, false, false);
        }
    }

    static Bad bad() {
        return Bad.INSTANCE;
    }
}
