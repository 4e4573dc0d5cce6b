package dev.vmcore.commands;

import dev.vmcore.program.Session;
import dev.vmcore.program.expr.Evaluator;
import dev.vmcore.program.expr.ExpressionException;
import dev.vmcore.program.expr.PerCpu;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.TypedefType;
import dev.vmcore.types.Types;
import dev.vmcore.types.Variable;
import dev.vmcore.util.Lazy;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** whatis (and ptype): a type's definition, a symbol's declaration, or an expression's type. */
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
                  whatis - type definition, or the type of a symbol or expression (ptype is the same)

                SYNOPSIS
                  whatis [-o] struct NAME | union NAME | enum NAME | TYPEDEF | SYMBOL | EXPRESSION

                DESCRIPTION
                  For a type, its definition (structs and unions with their SIZE; -o adds member
                  offsets). For a symbol, its declaration as crash shows it ("char comm[16];") when
                  the types know it (with BTF alone: functions and per-CPU variables), else its
                  address and nm-style type letter as sym prints it. For any other expression
                  (see help p), the type gdb's whatis gives: "whatis init_task.pid" is pid_t.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-o"));
        if (o.positional().isEmpty()) {
            throw new CommandException("whatis: usage: whatis struct NAME | union NAME | enum NAME | TYPEDEF | SYMBOL"
                    + " | EXPRESSION");
        }
        String arg = String.join(" ", o.positional());
        String first = o.positional().get(0);
        TypeSource types = call.session().types();
        boolean keyword = first.equals("struct") || first.equals("union") || first.equals("enum");
        // crash's order (cmd_whatis): struct/union/enum NAME, then a symbol, then a type name, then gdb's whatis.
        // As crash, a first word that is a symbol is the question, whatever follows it.
        Optional<Symbol> s = keyword ? Optional.empty() : Addresses.symbolsIfAny(call).flatMap(st -> st.find(first));
        if (s.isPresent()) {
            symbol(call, s.get(), types.findVariable(first));
            return;
        }
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
        if (keyword) {
            throw new CommandException("whatis: cannot resolve: " + arg + " (no such type in " + types.description()
                    + ")");
        }
        Optional<Variable> v = types.findVariable(arg);
        if (v.isPresent()) {
            String decl = ExpressionPrinter.declaration(arg, v.get().type());
            if (out.isJson()) {
                out.json().field("name", arg).field("kind", "variable").field("type", TypeNames.name(v.get().type()))
                        .field("declaration", decl);
            } else {
                out.println(decl);
            }
            return;
        }
        expression(call, arg);
    }

    /** crash's whatis_variable: the declaration when the type is known, else where the symbol is. */
    private static void symbol(Invocation call, Symbol s, Optional<Variable> v) {
        Printer out = call.out();
        if (v.isPresent()) {
            String decl = ExpressionPrinter.declaration(s.name(), v.get().type());
            if (out.isJson()) {
                out.json().field("name", s.name()).field("kind", "symbol").hex("address", s.address())
                        .field("type", TypeNames.name(v.get().type())).field("declaration", decl);
            } else {
                out.println(decl);
            }
            return;
        }
        if (out.isJson()) {
            out.json().field("name", s.name()).field("kind", "symbol").hex("address", s.address())
                    .field("symbolType", String.valueOf(s.type()));
        } else {
            out.println(String.format("%016x (%c) %s", s.address(), s.type(), s.name()));
        }
    }

    /** gdb's whatis EXPRESSION: the expression's type, computed without reading memory. */
    private static void expression(Invocation call, String arg) {
        Session session = call.session();
        TypeSource types = session.types();
        Type type;
        try {
            SymbolTable symbols = Addresses.symbolsIfAny(call).orElseThrow(() -> new CommandException(
                    "whatis: invalid argument: " + arg + " (no such type in " + types.description() + ", and no symbols)"));
            Evaluator evaluator = new Evaluator(types, symbols, session.kernelMemory(), Lazy.of(() -> PerCpu.of(session)),
                    List.of());
            type = evaluator.typeOf(evaluator.parse(arg));
        } catch (ExpressionException.UnknownSymbol e) {
            throw new CommandException("whatis: cannot resolve: " + arg + " (no such type in " + types.description()
                    + ", and no symbol \"" + e.name() + "\")");
        } catch (ExpressionException.NoTypeInformation e) {
            throw new CommandException("whatis: " + PCommand.noTypeInformation(call, e.symbol()).substring("p: ".length()));
        } catch (ExpressionException e) {
            throw new CommandException("whatis: cannot resolve: " + arg + ": " + e.getMessage()
                    + (e.column() > 0 ? " (column " + e.column() + ")" : ""));
        }
        if (call.out().isJson()) {
            call.out().json().field("name", arg).field("kind", "expression").field("type", TypeNames.name(type));
        } else {
            call.out().println(TypeNames.name(type));
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
