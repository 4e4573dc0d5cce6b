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
    private static final int MAX_STRING = 200;
    private static final int MAX_DEPTH = 16;
    /** Values one formatter prints at most: corrupt BTF can nest a struct in itself many times over. */
    private static final int MAX_VALUES = 2_000_000;

    enum Radix { DEFAULT, HEX, DECIMAL }

    private final AddressSpace memory;
    private final Optional<SymbolTable> symbols;
    private final Radix radix;
    private final boolean sizesKnown;
    private int printed;

    ValueFormatter(AddressSpace memory, Optional<SymbolTable> symbols, Radix radix) {
        this.memory = memory;
        this.symbols = symbols;
        this.radix = radix;
        this.sizesKnown = symbols.map(t -> !t.source().startsWith("kallsyms")).orElse(false);
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
                yield radix == Radix.HEX ? "0x" + Long.toHexString(v) : e.nameOf(v).orElse(Long.toString(v));
            }
            case BoolType b -> read(data, off, (int) b.size()) != 0 ? "true" : "false";
            case IntType i -> integer(i, bitSize > 0 ? bits(data, bitOff, bitSize, i.signed())
                    : signExtend(read(data, off, (int) i.size()), (int) i.size(), i.signed()));
            case FloatType f -> f.size() == 4 ? Float.toString(Float.intBitsToFloat((int) read(data, off, 4)))
                    : Double.toString(Double.longBitsToDouble(read(data, off, 8)));
            case FunctionType f -> "{" + TypeNames.name(f) + "}";
            default -> "void";
        };
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
            return "{}";
        }
        return "{\n" + String.join(",\n", parts) + "\n" + "  ".repeat(depth) + "}";
    }

    private String array(ArrayType a, byte[] data, int off, int depth) {
        Type e = Types.strip(a.element());
        long esize = Types.sizeof(a.element());
        if (e instanceof IntType i && i.character() && esize == 1) { // strings even under -x, as crash
            int n = (int) Math.min(a.length(), Math.max(0, data.length - off));
            if (n > 0 && data[off + n - 1] == 0) {
                n--;
            }
            return quoted(data, off, n);
        }
        List<String> parts = new ArrayList<>();
        for (long i = 0; i < a.length() && off + (i + 1) * esize <= data.length && i < 4096; i++) {
            parts.add(format(a.element(), data, (off + i * esize) * 8, 0, depth + 1));
        }
        return "{" + String.join(", ", parts) + "}";
    }

    private String integer(IntType i, long v) {
        if (radix == Radix.HEX) {
            return "0x" + Long.toHexString(i.size() < 8 ? v & ((1L << (i.size() * 8)) - 1) : v);
        }
        String n = i.signed() || i.size() < 8 ? Long.toString(v) : Long.toUnsignedString(v);
        if (i.character() && i.size() == 1 && radix == Radix.DEFAULT) {
            return n + " '" + escape((int) (v & 0xff), '\'') + "'";
        }
        return n;
    }

    /** A pointer: 0x0, hex, plus {@code <symbol+off>} when it points into a symbol, or the string a char * points to. */
    String pointer(PointerType p, long v) {
        if (v == 0) {
            return "0x0";
        }
        String hex = "0x" + Long.toHexString(v);
        Optional<String> sym = symbolAt(v);
        if (sym.isPresent()) {
            return hex + " <" + sym.get() + ">";
        }
        if (Types.strip(p.target()) instanceof IntType i && i.character() && i.size() == 1 && radix == Radix.DEFAULT) {
            try {
                byte[] b = memory.readBytes(v, MAX_STRING);
                int n = 0;
                while (n < b.length && b[n] != 0) {
                    n++;
                }
                return hex + " " + quoted(b, 0, n) + (n == b.length ? "..." : "");
            } catch (VmcoreException e) {
                return hex + " <error: Cannot access memory at address " + hex + ">";
            }
        }
        return hex;
    }

    Optional<String> symbolAt(long v) {
        if (v >= 0 || symbols.isEmpty()) {
            return Optional.empty();
        }
        Optional<Symbol> s = symbols.get().containing(v);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        long off = v - s.get().address();
        long size = s.get().size();
        // gdb (so crash) names no data symbol of size 0 (linker-script markers like _sdata); only a
        // symbol table with sizes (vmlinux symtab, not kallsyms) can say which those are.
        if (size == 0 && !s.get().isText() && sizesKnown) {
            return Optional.empty();
        }
        long limit = size > 0 ? size : MAX_SYMBOL_OFFSET;
        if (off < 0 || off >= limit) {
            return Optional.empty();
        }
        return Optional.of(s.get().name() + (off == 0 ? "" : "+" + off));
    }

    static String quoted(byte[] b, int off, int n) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < n; i++) {
            sb.append(escape(b[off + i] & 0xff, '"'));
        }
        return sb.append('"').toString();
    }

    private static String escape(int c, char quote) {
        return switch (c) {
            case 7 -> "\\a";
            case 8 -> "\\b";
            case 9 -> "\\t";
            case 10 -> "\\n";
            case 11 -> "\\v";
            case 12 -> "\\f";
            case 13 -> "\\r";
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
