package dev.vmcore.analyze;

import dev.vmcore.format.x86.AttFormatter;
import dev.vmcore.format.x86.Instruction;
import dev.vmcore.format.x86.IntelFormatter;
import dev.vmcore.format.x86.X86Decoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An oops's {@code Code:} line decoded, as the kernel's scripts/decodecode does: the bytes around
 * RIP, the trapping instruction's first byte in {@code <..>} (or an IRET-frame guess in
 * {@code (..)}). The bytes before the mark are decoded from the first offset that lands exactly on
 * it; the mark's instruction is starred.
 *
 * @param bytes  every byte of the line
 * @param marked the index of the marked byte
 */
public record CodeBytes(byte[] bytes, int marked) {
    /** The bytes of a {@code Code:} line's body ("Code: 48 8b <00> ..."); empty when it holds none. */
    public static Optional<CodeBytes> parse(String body) {
        String s = body.strip();
        if (!s.startsWith("Code:")) {
            return Optional.empty();
        }
        String[] words = s.substring("Code:".length()).strip().split("\\s+");
        List<Byte> out = new ArrayList<>();
        int marked = -1;
        for (String w : words) {
            boolean mark = w.length() == 4 && (w.startsWith("<") && w.endsWith(">") || w.startsWith("(") && w.endsWith(")"));
            String hex = mark ? w.substring(1, 3) : w;
            if (!hex.matches("[0-9a-fA-F]{2}")) {
                return Optional.empty(); // "Unable to access opcode bytes", or not a byte dump
            }
            if (mark) {
                marked = out.size();
            }
            out.add((byte) Integer.parseInt(hex, 16));
        }
        if (marked < 0 || out.isEmpty()) {
            return Optional.empty();
        }
        byte[] b = new byte[out.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = out.get(i);
        }
        return Optional.of(new CodeBytes(b, marked));
    }

    /** decodecode's "All code" lines: {@code offset:[*] bytes  instruction}, the trapping one marked; AT&T syntax. */
    public List<String> disassembly() {
        return disassembly(false);
    }

    /** As {@link #disassembly()}, in Intel syntax ({@code objdump -M intel}'s) with {@code intel}. */
    public List<String> disassembly(boolean intel) {
        int start = marked;
        for (int s = 0; s < marked; s++) {
            if (landsOnMark(s)) {
                start = s;
                break;
            }
        }
        List<String> out = new ArrayList<>();
        int at = start;
        while (at < bytes.length) {
            Instruction i = X86Decoder.decode(bytes, at, at);
            if (at + i.length() > bytes.length || i.isBad() && bytes.length - at < 15) {
                break; // cut off by the end of the dump
            }
            StringBuilder hex = new StringBuilder();
            for (int k = 0; k < i.length(); k++) {
                hex.append(String.format("%02x ", bytes[at + k] & 0xff));
            }
            String text = intel ? IntelFormatter.format(i, a -> Optional.empty())
                    : AttFormatter.format(i, a -> Optional.empty());
            out.add(String.format("%4x:%s\t%-21s\t%s%s", at, at == marked ? "*" : "", hex.toString().strip(), text,
                    at == marked ? "\t\t<-- trapping instruction" : ""));
            at += i.length();
        }
        return out;
    }

    private boolean landsOnMark(int start) {
        int at = start;
        while (at < marked) {
            Instruction i = X86Decoder.decode(bytes, at, at);
            if (i.isBad()) {
                return false;
            }
            at += i.length();
        }
        return at == marked;
    }
}
