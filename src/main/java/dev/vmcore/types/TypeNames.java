package dev.vmcore.types;

import java.util.ArrayList;
import java.util.List;
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
        return declare(t, name, 0, new int[] {MAX_STEPS}, false);
    }

    /**
     * A member's declaration as gdb's ptype prints it inside a struct or union: as
     * {@link #declaration}, except that an anonymous enum shows its enumerators, with a value
     * where it does not follow from the one before (gdb's c_type_print_base at show 0):
     * "enum {RTNL_LINK_INITIALIZED, RTNL_LINK_INITIALIZING} rtnl_link_state".
     */
    public static String memberDeclaration(Type t, String name) {
        return declare(t, name, 0, new int[] {MAX_STEPS}, true);
    }

    /** The name of a struct, union or enum: "struct list_head", "union {...}". */
    public static String tagName(Type t) {
        return switch (t) {
            case StructType s -> s.kind().keyword() + " " + (s.tag() == null ? "{...}" : s.tag());
            case EnumType e -> "enum " + (e.tag() == null ? "{...}" : e.tag());
            default -> name(t);
        };
    }

    private static String declare(Type t, String inner, int depth, int[] budget, boolean expandEnums) {
        if (depth > MAX_DEPTH || --budget[0] < 0) {
            return "? " + inner;
        }
        t = qualifiersToElements(t);
        return switch (t) {
            case PointerType p -> {
                Type target = qualifiersToElements(p.target());
                boolean wrap = target instanceof ArrayType || target instanceof FunctionType;
                yield declare(target, wrap ? "(*" + inner + ")" : "*" + inner, depth + 1, budget, expandEnums);
            }
            case ArrayType a -> declare(a.element(), inner + "[" + (a.flexible() ? "" : a.length()) + "]", depth + 1,
                    budget, expandEnums);
            case FunctionType f -> declare(f.returnType(), inner + params(f, depth + 1, budget, expandEnums), depth + 1,
                    budget, expandEnums);
            // gdb: "char * const p", "void * restrict" (c_type_print_modifier after the '*')
            case QualifiedType q when Types.unqualified(q.target()) instanceof PointerType -> declare(q.target(),
                    " " + q.qualifier().keyword() + (inner.isEmpty() || inner.startsWith(" ") ? inner : " " + inner),
                    depth + 1, budget, expandEnums);
            case QualifiedType q -> q.qualifier().keyword() + " " + declare(q.target(), inner, depth + 1, budget,
                    expandEnums);
            case EnumType e when expandEnums && e.tag() == null -> join(enumerators(e), inner);
            default -> join(base(t), inner);
        };
    }

    /**
     * A qualified array as C means it, with qualified elements: DWARF and BTF write
     * {@code const char x[]} as const of array of const char, and gdb prints "const char x[]"
     * (add_array_cv_type), not "const const char x[]". Other types as they are.
     */
    private static Type qualifiersToElements(Type t) {
        if (!(t instanceof QualifiedType) || !(Types.unqualified(t) instanceof ArrayType a)) {
            return t;
        }
        List<QualifiedType.Qualifier> qualifiers = new ArrayList<>();
        for (Type x = t; x instanceof QualifiedType q && qualifiers.size() < MAX_DEPTH; x = q.target()) {
            qualifiers.add(q.qualifier());
        }
        return withQualifiedElements(a, qualifiers, 0);
    }

    private static ArrayType withQualifiedElements(ArrayType a, List<QualifiedType.Qualifier> qualifiers, int depth) {
        Type e = a.element();
        if (Types.unqualified(e) instanceof ArrayType inner && depth < MAX_DEPTH) {
            e = withQualifiedElements(inner, qualifiers, depth + 1); // int x[2][3]: the innermost elements
        } else {
            for (int i = qualifiers.size() - 1; i >= 0; i--) {
                if (!hasQualifier(e, qualifiers.get(i))) {
                    e = new QualifiedType(qualifiers.get(i), e);
                }
            }
        }
        return new ArrayType(e, a.length(), a.flexible());
    }

    private static boolean hasQualifier(Type t, QualifiedType.Qualifier qualifier) {
        for (int i = 0; i < MAX_DEPTH && t instanceof QualifiedType q; i++, t = q.target()) {
            if (q.qualifier() == qualifier) {
                return true;
            }
        }
        return false;
    }

    /** "enum {A, B, C = 8}": as gdb, a value only where it is not one more than the previous (from 0). */
    private static String enumerators(EnumType e) {
        StringJoiner j = new StringJoiner(", ", "enum {", "}");
        long last = 0;
        for (EnumType.Enumerator x : e.enumerators()) {
            j.add(x.value() == last ? x.name() : x.name() + " = " + x.value());
            last = x.value() + 1;
        }
        return j.toString();
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

    private static String params(FunctionType f, int depth, int[] budget, boolean expandEnums) {
        if (f.params().isEmpty()) {
            return f.variadic() ? "(...)" : "(void)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (FunctionType.Param p : f.params()) {
            j.add(declare(p.type(), "", depth + 1, budget, expandEnums));
        }
        if (f.variadic()) {
            j.add("...");
        }
        return j.toString();
    }
}
