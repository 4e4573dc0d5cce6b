package dev.vmcore.commands;

import dev.vmcore.util.Similar;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.BoolType;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.IntType;
import dev.vmcore.types.Member;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** struct and union: a type's definition (with offsets under -o), or the values of one in memory. */
final class StructCommand implements Command {
    /** One struct display reads at most this much memory (COUNT times the size). */
    private static final long MAX_BYTES = 1 << 20;

    private final StructType.Kind kind;

    StructCommand(StructType.Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind.keyword();
    }

    @Override
    public String summary() {
        return kind.keyword() + " contents or definition";
    }

    @Override
    public String help() {
        String k = kind.keyword();
        return """
                NAME
                  %1$s - %1$s contents or definition

                SYNOPSIS
                  %1$s NAME[.MEMBER[,MEMBER...]] [-o] [-x|-d] [ADDRESS|SYMBOL] [COUNT]

                DESCRIPTION
                  Without an address, shows the definition of %1$s NAME and its size; -o adds
                  each member's offset as crash does. With an ADDRESS (hex) or SYMBOL, shows the
                  %1$s's values there (COUNT consecutive ones), or only the named MEMBERs.
                    -o  show member offsets
                    -x  integers in hexadecimal
                    -d  integers in decimal (no characters for char values)
                  Types come from the kernel's BTF, each module's BTF, the vmlinux's DWARF and
                  the modules' .ko DWARF (-m), in that order; help -s lists them.
                """.formatted(k);
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-o", "-x", "-d"));
        List<String> pos = o.positional();
        if (pos.isEmpty() || pos.size() > 3) {
            throw new CommandException(name() + ": usage: " + name()
                    + " NAME[.MEMBER[,MEMBER...]] [-o] [-x|-d] [ADDRESS|SYMBOL] [COUNT]");
        }
        String spec = pos.get(0);
        int dot = spec.indexOf('.');
        String typeName = dot < 0 ? spec : spec.substring(0, dot);
        List<String> members = dot < 0 ? List.of() : List.of(spec.substring(dot + 1).split(","));
        StructType st = lookup(call.session().types(), typeName);
        String title = kind.keyword() + " " + typeName;
        String radixFlag = o.oneOf(name(), "-x", "-d");
        boolean hex = "-x".equals(radixFlag);
        if (pos.size() == 1) {
            if (!members.isEmpty()) {
                definitionOfMembers(call, st, title, members);
                return;
            }
            printDefinition(call, title, st, o.has("-o"), hex);
            return;
        }
        long address = Addresses.resolve(call, name(), pos.get(1));
        if (o.has("-o")) {
            if (call.out().isJson()) {
                JsonValues.layout(call.out().json().field("type", title).hex("address", address).field("size", st.size()), st);
            } else {
                TypeLayout.definition(title, st, true, hex, address).forEach(call.out()::println);
            }
            return;
        }
        long count = pos.size() > 2 ? Numbers.count(name(), pos.get(2)) : 1;
        if (count <= 0 || st.size() <= 0 || count > MAX_BYTES / st.size()) {
            throw new CommandException(name() + ": count " + count + " out of range");
        }
        ValueFormatter.Radix radix = radixFlag == null ? ValueFormatter.Radix.DEFAULT
                : hex ? ValueFormatter.Radix.HEX : ValueFormatter.Radix.DECIMAL;
        ValueFormatter f = new ValueFormatter(call.session().kernelMemory(), () -> Addresses.symbolsIfAny(call), radix);
        JsonOut json = call.out().isJson() ? call.out().json().field("type", title).beginArray("objects") : null;
        for (long i = 0; i < count; i++) {
            long at = address + i * st.size();
            byte[] data = read(call, at, st.size(), title);
            if (json == null && i > 0) {
                call.out().println("");
            }
            if (json != null) {
                json.beginObject().hex("address", at);
                JsonValues.members(json, f, st, data, 0, members);
                json.end();
            } else {
                printValues(call, f, title, st, data, members);
            }
        }
        if (json != null) {
            json.end();
        }
    }

    /** The error for an unknown member: crash's words, plus the members named most like it. */
    private CommandException noMember(StructType st, String title, String path) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        List<String> similar = Similar.names(Types.flatMembers(st).stream().map(l -> l.member().name()).toList(), last,
                Addresses.MAX_SUGGESTIONS);
        return new CommandException(name() + ": invalid data structure reference: " + title + "." + path
                + (similar.isEmpty() ? "" : " (similar members: " + String.join(", ", similar) + ")"));
    }

    private StructType lookup(TypeSource types, String typeName) {
        Optional<Type> t = types.findType(kind.keyword() + " " + typeName);
        if (t.isEmpty() || !(t.get() instanceof StructType st)) {
            String prefix = kind.keyword() + " ";
            List<String> similar = Similar.names(types.typeNames().stream().filter(n -> n.startsWith(prefix))
                    .map(n -> n.substring(prefix.length())).toList(), typeName, Addresses.MAX_SUGGESTIONS);
            throw new CommandException(name() + ": invalid data structure reference: " + typeName
                    + " (not in " + types.description() + (similar.isEmpty() ? "" : "; similar: "
                    + String.join(", ", similar)) + ")");
        }
        return st;
    }

    private byte[] read(Invocation call, long address, long size, String title) {
        try {
            return call.session().kernelMemory().readBytes(address, (int) size);
        } catch (MemoryFault f) {
            // crash names the address asked for; the cause (which page, why) follows as rd gives it.
            throw new CommandException(String.format(Locale.ROOT, "%s: invalid kernel virtual address: %x  type: \"%s\" (%s)",
                    name(), address, title, f.address() == address ? f.problem() : f.getMessage()));
        }
    }

    private static void printDefinition(Invocation call, String title, StructType st, boolean offsets, boolean hex) {
        if (call.out().isJson()) {
            JsonOut j = call.out().json().field("type", title).field("size", st.size());
            JsonValues.layout(j, st);
            return;
        }
        for (String line : TypeLayout.definition(title, st, offsets, hex)) {
            call.out().println(line);
        }
    }

    private void definitionOfMembers(Invocation call, StructType st, String title, List<String> members) {
        JsonOut j = call.out().isJson() ? call.out().json().field("type", title).beginArray("members") : null;
        if (j == null) {
            call.out().println(title + " {");
        }
        for (String m : members) {
            Types.Located l = Types.memberPath(st, m).orElseThrow(() -> noMember(st, title, m));
            String decl = TypeNames.declaration(l.type(), l.member().name())
                    + (l.member().isBitfield() ? " : " + l.member().bitSize() : "") + ";";
            if (j != null) {
                j.beginObject().field("name", m).field("type", TypeNames.name(l.type())).field("offset", l.offset()).end();
            } else {
                call.out().println(String.format(Locale.ROOT, "  [%d] %s", l.offset(), decl));
            }
        }
        if (j != null) {
            j.end();
        } else {
            call.out().println("}");
        }
    }

    private void printValues(Invocation call, ValueFormatter f, String title, StructType st, byte[] data,
                             List<String> members) {
        if (members.isEmpty()) {
            for (String line : (title + " " + f.struct(st, data, 0, 0)).split("\n")) {
                call.out().println(line);
            }
            return;
        }
        for (String m : members) {
            Types.Located l = Types.memberPath(st, m).orElseThrow(() -> noMember(st, title, m));
            String v = f.format(l.type(), data, l.bitOffset(), l.member().bitSize(), 1);
            for (String line : ("  " + m + " = " + v + ",").split("\n")) {
                call.out().println(line);
            }
        }
    }

    /** JSON of types and values: addresses and pointers as "0x..." strings, integers as numbers. */
    static final class JsonValues {
        private JsonValues() {
        }

        static void layout(JsonOut j, StructType st) {
            j.beginArray("members");
            for (Member m : st.members()) {
                j.beginObject();
                if (m.name() != null) {
                    j.field("name", m.name());
                }
                j.field("type", TypeNames.name(m.type())).field("offset", m.offset());
                if (m.isBitfield()) {
                    j.field("bitOffset", m.bitOffset()).field("bitSize", m.bitSize());
                }
                if (m.name() == null || (Types.unqualified(m.type()) instanceof StructType s && s.tag() == null)) {
                    Types.asStruct(m.type()).ifPresent(inner -> layout(j, inner));
                }
                j.end();
            }
            j.end();
        }

        static void members(JsonOut j, ValueFormatter f, StructType st, byte[] data, long bitOff, List<String> only) {
            if (only.isEmpty()) {
                f.json(j, st, data, bitOff, 0);
                return;
            }
            j.beginArray("members");
            for (String name : only) {
                Types.Located l = Types.memberPath(st, name).orElseThrow(() -> new CommandException(
                        "invalid data structure reference: " + name));
                j.beginObject().field("name", name).field("type", TypeNames.name(l.type()))
                        .field("offset", (bitOff + l.bitOffset()) / 8);
                f.json(j, l.type(), data, bitOff + l.bitOffset(), l.member().bitSize());
                j.end();
            }
            j.end();
        }
    }
}
