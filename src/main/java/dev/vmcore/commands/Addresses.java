package dev.vmcore.commands;

import dev.vmcore.util.Similar;

import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Address arguments (hex, SYMBOL, SYMBOL+OFFSET) and symbolic display shared by the memory commands. */
final class Addresses {
    static final int MAX_SUGGESTIONS = 5;

    private Addresses() {
    }

    /** An address argument: hex (with or without 0x), a symbol, or symbol+offset / symbol-offset. */
    static long resolve(Invocation call, String command, String text) {
        var hex = Numbers.hexAddress(text);
        if (hex.isPresent()) {
            return hex.getAsLong();
        }
        int sign = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
        String name = sign > 0 ? text.substring(0, sign) : text;
        long offset = 0;
        if (sign > 0) {
            String off = text.substring(sign + 1);
            try {
                offset = off.startsWith("0x") ? Long.parseUnsignedLong(off.substring(2), 16) : Long.parseLong(off);
            } catch (NumberFormatException e) {
                throw new CommandException(command + ": invalid offset in " + text);
            }
            offset = text.charAt(sign) == '-' ? -offset : offset;
        }
        SymbolTable symbols = call.session().symbols();
        Optional<Symbol> s = symbols.find(name);
        if (s.isEmpty()) {
            throw new CommandException(command + ": " + notFound(symbols, name));
        }
        return s.get().address() + offset;
    }

    /** "symbol not found: NAME", with close names when there are some. */
    static String notFound(SymbolTable symbols, String name) {
        List<String> similar = similar(symbols, name);
        return "symbol not found: " + name + (similar.isEmpty() ? "" : " (similar: " + String.join(", ", similar) + ")");
    }

    /** Up to five names containing {@code name}, else within edit distance 2 of it. */
    static List<String> similar(SymbolTable symbols, String name) {
        return Similar.names(symbols.all().stream().map(Symbol::name).toList(), name, MAX_SUGGESTIONS);
    }

    /** A value as rd -s shows it: the symbol+offset it points into, or the hex value. */
    static String symbolic(Invocation call, long value, int digits) {
        Optional<Symbol> s = symbolsIfAny(call).flatMap(t -> t.containing(value));
        if (s.isPresent() && isKernelAddress(value)) {
            long off = value - s.get().address();
            return s.get().name() + (off == 0 ? "" : "+" + off);
        }
        return String.format("%0" + digits + "x", value);
    }

    /** The session's symbols, or empty when none can be had (the value is then shown raw). */
    static Optional<SymbolTable> symbolsIfAny(Invocation call) {
        return symbolsIfAny(call.session());
    }

    static Optional<SymbolTable> symbolsIfAny(dev.vmcore.program.Session session) {
        try {
            return Optional.of(session.symbols());
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /** Kernel half of the address space: per-CPU offsets and small numbers are not symbolized. */
    static boolean isKernelAddress(long value) {
        return value < 0;
    }
}
