package dev.vmcore.commands;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Value;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.IntType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;
import dev.vmcore.types.VoidType;

import java.util.List;
import java.util.Optional;

/**
 * A value as gdb's print shows it with crash's settings (c_value_print): pointers with their type
 * in front ("(struct list_head *) 0x..."), except char pointers, which show their string;
 * functions as "{void (void)} 0x... <name>"; everything else through {@link ValueFormatter}. Also
 * crash's quirks around it: the "NAME = " leader of p SYMBOL and the "{" it moves to a line of its
 * own, and the declaration whatis shows for a variable.
 */
final class ExpressionPrinter {
    /** gdb's max-value-size default: a larger value cannot be printed whole (use rd or an element). */
    static final long MAX_VALUE_SIZE = 65536;

    private final ValueFormatter formatter;
    private final ValueFormatter.Radix radix;

    ExpressionPrinter(AddressSpace memory, Optional<SymbolTable> symbols, ValueFormatter.Radix radix) {
        this.formatter = new ValueFormatter(memory, symbols, radix);
        this.radix = radix;
    }

    /** What gdb prints after "$N = ". */
    String text(Value v) {
        Type t = v.type();
        Type s = Types.strip(t);
        if (s instanceof FunctionType) {
            long address = v.address();
            if (radix.isFormat()) {
                // gdb formats a function's own contents: its first byte of code.
                return formatter.formatted(v.memory().readBytes(address, 1)[0], 1);
            }
            return "{" + TypeNames.name(t) + "} 0x" + Long.toHexString(address)
                    + formatter.symbolAt(address).map(x -> " <" + x + ">").orElse("");
        }
        if (s instanceof VoidType) {
            return "void";
        }
        if (s instanceof PointerType p && !radix.isFormat()) {
            return pointerPrefix(t) + formatter.pointer(p, v.asLong());
        }
        return v.isLvalue() ? formatter.formatAt(v.address(), t, contents(v), v.bitPos(), v.bitSize())
                : formatter.format(t, contents(v), v.bitPos(), v.bitSize(), 0);
    }

    /** Writes the value's JSON fields ("value", "members" or "elements") into the open object. */
    void json(JsonOut j, Value v) {
        Type s = Types.strip(v.type());
        if (s instanceof FunctionType) {
            j.hex("value", v.address());
            formatter.symbolAt(v.address()).ifPresent(x -> j.field("symbol", x));
            return;
        }
        if (s instanceof VoidType) {
            j.field("value", "void");
            return;
        }
        formatter.json(j, v.type(), contents(v), v.bitPos(), v.bitSize());
    }

    private static byte[] contents(Value v) {
        long size = v.size();
        if (size > MAX_VALUE_SIZE && !v.isBitfield()) {
            throw new CommandException("value requires " + size + " bytes, which is more than max-value-size ("
                    + MAX_VALUE_SIZE + "); print an element or member of it, or read it with rd");
        }
        return v.bytes();
    }

    /**
     * gdb's "(TYPE) " before a pointer's value; nothing for an unnamed pointer to char, whose
     * string says enough.
     */
    static String pointerPrefix(Type t) {
        if (Types.unqualified(t) instanceof PointerType p && Types.unqualified(p.target()) instanceof IntType i
                && i.name().equals("char")) {
            return "";
        }
        return "(" + TypeNames.name(t) + ") ";
    }

    /**
     * crash's p output for gdb's {@code $N = VALUE}: with a leader ("jiffies", "per_cpu(x, 1)"),
     * "LEADER = " goes first, and when the first line holds a "{" that does not end it (an array, a
     * function), the "{" and what follows move to the next line after a space.
     */
    static List<String> lines(String leader, String gdbOutput) {
        String out = gdbOutput;
        if (leader != null) {
            int nl = out.indexOf('\n');
            String first = nl < 0 ? out : out.substring(0, nl);
            int brace = first.indexOf('{');
            if (brace >= 0 && brace != first.length() - 1) {
                out = first.substring(0, brace) + "\n {" + out.substring(brace + 1);
            }
            out = leader + " = " + out;
        }
        return List.of(out.split("\n", -1));
    }

    /** The declaration crash's whatis shows for a variable (symbols.c whatis_variable): "char comm[16];". */
    static String declaration(String name, Type t) {
        String type = TypeNames.name(t);
        int bracket = type.indexOf('[');
        if (bracket >= 0) {
            return type.substring(0, bracket) + name + type.substring(bracket) + ";";
        }
        int paren = type.indexOf('(');
        if (paren >= 0) {
            int at = paren == type.lastIndexOf('(') ? paren : Math.max(0, type.indexOf(')'));
            return type.substring(0, at) + name + type.substring(at) + ";";
        }
        return type + (type.endsWith("*") ? "" : " ") + name + ";";
    }
}
