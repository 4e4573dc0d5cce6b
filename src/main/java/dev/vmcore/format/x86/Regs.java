package dev.vmcore.format.x86;

/** Register names as objdump prints them (without the {@code %}). */
final class Regs {
    static final String[] R64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
        "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
        "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
    static final String[] R8REX = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
        "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
    static final String[] R8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    static final String[] SEG = {"es", "cs", "ss", "ds", "fs", "gs", "?", "?"};

    private Regs() {
    }

    /** General register {@code n} (0-15) of {@code size} bytes; {@code rex} selects spl..dil over ah..bh. */
    static String gpr(int n, int size, boolean rex) {
        return switch (size) {
            case 1 -> rex ? R8REX[n] : n < 8 ? R8[n] : R8REX[n];
            case 2 -> R16[n];
            case 4 -> R32[n];
            default -> R64[n];
        };
    }

    /** Vector register {@code n} of {@code size} bytes: xmm (16), ymm (32), zmm (64). */
    static String vec(int n, int size) {
        return (size == 64 ? "zmm" : size == 32 ? "ymm" : "xmm") + n;
    }
}
