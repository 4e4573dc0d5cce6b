package dev.vmcore.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Helpers over the type model: sizes, stripping typedefs, member lookup by path. */
public final class Types {
    /** Typedef and qualifier chains longer than this mean corrupt debug info. */
    private static final int MAX_CHAIN = 256;
    /** Anonymous members nest a few levels in practice; bounds the search on corrupt input. */
    private static final int MAX_DEPTH = 32;
    /** Members visited by one search at most: corrupt BTF can nest a struct in itself many times over. */
    private static final int MAX_VISITS = 100_000;

    private Types() {
    }

    /** A member found by path, with its offset from the start of the outer type. */
    public record Located(Member member, long bitOffset) {
        /** Byte offset of the member in the outer type. */
        public long offset() {
            return bitOffset / 8;
        }

        public Type type() {
            return member.type();
        }
    }

    /** sizeof(t) in bytes; saturates rather than overflowing on absurd array lengths. */
    public static long sizeof(Type t) {
        return switch (t) {
            case ArrayType a -> {
                long e = sizeof(a.element());
                yield e != 0 && a.length() > Long.MAX_VALUE / e ? Long.MAX_VALUE : e * a.length();
            }
            default -> t.size();
        };
    }

    /** {@code t} without typedefs and qualifiers. */
    public static Type strip(Type t) {
        for (int i = 0; i < MAX_CHAIN; i++) {
            switch (t) {
                case TypedefType d -> t = d.target();
                case QualifiedType q -> t = q.target();
                default -> {
                    return t;
                }
            }
        }
        return t;
    }

    /** {@code t} without qualifiers (typedefs kept). */
    public static Type unqualified(Type t) {
        for (int i = 0; i < MAX_CHAIN && t instanceof QualifiedType q; i++) {
            t = q.target();
        }
        return t;
    }

    /** The struct or union under typedefs and qualifiers, if {@code t} is one. */
    public static Optional<StructType> asStruct(Type t) {
        return strip(t) instanceof StructType s ? Optional.of(s) : Optional.empty();
    }

    /** The member called {@code name}, looking through anonymous struct/union members as C does. */
    public static Optional<Located> member(Type t, String name) {
        return asStruct(t).flatMap(s -> find(s, name, 0, 0, new int[1]));
    }

    /** The member at {@code path} ("a.b.c"), with its total offset; each step but the last must be a struct or union. */
    public static Optional<Located> memberPath(Type t, String path) {
        Type current = t;
        long offset = 0;
        Located found = null;
        for (String part : path.split("\\.", -1)) {
            Optional<Located> m = member(current, part);
            if (m.isEmpty()) {
                return Optional.empty();
            }
            offset += m.get().bitOffset();
            found = new Located(m.get().member(), offset);
            current = m.get().type();
        }
        return Optional.ofNullable(found);
    }

    /** offsetof(t, path) in bytes, as container_of needs it. */
    public static Optional<Long> offsetOf(Type t, String path) {
        return memberPath(t, path).map(Located::offset);
    }

    /** Every named member reachable without naming an anonymous member, with offsets (C's view of the struct). */
    public static List<Located> flatMembers(StructType s) {
        List<Located> out = new ArrayList<>();
        flatten(s, 0, 0, out, new int[1]);
        return out;
    }

    private static void flatten(StructType s, long base, int depth, List<Located> out, int[] visits) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (Member m : s.members()) {
            if (++visits[0] > MAX_VISITS) {
                return;
            }
            if (m.name() == null) {
                asStruct(m.type()).ifPresent(inner -> flatten(inner, base + m.bitOffset(), depth + 1, out, visits));
            } else {
                out.add(new Located(m, base + m.bitOffset()));
            }
        }
    }

    private static Optional<Located> find(StructType s, String name, long base, int depth, int[] visits) {
        if (depth > MAX_DEPTH) {
            return Optional.empty();
        }
        for (Member m : s.members()) {
            if (++visits[0] > MAX_VISITS) {
                return Optional.empty();
            }
            if (name.equals(m.name())) {
                return Optional.of(new Located(m, base + m.bitOffset()));
            }
            if (m.name() == null) {
                Optional<StructType> inner = asStruct(m.type());
                if (inner.isPresent()) {
                    Optional<Located> r = find(inner.get(), name, base + m.bitOffset(), depth + 1, visits);
                    if (r.isPresent()) {
                        return r;
                    }
                }
            }
        }
        return Optional.empty();
    }
}
