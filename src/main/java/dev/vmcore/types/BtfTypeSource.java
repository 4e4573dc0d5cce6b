package dev.vmcore.types;

import dev.vmcore.format.btf.Btf;
import dev.vmcore.format.btf.BtfKind;
import dev.vmcore.format.btf.BtfType;
import dev.vmcore.util.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Types from BTF. Each BTF id becomes a {@link Type} on first use and is kept; the name index is
 * built once, on the first lookup by name, from the names' bytes without decoding the types.
 * Thread-safe.
 */
public final class BtfTypeSource implements TypeSource {
    private static final long POINTER_SIZE = 8;

    private final Btf btf;
    private final String description;
    private final Type[] converted;
    private final boolean[] converting;
    private volatile Index typeIndex;
    private volatile Index variableIndex;

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
        Index types = typeIndex();
        int id = types.type(n);
        if (id == 0) {
            id = types.type(TypeNames.canonicalBaseName(n));
        }
        if (id == 0 && !n.contains(" ")) {
            for (int group : new int[] {Index.STRUCT, Index.UNION, Index.ENUM}) {
                id = types.get(group, n);
                if (id != 0) {
                    break;
                }
            }
        }
        return id == 0 ? Optional.empty() : Optional.of(type(id));
    }

    @Override
    public java.util.Collection<String> typeNames() {
        return typeIndex().typeNames();
    }

    @Override
    public Optional<Variable> findVariable(String name) {
        int id = variableIndex().get(Index.VARIABLE, name);
        if (id == 0) {
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
        int full = f.name().isEmpty() ? 0 : typeIndex().get(f.union() ? Index.UNION : Index.STRUCT, f.name());
        if (full != 0 && btf.kindOf(full) != BtfKind.FWD) {
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

    /** The index of type names, built on first use. */
    private Index typeIndex() {
        Index i = typeIndex;
        if (i == null) {
            synchronized (this) {
                i = typeIndex;
                if (i == null) {
                    i = new Index(btf, false);
                    typeIndex = i;
                }
            }
        }
        return i;
    }

    /** The index of variables and functions (most BTF names), built on first use. */
    private Index variableIndex() {
        Index i = variableIndex;
        if (i == null) {
            synchronized (this) {
                i = variableIndex;
                if (i == null) {
                    i = new Index(btf, true);
                    variableIndex = i;
                }
            }
        }
        return i;
    }

    /**
     * Type ids by name, in groups: plain names (typedefs, integers, floats), struct, union and enum
     * tags; or variables and functions, a group of their own. An open-addressing table of name
     * hashes holds the ids; names are compared as BTF bytes, so building it makes no String per
     * type. Where ids share a name the first wins, except that a struct or union definition wins
     * over a FWD; an integer is also found by its canonical name ("unsigned long" for "long
     * unsigned int").
     */
    private static final class Index {
        static final int PLAIN = 0;
        static final int STRUCT = 1;
        static final int UNION = 2;
        static final int ENUM = 3;
        static final int VARIABLE = 4;
        private static final String[] PREFIXES = {"", "struct ", "union ", "enum "};
        private static final int CHUNK = 16;
        private static final Set<BtfKind> TYPE_KINDS = EnumSet.of(BtfKind.STRUCT, BtfKind.UNION, BtfKind.FWD,
                BtfKind.ENUM, BtfKind.ENUM64, BtfKind.TYPEDEF, BtfKind.INT, BtfKind.FLOAT);
        private static final Set<BtfKind> VARIABLE_KINDS = EnumSet.of(BtfKind.VAR, BtfKind.FUNC);

        private final Btf btf;
        /** Open addressing, linear probing; at most half full (as many slots as ids, twice over). */
        private final int[] ids;
        private final int[] hashes;
        private final byte[] groups;
        private final int mask;
        /** Canonical integer names that differ from the BTF's ("unsigned long"), to the first id. */
        private final Map<String, Integer> aliases = new HashMap<>();
        private Set<String> names;

        /** Indexes the types of {@code btf}, or its variables and functions when {@code variables}. */
        Index(Btf btf, boolean variables) {
            this.btf = btf;
            int[] all = btf.idsOf(variables ? VARIABLE_KINDS : TYPE_KINDS);
            int capacity = Integer.highestOneBit(Math.max(all.length, 8)) * 4;
            ids = new int[capacity];
            hashes = new int[capacity];
            groups = new byte[capacity];
            mask = capacity - 1;
            for (int i = 0; i < all.length; i += CHUNK) {
                addChunk(all, i, Math.min(all.length, i + CHUNK));
            }
        }

        /**
         * Adds {@code all[from..to)}. Short calls of a loop get it compiled (C1) after a few
         * thousand ids, where one long loop would run interpreted for tens of thousands.
         */
        private void addChunk(int[] all, int from, int to) {
            for (int i = from; i < to; i++) {
                add(all[i]);
            }
        }

        private void add(int id) {
            BtfKind kind = btf.kindOf(id);
            if (!btf.named(id)) {
                return;
            }
            int group = switch (kind) {
                case STRUCT -> STRUCT;
                case UNION -> UNION;
                case FWD -> ((BtfType.Forward) btf.type(id)).union() ? UNION : STRUCT;
                case ENUM, ENUM64 -> ENUM;
                case VAR, FUNC -> VARIABLE;
                default -> PLAIN; // TYPEDEF, INT, FLOAT
            };
            put(group, id, kind == BtfKind.STRUCT || kind == BtfKind.UNION);
            if (kind == BtfKind.INT) {
                String name = btf.nameOf(id);
                String canonical = TypeNames.canonicalBaseName(name);
                if (!canonical.equals(name)) {
                    aliases.putIfAbsent(canonical, id);
                }
            }
        }

        /** Adds {@code id} unless its name is there already; a definition replaces a FWD. */
        private void put(int group, int id, boolean definition) {
            int h = btf.nameHash(id);
            for (int slot = slot(h, group); ; slot = (slot + 1) & mask) {
                int old = ids[slot];
                if (old == 0) {
                    ids[slot] = id;
                    hashes[slot] = h;
                    groups[slot] = (byte) group;
                    return;
                }
                if (hashes[slot] == h && groups[slot] == group && btf.sameName(old, id)) {
                    if (definition && btf.kindOf(old) == BtfKind.FWD) {
                        ids[slot] = id;
                    }
                    return;
                }
            }
        }

        private int slot(int hash, int group) {
            int x = (hash * 31 + group) * 0x9e3779b9;
            return (x ^ x >>> 15) & mask;
        }

        /** The id of the type named {@code key} as C says it ("struct task_struct", "u64"), or 0. */
        int type(String key) {
            for (int group = STRUCT; group <= ENUM; group++) {
                if (key.startsWith(PREFIXES[group])) {
                    return get(group, key.substring(PREFIXES[group].length()));
                }
            }
            int id = get(PLAIN, key);
            Integer alias = aliases.get(key);
            return alias != null && (id == 0 || alias < id) ? alias : id;
        }

        /** The id named {@code name} in {@code group}, or 0. */
        int get(int group, String name) {
            if (name.isEmpty()) {
                return 0;
            }
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            int h = Btf.hash(utf8);
            for (int slot = slot(h, group); ids[slot] != 0; slot = (slot + 1) & mask) {
                if (hashes[slot] == h && groups[slot] == group && btf.nameEquals(ids[slot], utf8)) {
                    return ids[slot];
                }
            }
            return 0;
        }

        /** Every type name as {@link #type} takes it; made on first use. */
        synchronized Set<String> typeNames() {
            if (names == null) {
                Set<String> all = new HashSet<>(aliases.keySet());
                for (int slot = 0; slot <= mask; slot++) {
                    if (ids[slot] != 0 && groups[slot] != VARIABLE) {
                        all.add(PREFIXES[groups[slot]] + btf.nameOf(ids[slot]));
                    }
                }
                names = Collections.unmodifiableSet(all);
            }
            return names;
        }
    }
}
