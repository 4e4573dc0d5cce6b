package dev.vmcore.commands;

import dev.vmcore.symbols.Symbol;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.TypedefType;
import dev.vmcore.types.Types;
import dev.vmcore.types.Variable;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** whatis (and ptype): a type's definition, or a symbol's type. */
final class WhatisCommand implements Command {
    @Override
    public String name() {
        return "whatis";
    }

    @Override
    public List<String> aliases() {
        return List.of("ptype");
    }

    @Override
    public String summary() {
        return "type definition, or the type of a symbol";
    }

    @Override
    public String help() {
        return """
                NAME
                  whatis - type definition, or the type of a symbol (ptype is the same)

                SYNOPSIS
                  whatis struct NAME | union NAME | enum NAME | TYPEDEF | SYMBOL

                DESCRIPTION
                  For a type, its definition (structs and unions with their SIZE). For a symbol,
                  its declaration when the types know it (functions, per-CPU variables with BTF),
                  else its address and nm-style type letter as sym prints it.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-o"));
        if (o.positional().isEmpty()) {
            throw new CommandException("whatis: usage: whatis struct NAME | union NAME | enum NAME | TYPEDEF | SYMBOL");
        }
        String arg = String.join(" ", o.positional());
        TypeSource types = call.session().types();
        Optional<Type> t = types.findType(arg);
        Printer out = call.out();
        if (t.isPresent()) {
            List<String> lines = describe(arg, t.get(), o.has("-o"));
            if (out.isJson()) {
                out.json().field("name", arg).field("kind", "type").field("size", Types.sizeof(t.get()))
                        .field("definition", String.join("\n", lines));
            } else {
                lines.forEach(out::println);
            }
            return;
        }
        Optional<Variable> v = types.findVariable(arg);
        if (v.isPresent()) {
            String decl = TypeNames.declaration(v.get().type(), arg) + ";";
            if (out.isJson()) {
                out.json().field("name", arg).field("kind", "symbol").field("type", TypeNames.name(v.get().type()))
                        .field("declaration", decl);
            } else {
                out.println(decl);
            }
            return;
        }
        Optional<Symbol> s = Addresses.symbolsIfAny(call).flatMap(st -> st.find(arg));
        if (s.isEmpty()) {
            throw new CommandException("whatis: invalid argument: " + arg + " (no such type in " + types.description()
                    + ", and no such symbol)");
        }
        if (out.isJson()) {
            out.json().field("name", arg).field("kind", "symbol").hex("address", s.get().address())
                    .field("symbolType", String.valueOf(s.get().type()));
        } else {
            out.println(String.format("%016x (%c) %s", s.get().address(), s.get().type(), arg));
        }
    }

    private static List<String> describe(String arg, Type t, boolean offsets) {
        Type base = Types.unqualified(t);
        if (base instanceof StructType st) {
            String title = st.tag() == null ? st.kind().keyword() : st.kind().keyword() + " " + st.tag();
            return TypeLayout.definition(title, st, offsets, false);
        }
        if (base instanceof EnumType e) {
            return TypeLayout.enumDefinition(e);
        }
        if (base instanceof TypedefType d) {
            // crash resolves the whole typedef chain: "typedef unsigned long long u64;", and expands structs.
            Type target = d.target();
            for (int i = 0; i < 64 && target instanceof TypedefType next; i++) {
                target = next.target();
            }
            if (target instanceof StructType st) {
                String title = st.tag() == null ? st.kind().keyword() : st.kind().keyword() + " " + st.tag();
                List<String> body = new java.util.ArrayList<>(TypeLayout.definition(title, st, offsets, false));
                body.set(0, "typedef " + body.get(0));
                body.set(body.size() - 2, "} " + d.name() + ";");
                return body;
            }
            return List.of("typedef " + TypeNames.declaration(target, d.name()) + ";", "SIZE: " + Types.sizeof(d));
        }
        return List.of("type = " + TypeNames.name(t), "SIZE: " + Types.sizeof(t));
    }
}
