package dev.vmcore.types;

import dev.vmcore.format.btf.Btf;
import dev.vmcore.format.btf.BtfType;
import dev.vmcore.util.FormatException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Types from BTF. Each BTF id becomes a {@link Type} on first use and is kept; the name index is
 * built once, on the first lookup by name. Thread-safe.
 */
public final class BtfTypeSource implements TypeSource {
    private static final long POINTER_SIZE = 8;

    private final Btf btf;
    private final String description;
    private final Type[] converted;
    private final boolean[] converting;
    private volatile Index index;

    private record Index(Map<String, Integer> types, Map<String, Integer> variables) {
    }

    /** @param description what the BTF came from, e.g. "BTF from dump" */
    public BtfTypeSource(Btf btf, String description) {
        this.btf = btf;
        this.description = description;
        this.converted = new Type[btf.lastId() + 1];
        this.converting = new boolean[btf.lastId() + 1];
    }

    public Btf btf() {
        return btf;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<Type> findType(String name) {
        String n = name.strip().replaceAll("\\s+", " ");
        Map<String, Integer> types = index().types();
        Integer id = types.get(n);
        if (id == null) {
            id = types.get(TypeNames.canonicalBaseName(n));
        }
        if (id == null && !n.contains(" ")) {
            for (String prefix : new String[] {"struct ", "union ", "enum "}) {
                id = types.get(prefix + n);
                if (id != null) {
                    break;
                }
            }
        }
        return id == null ? Optional.empty() : Optional.of(type(id));
    }

    @Override
    public java.util.Collection<String> typeNames() {
        return java.util.Collections.unmodifiableSet(index().types().keySet());
    }

    @Override
    public Optional<Variable> findVariable(String name) {
        Integer id = index().variables().get(name);
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(switch (btf.type(id)) {
            case BtfType.Variable v -> new Variable(name, type(v.type()));
            case BtfType.Function f -> new Variable(name, type(f.protoType()));
            default -> throw new IllegalStateException("indexed as a variable: " + btf.type(id));
        });
    }

    /** The type with BTF id {@code id} (0 = void). */
    public synchronized Type type(int id) {
        if (id == 0) {
            return VoidType.INSTANCE;
        }
        Type t = converted[id];
        if (t != null) {
            return t;
        }
        if (converting[id]) {
            throw new FormatException(btf.source(), -1, "BTF type " + id + " refers to itself");
        }
        converting[id] = true;
        try {
            t = convert(id, btf.type(id));
        } finally {
            converting[id] = false;
        }
        converted[id] = t;
        return t;
    }

    private Type convert(int id, BtfType b) {
        return switch (b) {
            case BtfType.Int i -> integer(i);
            case BtfType.FloatingPoint f -> new FloatType(f.name(), f.size());
            case BtfType.Pointer p -> new PointerType(POINTER_SIZE, () -> type(p.type()));
            case BtfType.Array a -> new ArrayType(type(a.elementType()), a.count());
            case BtfType.Composite c -> new StructType(c.union() ? StructType.Kind.UNION : StructType.Kind.STRUCT,
                    c.name().isEmpty() ? null : c.name(), c.size(), true, () -> members(c));
            case BtfType.Forward f -> forward(f);
            case BtfType.Enumeration e -> new EnumType(e.name().isEmpty() ? null : e.name(), e.size(), e.signed(),
                    e.values().stream().map(v -> new EnumType.Enumerator(v.name(), v.value())).toList());
            case BtfType.Typedef d -> new TypedefType(d.name(), type(d.type()));
            case BtfType.Qualifier q -> switch (q.kind()) {
                case CONST -> new QualifiedType(QualifiedType.Qualifier.CONST, type(q.type()));
                case VOLATILE -> new QualifiedType(QualifiedType.Qualifier.VOLATILE, type(q.type()));
                case RESTRICT -> new QualifiedType(QualifiedType.Qualifier.RESTRICT, type(q.type()));
                default -> type(q.type()); // TYPE_TAG: an annotation, transparent here
            };
            case BtfType.FunctionProto p -> new FunctionType(type(p.returnType()), p.params().stream()
                    .map(x -> new FunctionType.Param(x.name().isEmpty() ? null : x.name(), type(x.type()))).toList(),
                    p.variadic());
            case BtfType.Function f -> type(f.protoType());
            case BtfType.Variable v -> type(v.type());
            case BtfType.DataSection d -> VoidType.INSTANCE;
            case BtfType.DeclTag d -> type(d.type());
        };
    }

    private static Type integer(BtfType.Int i) {
        if ((i.encoding() & BtfType.Int.BOOL) != 0) {
            return new BoolType(i.name(), i.size());
        }
        String name = TypeNames.canonicalBaseName(i.name());
        boolean character = (i.encoding() & BtfType.Int.CHAR) != 0 || name.endsWith("char");
        return new IntType(name, i.size(), i.signed(), character);
    }

    /** A FWD is the full struct when the BTF has one of that name, else an incomplete struct. */
    private Type forward(BtfType.Forward f) {
        String key = (f.union() ? "union " : "struct ") + f.name();
        Integer full = f.name().isEmpty() ? null : index().types().get(key);
        if (full != null && !(btf.type(full) instanceof BtfType.Forward)) {
            return type(full);
        }
        return new StructType(f.union() ? StructType.Kind.UNION : StructType.Kind.STRUCT,
                f.name().isEmpty() ? null : f.name(), 0, false, List::of);
    }

    private List<Member> members(BtfType.Composite c) {
        List<Member> out = new ArrayList<>(c.members().size());
        List<BtfType.Member> all = c.members();
        for (int i = 0; i < all.size(); i++) {
            BtfType.Member m = all.get(i);
            Type t = type(m.type());
            if (i == all.size() - 1 && !c.union() && Types.unqualified(t) instanceof ArrayType a && a.length() == 0) {
                // BTF writes x[] and x[0] alike; only a last member can be a flexible array member.
                t = flexible(t);
            }
            out.add(new Member(m.name().isEmpty() ? null : m.name(), t, m.bitOffset(), m.bitSize()));
        }
        return out;
    }

    /** A zero-length array (under its qualifiers: {@code const char x[]}) as a flexible one. */
    private static Type flexible(Type t) {
        return switch (t) {
            case QualifiedType q -> new QualifiedType(q.qualifier(), flexible(q.target()));
            case ArrayType a -> new ArrayType(a.element(), 0, true);
            default -> t;
        };
    }

    private Index index() {
        Index i = index;
        if (i == null) {
            synchronized (this) {
                i = index;
                if (i == null) {
                    i = buildIndex();
                    index = i;
                }
            }
        }
        return i;
    }

    private Index buildIndex() {
        Map<String, Integer> types = new HashMap<>();
        Map<String, Integer> variables = new HashMap<>();
        for (int id = 1; id <= btf.lastId(); id++) {
            BtfType t = btf.type(id);
            if (t.name().isEmpty()) {
                continue;
            }
            switch (t) {
                case BtfType.Composite c -> preferDefinition(types, (c.union() ? "union " : "struct ") + c.name(), id);
                case BtfType.Forward f -> types.putIfAbsent((f.union() ? "union " : "struct ") + f.name(), id);
                case BtfType.Enumeration e -> types.putIfAbsent("enum " + e.name(), id);
                case BtfType.Typedef d -> types.putIfAbsent(d.name(), id);
                case BtfType.Int i -> {
                    types.putIfAbsent(i.name(), id);
                    types.putIfAbsent(TypeNames.canonicalBaseName(i.name()), id);
                }
                case BtfType.FloatingPoint f -> types.putIfAbsent(f.name(), id);
                case BtfType.Variable v -> variables.putIfAbsent(v.name(), id);
                case BtfType.Function f -> variables.putIfAbsent(f.name(), id);
                default -> {
                }
            }
        }
        return new Index(Map.copyOf(types), Map.copyOf(variables));
    }

    private void preferDefinition(Map<String, Integer> types, String key, int id) {
        Integer old = types.get(key);
        if (old == null || btf.type(old) instanceof BtfType.Forward) {
            types.put(key, id);
        }
    }
}
