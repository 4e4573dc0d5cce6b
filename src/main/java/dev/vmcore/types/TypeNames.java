package dev.vmcore.types;

import java.util.Map;
import java.util.StringJoiner;

/** C declarations of types as gdb prints them ("struct list_head *next", "void (*fn)(int)"). */
public final class TypeNames {
    private static final int MAX_DEPTH = 64;
    /** Steps one declaration may take: corrupt BTF can make function types refer to themselves many times over. */
    private static final int MAX_STEPS = 10_000;
    /** DWARF/BTF base type names and how gdb (and so crash) prints them. */
    private static final Map<String, String> CANONICAL = Map.of(
            "long int", "long",
            "long unsigned int", "unsigned long",
            "long long int", "long long",
            "long long unsigned int", "unsigned long long",
            "short int", "short",
            "short unsigned int", "unsigned short",
            "unsigned", "unsigned int",
            "signed", "int");

    private TypeNames() {
    }

    /** A base type name as gdb prints it: "long unsigned int" becomes "unsigned long". */
    public static String canonicalBaseName(String name) {
        return CANONICAL.getOrDefault(name, name);
    }

    /** The type's name alone, as in a cast: "struct list_head *", "char [16]", "int (*)(void)". */
    public static String name(Type t) {
        return declaration(t, "");
    }

    /** A declaration of {@code name} with type {@code t}: "char comm[16]", "void (*func)(struct rcu_head *)". */
    public static String declaration(Type t, String name) {
        return declare(t, name, 0, new int[] {MAX_STEPS});
    }

    /** The name of a struct, union or enum: "struct list_head", "union {...}". */
    public static String tagName(Type t) {
        return switch (t) {
            case StructType s -> s.kind().keyword() + " " + (s.tag() == null ? "{...}" : s.tag());
            case EnumType e -> "enum " + (e.tag() == null ? "{...}" : e.tag());
            default -> name(t);
        };
    }

    private static String declare(Type t, String inner, int depth, int[] budget) {
        if (depth > MAX_DEPTH || --budget[0] < 0) {
            return "? " + inner;
        }
        return switch (t) {
            case PointerType p -> {
                Type target = p.target();
                boolean wrap = target instanceof ArrayType || target instanceof FunctionType;
                yield declare(target, wrap ? "(*" + inner + ")" : "*" + inner, depth + 1, budget);
            }
            case ArrayType a -> declare(a.element(), inner + "[" + (a.flexible() ? "" : a.length()) + "]", depth + 1, budget);
            case FunctionType f -> declare(f.returnType(), inner + params(f, depth + 1, budget), depth + 1, budget);
            case QualifiedType q when Types.unqualified(q.target()) instanceof PointerType ->
                    declare(q.target(), q.qualifier().keyword() + (inner.isEmpty() ? "" : " " + inner), depth + 1, budget);
            case QualifiedType q -> q.qualifier().keyword() + " " + declare(q.target(), inner, depth + 1, budget);
            default -> join(base(t), inner);
        };
    }

    private static String join(String base, String inner) {
        if (inner.isEmpty()) {
            return base;
        }
        return base + " " + inner;
    }

    private static String base(Type t) {
        return switch (t) {
            case VoidType v -> "void";
            case IntType i -> i.name();
            case BoolType b -> b.name();
            case FloatType f -> f.name();
            case TypedefType d -> d.name();
            case StructType s -> tagName(s);
            case EnumType e -> tagName(e);
            default -> name(t);
        };
    }

    private static String params(FunctionType f, int depth, int[] budget) {
        if (f.params().isEmpty()) {
            return f.variadic() ? "(...)" : "(void)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (FunctionType.Param p : f.params()) {
            j.add(declare(p.type(), "", depth + 1, budget));
        }
        if (f.variadic()) {
            j.add("...");
        }
        return j.toString();
    }
}
