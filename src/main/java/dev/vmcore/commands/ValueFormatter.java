package dev.vmcore.commands;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.BoolType;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.FloatType;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.IntType;
import dev.vmcore.types.Member;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Values of typed memory as gdb prints them with crash's settings (pretty structs, 2 spaces per
 * level, pointers as hex with {@code <symbol+offset>}, char arrays as strings with octal escapes,
 * enums by name), and as JSON from the same walk.
 */
final class ValueFormatter {
    /** Beyond this a pointer is not "into" the symbol below it (kallsyms has no sizes). */
    private static final long MAX_SYMBOL_OFFSET = 1 << 20;
    /** gdb's "print elements" as crash sets it: array elements and string characters printed at most. */
    static final int PRINT_MAX = 256;
    private static final int MAX_DEPTH = 16;
    /** Values one formatter prints at most: corrupt BTF can nest a struct in itself many times over. */
    private static final int MAX_VALUES = 2_000_000;

    /**
     * DEFAULT, HEX and DECIMAL are crash's output radix (struct -x/-d, p -x/-d: gdb's output_format,
     * which keeps strings, symbols and enum names); FORMAT_HEX, FORMAT_DECIMAL and FORMAT_UNSIGNED
     * are gdb's print formats /x, /d and /u, which print every scalar as a bare number.
     */
    enum Radix {
        DEFAULT, HEX, DECIMAL, FORMAT_HEX, FORMAT_DECIMAL, FORMAT_UNSIGNED;

        boolean isFormat() {
            return this == FORMAT_HEX || this == FORMAT_DECIMAL || this == FORMAT_UNSIGNED;
        }
    }

    private final AddressSpace memory;
    /** Loaded on the first pointer that needs naming: a value without pointers never pays for the symbols. */
    private final java.util.function.Supplier<Optional<SymbolTable>> symbols;
    private final Radix radix;
    private int printed;
    /** Address of data[0] while {@link #formatAt} runs (arrays of unknown length print as their address), else null. */
    private Long base;

    ValueFormatter(AddressSpace memory, Optional<SymbolTable> symbols, Radix radix) {
        this(memory, () -> symbols, radix);
    }

    ValueFormatter(AddressSpace memory, java.util.function.Supplier<Optional<SymbolTable>> symbols, Radix radix) {
        this.memory = memory;
        this.symbols = dev.vmcore.util.Lazy.of(symbols);
        this.radix = radix;
    }

    /** The value of type {@code t} held in {@code data} at byte {@code off}; {@code depth} is the indent level of its line. */
    String format(Type t, byte[] data, long bitOff, int bitSize, int depth) {
        Type s = Types.strip(t);
        if (depth > MAX_DEPTH) {
            return "{...}";
        }
        if (++printed > MAX_VALUES) {
            throw new CommandException("value has more than " + MAX_VALUES + " members and elements (corrupt type?)");
        }
        int off = (int) (bitOff / 8);
        return switch (s) {
            case StructType st -> struct(st, data, bitOff, depth);
            case ArrayType a -> array(a, data, off, depth);
            case PointerType p -> pointer(p, read(data, off, 8));
            case EnumType e -> {
                long v = bitSize > 0 ? bits(data, bitOff, bitSize, e.signed()) : signExtend(read(data, off, (int) e.size()),
                        (int) e.size(), e.signed());
                // gdb's output radix (crash -x) keeps enumerator names; only a print format (/x) shows numbers.
                yield radix.isFormat() ? formatted(v, (int) e.size()) : e.nameOf(v).orElse(Long.toString(v));
            }
            case BoolType b -> radix.isFormat() ? formatted(read(data, off, (int) b.size()), (int) b.size())
                    : read(data, off, (int) b.size()) != 0 ? "true" : "false";
            case IntType i -> integer(i, bitSize > 0 ? bits(data, bitOff, bitSize, i.signed())
                    : signExtend(read(data, off, (int) i.size()), (int) i.size(), i.signed()));
            case FloatType f -> f.size() == 4 ? gdbFloat(Float.intBitsToFloat((int) read(data, off, 4)), 9)
                    : gdbFloat(Double.longBitsToDouble(read(data, off, 8)), 17);
            case FunctionType f -> "{" + TypeNames.name(f) + "}";
            default -> "void";
        };
    }

    /**
     * A float as gdb prints it: C's %g with the precision that round-trips the format (9 digits
     * for float, 17 for double), so 1.5, 180, 0.10000000000000001, 1.0000000000000001e+20.
     */
    static String gdbFloat(double d, int precision) {
        if (Double.isNaN(d)) {
            return (Double.doubleToRawLongBits(d) < 0 ? "-" : "") + "nan(0x"
                    + Long.toHexString(Double.doubleToRawLongBits(d) & 0xfffffffffffffL) + ")";
        }
        if (Double.isInfinite(d)) {
            return d < 0 ? "-inf" : "inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        java.math.BigDecimal b = new java.math.BigDecimal(d).round(new java.math.MathContext(precision,
                java.math.RoundingMode.HALF_EVEN));
        int exponent = b.precision() - b.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = b.unscaledValue().abs().toString().replaceAll("0+$", "");
            String mantissa = digits.substring(0, 1) + (digits.length() > 1 ? "." + digits.substring(1) : "");
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + String.format("%02d", Math.abs(exponent));
        }
        String plain = b.setScale(Math.max(0, precision - 1 - exponent), java.math.RoundingMode.HALF_EVEN).toPlainString();
        if (plain.contains(".")) {
            plain = plain.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return plain;
    }

    /**
     * As {@link #format}, for a value in memory at {@code address}: arrays of unknown or zero length
     * ({@code x[]}, {@code x[0]}) then print as gdb does, as a pointer to their first element.
     */
    String formatAt(long address, Type t, byte[] data, long bitOff, int bitSize) {
        Long old = base;
        base = address;
        try {
            return format(t, data, bitOff, bitSize, 0);
        } finally {
            base = old;
        }
    }

    /** "{\n  a = 1,\n  b = 2\n}" with members at depth + 1. */
    String struct(StructType st, byte[] data, long bitOff, int depth) {
        List<String> parts = new ArrayList<>();
        String pad = "  ".repeat(depth + 1);
        for (Member m : st.members()) {
            String v = format(m.type(), data, bitOff + m.bitOffset(), m.bitSize(), depth + 1);
            parts.add(pad + (m.name() == null ? "" : m.name() + " = ") + v);
        }
        if (parts.isEmpty()) {
            return "{<No data fields>}";
        }
        return "{\n" + String.join(",\n", parts) + "\n" + "  ".repeat(depth) + "}";
    }

    private String array(ArrayType a, byte[] data, int off, int depth) {
        Type e = Types.strip(a.element());
        long esize = Types.sizeof(a.element());
        if (a.length() == 0 && base != null) {
            return pointer(PointerType.to(a.element(), 8), base + off);
        }
        if (e instanceof IntType i && i.character() && esize == 1 && !radix.isFormat()) { // strings even under -x, as crash
            int n = (int) Math.min(a.length(), Math.max(0, data.length - off));
            if (n > 0 && data[off + n - 1] == 0) {
                n--;
            }
            return gdbString(data, off, n, false);
        }
        List<String> parts = new ArrayList<>();
        for (long i = 0; i < a.length() && off + (i + 1) * esize <= data.length && i < PRINT_MAX; i++) {
            parts.add(format(a.element(), data, (off + i * esize) * 8, 0, depth + 1));
        }
        return "{" + String.join(", ", parts) + (a.length() > PRINT_MAX && parts.size() == PRINT_MAX ? "..." : "") + "}";
    }

    private String integer(IntType i, long v) {
        if (radix.isFormat()) {
            return formatted(v, (int) i.size());
        }
        if (radix == Radix.HEX) {
            return "0x" + Long.toHexString(i.size() < 8 ? v & ((1L << (i.size() * 8)) - 1) : v);
        }
        String n = i.signed() || i.size() < 8 ? Long.toString(v) : Long.toUnsignedString(v);
        if (i.character() && i.size() == 1 && radix == Radix.DEFAULT) {
            return n + " '" + escape((int) (v & 0xff), '\'') + "'";
        }
        return n;
    }

    /**
     * A pointer: 0x0, hex, plus {@code <symbol+off>} when it points into a symbol, and the string a
     * char * points to; under a print format (/x, /d) the bare number.
     */
    String pointer(PointerType p, long v) {
        if (radix.isFormat()) {
            return formatted(v, 8);
        }
        if (v == 0) {
            return "0x0";
        }
        String hex = "0x" + Long.toHexString(v);
        Optional<String> sym = symbolAt(v);
        String text = sym.map(x -> hex + " <" + x + ">").orElse(hex);
        if (Types.strip(p.target()) instanceof IntType i && i.character() && i.size() == 1) {
            return text + " " + cString(v);
        }
        return text;
    }

    /** A scalar under a gdb print format: /x hex of its size's bits, /d signed, /u unsigned. */
    String formatted(long v, int size) {
        long masked = size >= 8 ? v : v & ((1L << (size * 8)) - 1);
        return switch (radix) {
            case FORMAT_DECIMAL -> Long.toString(size >= 8 ? v : signExtend(masked, size, true));
            case FORMAT_UNSIGNED -> Long.toUnsignedString(masked);
            default -> "0x" + Long.toHexString(masked);
        };
    }

    /**
     * The string at {@code address} as gdb prints a char *: up to {@link #PRINT_MAX} characters
     * before the NUL, "..." when more follow, {@code <error: ...>} when the memory is unreadable.
     */
    String cString(long address) {
        byte[] buf = new byte[PRINT_MAX];
        int n = 0;
        boolean nul = false;
        long failed = 0;
        boolean error = false;
        while (n < PRINT_MAX && !nul) {
            long at = address + n;
            int chunk = (int) Math.min(PRINT_MAX - n, 4096 - (at & 4095));
            byte[] b;
            try {
                b = memory.readBytes(at, chunk);
            } catch (VmcoreException e) {
                failed = at;
                error = true;
                break;
            }
            for (int k = 0; k < chunk; k++) {
                if (b[k] == 0) {
                    nul = true;
                    break;
                }
                buf[n++] = b[k];
            }
        }
        if (error && n == 0) {
            return "<error: Cannot access memory at address 0x" + Long.toHexString(failed) + ">";
        }
        boolean more = false;
        if (!nul && !error) {
            try {
                more = memory.readBytes(address + n, 1)[0] != 0;
            } catch (VmcoreException e) {
                more = false;
            }
        }
        String s = gdbString(buf, 0, n, more);
        return error ? s + "<error: Cannot access memory at address 0x" + Long.toHexString(failed) + ">" : s;
    }

    /** Array elements and struct members one JSON value lists at most. */
    private static final int JSON_MAX_ELEMENTS = 4096;

    /**
     * The value of type {@code t} in {@code data} as fields of the open JSON object, from the same
     * walk as the text: "members" (name, type, offset and the member's own fields) for structs and
     * unions, "elements" for arrays, else "value": numbers as numbers (unsigned 64-bit ones beyond
     * long as strings), pointers as "0x..." with "symbol" when they point into one, char arrays as
     * strings up to the NUL, enums by name.
     */
    void json(JsonOut j, Type t, byte[] data, long bitOff, int bitSize) {
        if (++printed > MAX_VALUES) {
            throw new CommandException("value has more than " + MAX_VALUES + " members and elements (corrupt type?)");
        }
        Type s = Types.strip(t);
        int off = (int) (bitOff / 8);
        switch (s) {
            case StructType st -> {
                j.beginArray("members");
                for (Member m : st.members()) {
                    j.beginObject();
                    if (m.name() != null) {
                        j.field("name", m.name());
                    }
                    j.field("type", TypeNames.name(m.type())).field("offset", (bitOff + m.bitOffset()) / 8);
                    json(j, m.type(), data, bitOff + m.bitOffset(), m.bitSize());
                    j.end();
                }
                j.end();
            }
            case ArrayType a when Types.strip(a.element()) instanceof IntType i && i.character() && i.size() == 1 -> {
                int n = (int) Math.min(a.length(), Math.max(0, data.length - off));
                int end = 0;
                while (end < n && data[off + end] != 0) {
                    end++;
                }
                j.field("value", new String(data, off, end, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            case ArrayType a -> {
                j.beginArray("elements");
                long esize = Types.sizeof(a.element());
                for (long i = 0; i < a.length() && off + (i + 1) * esize <= data.length && i < JSON_MAX_ELEMENTS; i++) {
                    j.beginObject();
                    json(j, a.element(), data, (off + i * esize) * 8, 0);
                    j.end();
                }
                j.end();
            }
            case PointerType p -> {
                long v = read(data, off, 8);
                j.hex("value", v);
                symbolAt(v).ifPresent(sym -> j.field("symbol", sym));
            }
            case EnumType e -> {
                long v = bitSize > 0 ? bits(data, bitOff, bitSize, e.signed())
                        : signExtend(read(data, off, (int) e.size()), (int) e.size(), e.signed());
                j.field("value", e.nameOf(v).orElse(Long.toString(v)));
            }
            case BoolType b -> j.field("value", read(data, off, (int) b.size()) != 0);
            case IntType i -> {
                long v = bitSize > 0 ? bits(data, bitOff, bitSize, i.signed())
                        : signExtend(read(data, off, (int) i.size()), (int) i.size(), i.signed());
                if (!i.signed() && v < 0) {
                    j.field("value", Long.toUnsignedString(v));
                } else {
                    j.field("value", v);
                }
            }
            default -> j.field("value", format(t, data, bitOff, bitSize, 0));
        }
    }

    Optional<String> symbolAt(long v) {
        if (v >= 0 || symbols.get().isEmpty()) {
            return Optional.empty();
        }
        SymbolTable table = symbols.get().get();
        Optional<Symbol> s = table.containing(v);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        long off = v - s.get().address();
        long size = s.get().size();
        // gdb (so crash) names no data symbol of size 0 (linker-script markers like _sdata); only a
        // symbol table with sizes (vmlinux symtab, not kallsyms) can say which those are.
        boolean sizesKnown = !table.source().startsWith("kallsyms");
        if (size == 0 && !s.get().isText() && sizesKnown) {
            return Optional.empty();
        }
        long limit = size > 0 ? size : MAX_SYMBOL_OFFSET;
        if (off < 0 || off >= limit) {
            return Optional.empty();
        }
        return Optional.of(s.get().name() + (off == 0 ? "" : "+" + off));
    }

    /**
     * gdb's printstr with crash's settings (no repeat compression, "print elements" 256): bytes
     * [off, off + n) in double quotes; runs of equal characters count whole, so the run that reaches
     * the limit prints in full; "..." follows when characters are left or {@code ellipsis}. After an
     * octal escape a digit is escaped too, as gdb does ("\000\061", not "\0001").
     */
    static String gdbString(byte[] b, int off, int n, boolean ellipsis) {
        StringBuilder sb = new StringBuilder("\"");
        boolean needEscape = false;
        int i = 0;
        while (i < n && i < PRINT_MAX) {
            int j = i;
            while (j < n && b[off + j] == b[off + i]) {
                j++;
            }
            for (int k = i; k < j; k++) {
                needEscape = appendChar(sb, b[off + k] & 0xff, needEscape);
            }
            i = j;
        }
        sb.append('"');
        if (ellipsis || i < n) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** One character of a string as gdb's print_wchar writes it; returns whether it was an octal escape. */
    private static boolean appendChar(StringBuilder sb, int c, boolean needEscape) {
        String named = namedEscape(c);
        if (named != null) {
            sb.append(named);
            return false;
        }
        if (c >= 0x20 && c < 0x7f && !(needEscape && c >= '0' && c <= '9')) {
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append((char) c);
            return false;
        }
        sb.append(String.format("\\%03o", c));
        return true;
    }

    /** C's named escape of a control character (\\n, \\t, ...), or null. */
    private static String namedEscape(int c) {
        return switch (c) {
            case 7 -> "\\a";
            case 8 -> "\\b";
            case 9 -> "\\t";
            case 10 -> "\\n";
            case 11 -> "\\v";
            case 12 -> "\\f";
            case 13 -> "\\r";
            default -> null;
        };
    }

    private static String escape(int c, char quote) {
        String named = namedEscape(c);
        if (named != null) {
            return named;
        }
        return switch (c) {
            case 27 -> "\\033";
            case '\\' -> "\\\\";
            default -> {
                if (c == quote) {
                    yield "\\" + quote;
                }
                yield c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\%03o", c);
            }
        };
    }

    static long read(byte[] data, int off, int size) {
        long v = 0;
        for (int i = Math.min(size, 8) - 1; i >= 0; i--) {
            int p = off + i;
            v = v << 8 | (p >= 0 && p < data.length ? data[p] & 0xff : 0);
        }
        return v;
    }

    static long signExtend(long v, int size, boolean signed) {
        if (!signed || size >= 8) {
            return v;
        }
        int shift = 64 - size * 8;
        return v << shift >> shift;
    }

    static long bits(byte[] data, long bitOff, int bitSize, boolean signed) {
        int first = (int) (bitOff / 8);
        int shift = (int) (bitOff % 8);
        int bytes = (shift + bitSize + 7) / 8;
        long v = 0;
        for (int i = Math.min(bytes, 8) - 1; i >= 0; i--) {
            int p = first + i;
            v = v << 8 | (p < data.length ? data[p] & 0xff : 0);
        }
        v >>>= shift;
        if (bytes > 8 && shift > 0) {
            v |= (read(data, first + 8, 1)) << (64 - shift);
        }
        if (bitSize < 64) {
            v &= (1L << bitSize) - 1;
            if (signed && (v & (1L << (bitSize - 1))) != 0) {
                v |= -1L << bitSize;
            }
        }
        return v;
    }
}
