package dev.vmcore.commands;

import dev.vmcore.types.EnumType;
import dev.vmcore.types.Member;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Type definitions as crash prints them (gdb's ptype, 4 spaces per level) and, for {@code struct -o},
 * with crash's offset column: "[N]" right-aligned in (digits of the size + 4) columns. Like crash,
 * which looks each declared name up in the outer struct, a line shows the offset of the first member
 * of that name C can reach from the outer struct (through anonymous members), blank when none: so
 * the members of a named member of anonymous type ("struct {...} lru_gen;") have no offset, but its
 * closing "} lru_gen;" line has.
 */
final class TypeLayout {
    private static final int MAX_DEPTH = 32;
    /** Corrupt BTF can nest an anonymous struct in itself many times over; no real definition is this long. */
    private static final int MAX_LINES = 100_000;

    private final StructType outer;
    private final boolean offsets;
    private final boolean hex;
    private final int width;
    /** For -o with an address: members show their addresses, "  [ffff...]", instead of offsets. */
    private final Long address;
    private final List<String> lines = new ArrayList<>();

    private TypeLayout(StructType outer, boolean offsets, boolean hex, Long address) {
        this.outer = outer;
        this.offsets = offsets;
        this.hex = hex;
        this.address = address;
        this.width = address != null ? 2 + 18
                : (hex ? "0x" + Long.toHexString(outer.size()) : Long.toString(outer.size())).length() + 4;
    }

    /** The definition of {@code s} under the name {@code title} ("struct task_struct"), and its SIZE line. */
    static List<String> definition(String title, StructType s, boolean offsets, boolean hex) {
        return definition(title, s, offsets, hex, null);
    }

    /** As {@link #definition(String, StructType, boolean, boolean)}; a non-null {@code address} shows member addresses. */
    static List<String> definition(String title, StructType s, boolean offsets, boolean hex, Long address) {
        TypeLayout l = new TypeLayout(s, offsets, hex, address);
        l.lines.add(title + " {");
        l.body(s, 1);
        l.lines.add("}");
        l.lines.add("SIZE: " + (hex ? "0x" + Long.toHexString(s.size()) : s.size()));
        return l.lines;
    }

    /** An enum's definition as gdb's ptype prints it. */
    static List<String> enumDefinition(EnumType e) {
        List<String> out = new ArrayList<>();
        out.add(TypeNames.tagName(e) + " {");
        for (int i = 0; i < e.enumerators().size(); i++) {
            EnumType.Enumerator x = e.enumerators().get(i);
            out.add("  " + x.name() + " = " + x.value());
        }
        out.add("};");
        return out;
    }

    private void body(StructType s, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (Member m : s.members()) {
            if (lines.size() > MAX_LINES) {
                return;
            }
            Type t = Types.unqualified(m.type());
            if (t instanceof StructType inner && inner.tag() == null) {
                line(depth, inner.kind().keyword() + " {", Optional.empty());
                body(inner, depth + 1);
                line(depth, "}" + (m.name() == null ? "" : " " + m.name()) + ";", offsetOf(m));
                continue;
            }
            String decl = TypeNames.memberDeclaration(m.type(), m.name() == null ? "" : m.name());
            if (m.isBitfield()) {
                decl += " : " + m.bitSize();
            }
            line(depth, decl + ";", offsetOf(m));
        }
    }

    /** The offset of the outer struct's member of this name, when C can name one from there. */
    private Optional<Long> offsetOf(Member m) {
        if (!offsets || m.name() == null) {
            return Optional.empty();
        }
        return Types.member(outer, m.name()).map(Types.Located::offset);
    }

    private void line(int depth, String text, Optional<Long> offset) {
        if (!offsets) {
            lines.add("    ".repeat(depth) + text);
            return;
        }
        String col = offset.map(o -> address != null ? "  [" + Long.toHexString(address + o) + "]"
                : "[" + (hex ? "0x" + Long.toHexString(o) : Long.toString(o)) + "]").orElse("");
        lines.add(" ".repeat(Math.max(0, width - col.length())) + col + " " + "    ".repeat(depth - 1) + text);
    }
}
