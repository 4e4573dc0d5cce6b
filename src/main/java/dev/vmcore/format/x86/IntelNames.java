package dev.vmcore.format.x86;

/**
 * The Intel-syntax names objdump ({@code -M intel}) prints where its AT&amp;T ones differ by more
 * than a size suffix, and the keywords it prints before memory operands.
 */
final class IntelNames {
    private IntelNames() {
    }

    /** The Intel mnemonic for AT&amp;T mnemonic {@code att} (with no {@code ~}/{@code @} marker). */
    static String mnemonic(String att) {
        return switch (att) {
            case "cltq" -> "cdqe";
            case "cqto" -> "cqo";
            case "cbtw" -> "cbw";
            case "cwtl" -> "cwde";
            case "cwtd" -> "cwd";
            case "cltd" -> "cdq";
            case "movslq" -> "movsxd";
            case "lret" -> "retf";
            case "lretq" -> "retfq";
            case "lretw" -> "retfw";
            case "sysretl" -> "sysretd";
            case "sysexitl" -> "sysexitd";
            case "lcall" -> "call";
            case "ljmp" -> "jmp";
            default -> att;
        };
    }

    /** The keyword before instruction {@code mnemonic}'s memory operand when its size does not give it; else null. */
    static String sizeWord(String mnemonic) {
        return switch (mnemonic) {
            case "cmpxchg16b", "invept", "invvpid" -> "OWORD";
            default -> null;
        };
    }

    /**
     * The keyword objdump prints before a memory operand of {@code size} bytes ("QWORD PTR"
     * without the "PTR"); empty when it prints none.
     */
    static String sizeWord(int size) {
        return switch (size) {
            case 1 -> "BYTE";
            case 2 -> "WORD";
            case 4 -> "DWORD";
            case 6 -> "FWORD";
            case 8 -> "QWORD";
            case 10 -> "TBYTE";
            case 16 -> "XMMWORD";
            case 32 -> "YMMWORD";
            case 64 -> "ZMMWORD";
            default -> "";
        };
    }

    /** A register's Intel name: the debug registers are "dr", not AT&amp;T's "db". */
    static String register(String att) {
        return att.startsWith("db") ? "dr" + att.substring(2) : att;
    }
}
