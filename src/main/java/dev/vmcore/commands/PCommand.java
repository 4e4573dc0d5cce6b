package dev.vmcore.commands;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.util.ByteCursor;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * p: print a kernel variable. Without type information (BTF/DWARF support is separate work) it
 * shows where the symbol is and the raw 64-bit value there, and says how to read more.
 */
final class PCommand implements Command {
    @Override
    public String name() {
        return "p";
    }

    @Override
    public List<String> aliases() {
        return List.of("print");
    }

    @Override
    public String summary() {
        return "print a kernel variable";
    }

    @Override
    public String help() {
        return """
                NAME
                  p - print a kernel variable

                SYNOPSIS
                  p SYMBOL

                DESCRIPTION
                  Prints SYMBOL's address, its nm-style type and, for a data symbol, the 64-bit
                  value stored there. Typed printing (members, arrays, casts) needs type
                  information, which this version does not read yet; use "rd" or "rd -s" meanwhile.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of());
        if (o.positional().size() != 1) {
            throw new CommandException("p: usage: p SYMBOL (expressions need type information, not read yet)");
        }
        String name = o.positional().get(0);
        var symbols = call.session().symbols();
        Optional<Symbol> sym = symbols.find(name);
        if (sym.isEmpty()) {
            throw new CommandException("p: " + Addresses.notFound(symbols, name));
        }
        Symbol s = sym.get();
        Long value = null;
        if (!s.isText()) {
            try {
                value = ByteCursor.getLong(call.session().kernelMemory().readBytes(s.address(), 8), 0);
            } catch (MemoryFault f) {
                throw new CommandException("p: " + name + " at " + Long.toHexString(s.address()) + ": " + f.getMessage());
            }
        }
        Printer out = call.out();
        if (out.isJson()) {
            JsonOut j = out.json().field("name", s.name()).hex("address", s.address()).field("type", String.valueOf(s.type()))
                    .field("typed", false);
            if (value != null) {
                j.hex("raw64", value);
            }
            return;
        }
        out.printf("%s: %016x (%c), no type information", s.name(), s.address(), s.type());
        if (value != null) {
            out.printf("  first 64 bits: %016x (%d)", value, value);
        }
    }
}
