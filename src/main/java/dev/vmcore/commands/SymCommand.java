package dev.vmcore.commands;

import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;

import dev.vmcore.format.dwarf.SourceLine;
import dev.vmcore.util.VmcoreException;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** sym: translate between addresses and symbols, as crash prints them. */
final class SymCommand implements Command {
    @Override
    public String name() {
        return "sym";
    }

    @Override
    public String summary() {
        return "address to symbol, symbol to address";
    }

    @Override
    public String help() {
        return """
                NAME
                  sym - address to symbol, symbol to address

                SYNOPSIS
                  sym ADDRESS|SYMBOL...
                  sym -l
                  sym -q STRING

                DESCRIPTION
                  For an ADDRESS (hex), the symbol it falls in and the offset; for a SYMBOL, its
                  address. Each line reads "ADDRESS (TYPE) NAME+OFFSET [MODULE]" as in crash, TYPE
                  being the nm-style letter (T text, D data, B bss, R read-only; lower case = local).
                    -l         list every symbol in address order
                    -q STRING  list the symbols whose names contain STRING
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-l", "-q"));
        SymbolTable symbols = call.session().symbols();
        Printer out = call.out();
        JsonOut json = out.isJson() ? out.json().beginArray("symbols") : null;
        if (o.has("-l")) {
            for (Symbol s : symbols.all()) {
                emit(out, json, s, s.address());
            }
        } else if (o.has("-q")) {
            if (o.positional().size() != 1) {
                throw new CommandException("sym: usage: sym -q STRING");
            }
            String q = o.positional().get(0);
            for (Symbol s : symbols.all()) {
                if (s.name().contains(q)) {
                    emit(out, json, s, s.address());
                }
            }
        } else {
            if (o.positional().isEmpty()) {
                throw new CommandException("sym: usage: sym ADDRESS|SYMBOL... | sym -l | sym -q STRING");
            }
            for (String arg : o.positional()) {
                lookup(call, symbols, out, json, arg);
            }
        }
        if (json != null) {
            json.end().field("source", symbols.source());
        }
    }

    private static void lookup(Invocation call, SymbolTable symbols, Printer out, JsonOut json, String arg) {
        var hex = Numbers.hexAddress(arg);
        if (hex.isPresent()) {
            long address = hex.getAsLong();
            Optional<Symbol> s = Addresses.isKernelAddress(address) ? symbols.containing(address) : Optional.empty();
            if (s.isEmpty()) {
                throw new CommandException("sym: no symbol at address " + Long.toHexString(address));
            }
            Optional<SourceLine> line = s.get().isText() ? sourceLine(call, address) : Optional.empty();
            emit(out, json, s.get(), address, line);
            return;
        }
        List<Symbol> all = symbols.findAll(arg);
        if (all.isEmpty()) {
            throw new CommandException("sym: " + Addresses.notFound(symbols, arg));
        }
        for (Symbol s : all) {
            emit(out, json, s, s.address());
        }
    }

    /** The source line of a text address when debug information covers it. */
    private static Optional<SourceLine> sourceLine(Invocation call, long address) {
        try {
            return call.session().sourceLine(address);
        } catch (VmcoreException e) {
            return Optional.empty(); // corrupt line information: the symbol alone is still the answer
        }
    }

    private static void emit(Printer out, JsonOut json, Symbol s, long address) {
        emit(out, json, s, address, Optional.empty());
    }

    private static void emit(Printer out, JsonOut json, Symbol s, long address, Optional<SourceLine> line) {
        long offset = address - s.address();
        if (json != null) {
            json.beginObject().hex("address", address).field("name", s.name()).field("offset", offset)
                    .field("type", String.valueOf(s.type()));
            s.module().ifPresent(m -> json.field("module", m));
            line.ifPresent(l -> json.field("file", l.file()).field("line", l.line()));
            json.end();
            return;
        }
        out.println(String.format("%016x (%c) %s%s%s%s", address, s.type(), s.name(), offset == 0 ? "" : "+" + offset,
                s.module().map(m -> " [" + m + "]").orElse(""),
                line.map(l -> " " + l.file() + ": " + l.line()).orElse("")));
    }
}
