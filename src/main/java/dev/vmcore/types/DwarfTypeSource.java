package dev.vmcore.types;

import dev.vmcore.format.dwarf.Die;
import dev.vmcore.format.dwarf.Dw;
import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.dwarf.IndexEntry;
import dev.vmcore.util.FormatException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Types and variables from DWARF (2 to 5). Each type DIE becomes a {@link Type} on first use and
 * is kept by its {@code .debug_info} offset; struct members and pointer targets resolve lazily, so
 * a struct that points to itself is no problem and nothing is built that is not asked for. Names
 * go through the {@link Dwarf#index() name index}, built on the first lookup by name.
 *
 * <p>A declaration ({@code struct foo;}, DW_AT_declaration) becomes the first complete definition
 * of that tag and name anywhere in the DWARF (or in the type unit its DW_AT_signature names): the
 * kernel's units declare far more structs than they define. A unit's own copy of a struct (each
 * unit that includes a header has one) becomes that first definition too when it is the same
 * definition: same size, declared at the same line and column, same members at the same places.
 * So a type reached from anywhere is one object, as in deduplicated BTF, and a walk over the types
 * does not visit each header's structs once per unit. Thread-safe: lookups of converted types
 * take no lock; conversions are serialized.
 *
 * <p>Bit-field positions become little-endian bit offsets from the start of the struct, as BTF
 * records them, from DW_AT_data_bit_offset (DWARF 4 and 5) or from the DWARF 2/3 pair
 * DW_AT_bit_offset (counted from the most significant bit of a DW_AT_byte_size storage unit) and
 * DW_AT_data_member_location; the latter may be a constant or a DW_OP_plus_uconst expression.
 */
public final class DwarfTypeSource implements TypeSource {
    // DWARF 5 constants beyond those of Dw (section 7 of the standard).
    private static final int TAG_CLASS_TYPE = 0x02;
    private static final int TAG_REFERENCE_TYPE = 0x10;
    private static final int TAG_UNSPECIFIED_PARAMETERS = 0x18;
    private static final int TAG_PTR_TO_MEMBER_TYPE = 0x1f;
    private static final int TAG_RESTRICT_TYPE = 0x37;
    private static final int TAG_UNSPECIFIED_TYPE = 0x3b;
    private static final int TAG_SHARED_TYPE = 0x40;
    private static final int TAG_RVALUE_REFERENCE_TYPE = 0x42;
    private static final int TAG_ATOMIC_TYPE = 0x47;
    private static final int TAG_IMMUTABLE_TYPE = 0x4b;
    /** DWARF 2/3 bit-field position: bits from the most significant bit of the storage unit. */
    private static final int AT_BIT_OFFSET = 0x0c;
    private static final int AT_LOWER_BOUND = 0x22;
    private static final int AT_DECL_COLUMN = 0x39;
    /** On a declaration whose definition is in a type unit: that unit's signature (ref_sig8). */
    private static final int AT_SIGNATURE = 0x69;
    private static final int ATE_BOOLEAN = 0x02;
    private static final int ATE_COMPLEX_FLOAT = 0x03;
    private static final int ATE_FLOAT = 0x04;
    private static final int ATE_SIGNED = 0x05;
    private static final int ATE_SIGNED_CHAR = 0x06;
    private static final int ATE_UNSIGNED_CHAR = 0x08;
    private static final int OP_CONSTU = 0x10;
    private static final int OP_PLUS_UCONST = 0x23;
    private static final int OP_LIT0 = 0x30;
    private static final int OP_LIT31 = 0x4f;

    /** Type DIEs one conversion may nest (typedef of typedef of array of ...); real chains are short. */
    private static final int MAX_NESTING = 512;
    /** Names whose lookup result is kept; past this, lookups still work but are not remembered. */
    private static final int NAME_CACHE_LIMIT = 16_384;
    /** DW_AT_specification / DW_AT_abstract_origin hops followed to find a variable's or function's type. */
    private static final int MAX_HOPS = 8;
    private static final String[] TAG_PREFIXES = {"struct ", "union ", "enum "};
    private static final int[] TAG_ORDER = {Dw.TAG_STRUCTURE_TYPE, Dw.TAG_UNION_TYPE, Dw.TAG_ENUMERATION_TYPE};
    /** GCC's spellings of the integer types gdb prints shorter (the inverse of {@link TypeNames#canonicalBaseName}). */
    private static final Map<String, String> GCC_SPELLING = Map.of(
            "long", "long int",
            "unsigned long", "long unsigned int",
            "long long", "long long int",
            "unsigned long long", "long long unsigned int",
            "short", "short int",
            "unsigned short", "short unsigned int",
            "unsigned __int128", "__int128 unsigned");

    private final Dwarf dwarf;
    private final String description;
    private final Map<Long, Type> types = new ConcurrentHashMap<>();
    /** Offsets being converted by the thread holding the lock: a repeat means the DWARF refers to itself. */
    private final Set<Long> converting = new HashSet<>();
    private final Map<String, Optional<Type>> typesByName = new ConcurrentHashMap<>();
    private final Map<String, Optional<Variable>> variablesByName = new ConcurrentHashMap<>();
    /** "tag name" of a struct, union or enum to the offset of its first definition, -1 when there is none. */
    private final Map<String, Long> definitions = new ConcurrentHashMap<>();
    /** The shapes of first definitions (see {@link Shape}), by offset. */
    private final Map<Long, Shape> shapes = new ConcurrentHashMap<>();

    /**
     * What makes two struct definitions in different units the same definition: the size, the place
     * of the declaration in its file, and each member's name, position and width. Every unit that
     * includes a header has its own copy of the header's structs.
     */
    private record Shape(long size, long line, long column, List<String> members) {
    }

    /** @param description what the DWARF came from, e.g. "DWARF from vmlinux" */
    public DwarfTypeSource(Dwarf dwarf, String description) {
        this.dwarf = dwarf;
        this.description = description;
    }

    public Dwarf dwarf() {
        return dwarf;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<Type> findType(String name) {
        String n = name.strip().replaceAll("\\s+", " ");
        Optional<Type> cached = typesByName.get(n);
        if (cached != null) {
            return cached;
        }
        OptionalLong off = lookup(n);
        Optional<Type> found = off.isPresent() ? Optional.of(type(off.getAsLong())) : Optional.empty();
        remember(typesByName, n, found);
        return found;
    }

    /**
     * The first of the index's definitions, then declarations, of {@code name} whose type is
     * complete (else the first). A definition's type is its own DW_AT_type, else that of the DIE
     * its DW_AT_specification chain leads to: the unnamed definition of {@code linux_banner} has
     * {@code const char [220]} where the header's declaration has {@code const char []}.
     */
    @Override
    public Optional<Variable> findVariable(String name) {
        Optional<Variable> cached = variablesByName.get(name);
        if (cached != null) {
            return cached;
        }
        Variable first = null;
        Variable found = null;
        for (IndexEntry e : variableEntries(name)) {
            Variable v = new Variable(name, variableType(dwarf.die(e.dieOffset())));
            if (first == null) {
                first = v;
            }
            if (isComplete(v.type())) {
                found = v;
                break;
            }
        }
        Optional<Variable> result = Optional.ofNullable(found != null ? found : first);
        remember(variablesByName, name, result);
        return result;
    }

    /** The type described by the DIE at {@code offset} of .debug_info (a type, or a variable or member: its type). */
    public Type type(long offset) {
        Type t = types.get(offset);
        if (t != null) {
            return t;
        }
        synchronized (this) {
            t = types.get(offset);
            if (t != null) {
                return t;
            }
            if (converting.size() >= MAX_NESTING || !converting.add(offset)) {
                throw new FormatException(".debug_info", offset, converting.contains(offset)
                        ? "type refers to itself" : "types nest more than " + MAX_NESTING + " deep");
            }
            try {
                t = convert(dwarf.die(offset));
            } finally {
                converting.remove(offset);
            }
            types.put(offset, t);
            return t;
        }
    }

    private static <V> void remember(Map<String, V> cache, String key, V value) {
        if (cache.size() < NAME_CACHE_LIMIT) {
            cache.put(key, value);
        }
    }

    // ---- names

    private OptionalLong lookup(String n) {
        for (int i = 0; i < TAG_PREFIXES.length; i++) {
            if (n.startsWith(TAG_PREFIXES[i])) {
                return definitionOrDeclaration(n.substring(TAG_PREFIXES[i].length()), TAG_ORDER[i]);
            }
        }
        List<IndexEntry> typedefs = dwarf.index().find(n, Dw.TAG_TYPEDEF);
        if (!typedefs.isEmpty()) {
            return OptionalLong.of(typedefs.get(0).dieOffset());
        }
        for (String spelling : baseSpellings(n)) {
            List<IndexEntry> base = dwarf.index().find(spelling, Dw.TAG_BASE_TYPE);
            if (!base.isEmpty()) {
                return OptionalLong.of(base.get(0).dieOffset());
            }
        }
        if (!n.contains(" ")) {
            for (int tag : TAG_ORDER) {
                OptionalLong off = definitionOrDeclaration(n, tag);
                if (off.isPresent()) {
                    return off;
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The first definition of a struct, union or enum; else its first declaration (an incomplete type). */
    private OptionalLong definitionOrDeclaration(String name, int tag) {
        long def = definition(name, tag);
        if (def >= 0) {
            return OptionalLong.of(def);
        }
        List<IndexEntry> all = dwarf.index().find(name, tag);
        return all.isEmpty() ? OptionalLong.empty() : OptionalLong.of(all.get(0).dieOffset());
    }

    /** Offset of the first complete definition of {@code name} with {@code tag}, or -1. */
    private long definition(String name, int tag) {
        String key = tag + " " + name;
        Long cached = definitions.get(key);
        if (cached != null) {
            return cached;
        }
        long found = -1;
        for (IndexEntry e : dwarf.index().find(name, tag)) {
            if (!e.declaration()) {
                found = e.dieOffset();
                break;
            }
        }
        definitions.put(key, found);
        return found;
    }

    /**
     * The DWARF names an integer base type may have, given any C spelling of it: "unsigned long",
     * "long unsigned int" and "unsigned long int" all give ["...as given", "unsigned long",
     * "long unsigned int"]. Other names are tried as they are.
     */
    static List<String> baseSpellings(String name) {
        String canonical = canonicalIntegerName(name);
        List<String> out = new ArrayList<>(3);
        out.add(name);
        if (canonical != null) {
            for (String s : new String[] {canonical, GCC_SPELLING.get(canonical)}) {
                if (s != null && !out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** gdb's name of an integer type spelled with any order of C's keywords, or null when {@code name} is no such spelling. */
    static String canonicalIntegerName(String name) {
        int longs = 0;
        int shorts = 0;
        int ints = 0;
        int chars = 0;
        int int128 = 0;
        boolean unsigned = false;
        boolean signed = false;
        for (String w : name.split(" ")) {
            switch (w) {
                case "long" -> longs++;
                case "short" -> shorts++;
                case "int" -> ints++;
                case "char" -> chars++;
                case "__int128" -> int128++;
                case "unsigned" -> unsigned = true;
                case "signed" -> signed = true;
                default -> {
                    return null;
                }
            }
        }
        int kinds = (chars > 0 ? 1 : 0) + (int128 > 0 ? 1 : 0) + (shorts > 0 || longs > 0 ? 1 : 0);
        if (unsigned && signed || ints > 1 || chars > 1 || int128 > 1 || shorts > 1 || longs > 2
                || shorts > 0 && longs > 0 || kinds > 1 || (chars > 0 || int128 > 0) && ints > 0) {
            return null;
        }
        String base;
        if (chars > 0) {
            return unsigned ? "unsigned char" : signed ? "signed char" : "char";
        } else if (int128 > 0) {
            base = "__int128";
        } else if (shorts > 0) {
            base = "short";
        } else if (longs == 2) {
            base = "long long";
        } else if (longs == 1) {
            base = "long";
        } else {
            base = "int";
        }
        return unsigned ? "unsigned " + base : base;
    }

    // ---- variables and functions

    /** Variables and functions named {@code name}, definitions before declarations. */
    private List<IndexEntry> variableEntries(String name) {
        List<IndexEntry> out = new ArrayList<>();
        List<IndexEntry> declarations = new ArrayList<>();
        for (IndexEntry e : dwarf.index().find(name)) {
            if (e.tag() == Dw.TAG_VARIABLE || e.tag() == Dw.TAG_SUBPROGRAM) {
                (e.declaration() ? declarations : out).add(e);
            }
        }
        out.addAll(declarations);
        return out;
    }

    private Type variableType(Die d) {
        if (d.tag() == Dw.TAG_SUBPROGRAM) {
            return type(d.offset());
        }
        return typeOf(withType(d));
    }

    /** {@code d}, or the DIE its DW_AT_specification / DW_AT_abstract_origin chain leads to that has a DW_AT_type. */
    private static Die withType(Die d) {
        Die cur = d;
        for (int hop = 0; hop < MAX_HOPS && !cur.has(Dw.AT_TYPE); hop++) {
            Optional<Die> next = cur.referenced(Dw.AT_SPECIFICATION);
            if (next.isEmpty()) {
                next = cur.referenced(Dw.AT_ABSTRACT_ORIGIN);
            }
            if (next.isEmpty()) {
                break;
            }
            cur = next.get();
        }
        return cur;
    }

    /** False for a declared-only struct and for an array without a length (a declaration's {@code x[]}). */
    private static boolean isComplete(Type t) {
        return switch (Types.strip(t)) {
            case StructType s -> s.complete();
            case ArrayType a -> !a.flexible();
            default -> true;
        };
    }

    // ---- conversion

    /** The type a DIE's DW_AT_type names; void when it has none. */
    private Type typeOf(Die d) {
        OptionalLong ref = d.reference(Dw.AT_TYPE);
        return ref.isPresent() ? type(ref.getAsLong()) : VoidType.INSTANCE;
    }

    private Type convert(Die d) {
        return switch (d.tag()) {
            case Dw.TAG_BASE_TYPE -> base(d);
            case Dw.TAG_POINTER_TYPE, TAG_REFERENCE_TYPE, TAG_RVALUE_REFERENCE_TYPE,
                 TAG_PTR_TO_MEMBER_TYPE -> pointer(d);
            case Dw.TAG_CONST_TYPE -> new QualifiedType(QualifiedType.Qualifier.CONST, typeOf(d));
            case Dw.TAG_VOLATILE_TYPE -> new QualifiedType(QualifiedType.Qualifier.VOLATILE, typeOf(d));
            case TAG_RESTRICT_TYPE -> new QualifiedType(QualifiedType.Qualifier.RESTRICT, typeOf(d));
            case TAG_ATOMIC_TYPE -> new QualifiedType(QualifiedType.Qualifier.ATOMIC, typeOf(d));
            case TAG_SHARED_TYPE, TAG_IMMUTABLE_TYPE, Dw.TAG_VARIABLE, Dw.TAG_MEMBER,
                 Dw.TAG_FORMAL_PARAMETER -> typeOf(d);
            case Dw.TAG_TYPEDEF -> new TypedefType(d.name().orElse("?"), typeOf(d));
            case Dw.TAG_STRUCTURE_TYPE, Dw.TAG_UNION_TYPE, TAG_CLASS_TYPE -> struct(d);
            case Dw.TAG_ENUMERATION_TYPE -> enumeration(d);
            case Dw.TAG_ARRAY_TYPE -> array(d);
            case Dw.TAG_SUBROUTINE_TYPE, Dw.TAG_SUBPROGRAM -> function(d);
            case TAG_UNSPECIFIED_TYPE -> VoidType.INSTANCE;
            default -> throw new FormatException(".debug_info", d.offset(),
                    "a type reference to a DIE with tag 0x" + Integer.toHexString(d.tag()) + ", which is no type");
        };
    }

    private static Type base(Die d) {
        String name = d.name().orElse("?");
        long size = d.unsigned(Dw.AT_BYTE_SIZE).orElse(0);
        int encoding = (int) d.unsigned(Dw.AT_ENCODING).orElse(ATE_SIGNED);
        return switch (encoding) {
            case ATE_BOOLEAN -> new BoolType(name, size);
            case ATE_FLOAT, ATE_COMPLEX_FLOAT -> new FloatType(name, size);
            default -> {
                String canonical = TypeNames.canonicalBaseName(name);
                boolean signed = encoding == ATE_SIGNED || encoding == ATE_SIGNED_CHAR;
                boolean character = encoding == ATE_SIGNED_CHAR || encoding == ATE_UNSIGNED_CHAR
                        || canonical.endsWith("char");
                yield new IntType(canonical, size, signed, character);
            }
        };
    }

    private Type pointer(Die d) {
        long size = d.unsigned(Dw.AT_BYTE_SIZE).orElse(d.unit().addressSize());
        OptionalLong ref = d.reference(Dw.AT_TYPE);
        if (ref.isEmpty()) {
            return PointerType.to(VoidType.INSTANCE, size);
        }
        long target = ref.getAsLong();
        return new PointerType(size, () -> type(target));
    }

    private Type struct(Die d) {
        StructType.Kind kind = d.tag() == Dw.TAG_UNION_TYPE ? StructType.Kind.UNION : StructType.Kind.STRUCT;
        String tag = d.name().orElse(null);
        if (d.flag(Dw.AT_DECLARATION)) {
            Optional<Type> full = definitionFor(d, tag);
            return full.orElseGet(() -> new StructType(kind, tag, 0, false, List::of));
        }
        if (tag != null) {
            // the unit's copy of a struct defined in a header: the first unit's, when it is the same definition
            long first = definition(tag, d.tag() == TAG_CLASS_TYPE ? Dw.TAG_STRUCTURE_TYPE : d.tag());
            if (first >= 0 && first != d.offset()
                    && shapes.computeIfAbsent(first, f -> shape(dwarf.die(f))).equals(shape(d))) {
                return type(first);
            }
        }
        long offset = d.offset();
        return new StructType(kind, tag, d.unsigned(Dw.AT_BYTE_SIZE).orElse(0), true, () -> members(offset));
    }

    private static Shape shape(Die d) {
        List<String> members = new ArrayList<>();
        for (Die m : d.children()) {
            if (m.tag() == Dw.TAG_MEMBER) {
                members.add(m.name().orElse("") + "@" + m.unsigned(Dw.AT_DATA_BIT_OFFSET).orElse(-1) + "/"
                        + memberLocation(m) + "/" + m.unsigned(AT_BIT_OFFSET).orElse(-1) + ":"
                        + m.unsigned(Dw.AT_BIT_SIZE).orElse(0));
            }
        }
        return new Shape(d.unsigned(Dw.AT_BYTE_SIZE).orElse(-1), d.unsigned(Dw.AT_DECL_LINE).orElse(-1),
                d.unsigned(AT_DECL_COLUMN).orElse(-1), members);
    }

    /** The definition a declaration stands for: its type unit's (DW_AT_signature), else the first of its tag and name. */
    private Optional<Type> definitionFor(Die declaration, String name) {
        OptionalLong sig = declaration.reference(AT_SIGNATURE);
        if (sig.isPresent() && sig.getAsLong() != declaration.offset()) {
            return Optional.of(type(sig.getAsLong()));
        }
        if (name == null) {
            return Optional.empty();
        }
        int tag = declaration.tag() == TAG_CLASS_TYPE ? Dw.TAG_STRUCTURE_TYPE : declaration.tag();
        long def = definition(name, tag);
        return def < 0 ? Optional.empty() : Optional.of(type(def));
    }

    private List<Member> members(long structOffset) {
        List<Member> out = new ArrayList<>();
        for (Die m : dwarf.die(structOffset).children()) {
            if (m.tag() != Dw.TAG_MEMBER) {
                continue; // nested type definitions, C++ statics and methods
            }
            Type t = typeOf(m);
            int bitSize = (int) m.unsigned(Dw.AT_BIT_SIZE).orElse(0);
            out.add(new Member(m.name().orElse(null), t, bitOffset(m, t, bitSize), bitSize));
        }
        return out;
    }

    /** A member's little-endian bit offset from the start of its struct. */
    static long bitOffset(Die m, Type type, int bitSize) {
        OptionalLong dataBit = m.unsigned(Dw.AT_DATA_BIT_OFFSET);
        if (dataBit.isPresent()) {
            return dataBit.getAsLong();
        }
        long bytes = memberLocation(m);
        OptionalLong fromMsb = m.unsigned(AT_BIT_OFFSET);
        if (bitSize > 0 && fromMsb.isPresent()) {
            // DWARF 2/3: bits counted from the most significant bit of a storage unit of DW_AT_byte_size
            // bytes (the member type's size by default) at DW_AT_data_member_location. On a little-endian
            // target the most significant bit is the last one, hence (gdb's dwarf2_add_field):
            long storage = m.unsigned(Dw.AT_BYTE_SIZE).orElse(Types.sizeof(type));
            return bytes * 8 + storage * 8 - fromMsb.getAsLong() - bitSize;
        }
        return bytes * 8;
    }

    /** DW_AT_data_member_location: a constant, or a location expression pushing an offset; 0 when absent (unions). */
    static long memberLocation(Die m) {
        OptionalLong c = m.unsigned(Dw.AT_DATA_MEMBER_LOCATION);
        if (c.isPresent()) {
            return c.getAsLong();
        }
        Optional<byte[]> expr = m.block(Dw.AT_DATA_MEMBER_LOCATION);
        return expr.isEmpty() ? 0 : evaluateOffset(expr.get(), m.offset());
    }

    /**
     * The offset a member location expression computes from the struct's address: GCC's DWARF 2
     * {@code DW_OP_plus_uconst N}, or a constant ({@code DW_OP_constu N}, {@code DW_OP_litN}).
     */
    static long evaluateOffset(byte[] expr, long dieOffset) {
        long value = 0;
        int[] pos = {0};
        while (pos[0] < expr.length) {
            int op = expr[pos[0]++] & 0xff;
            if (op == OP_PLUS_UCONST) {
                value += uleb(expr, pos, dieOffset);
            } else if (op == OP_CONSTU) {
                value = uleb(expr, pos, dieOffset);
            } else if (op >= OP_LIT0 && op <= OP_LIT31) {
                value = op - OP_LIT0;
            } else {
                throw new FormatException(".debug_info", dieOffset, "member location uses DW_OP 0x"
                        + Integer.toHexString(op) + "; only plus_uconst, constu and lit are supported");
            }
        }
        return value;
    }

    private static long uleb(byte[] b, int[] pos, long dieOffset) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                break;
            }
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new FormatException(".debug_info", dieOffset, "member location expression ends inside a LEB128");
    }

    private Type enumeration(Die d) {
        String tag = d.name().orElse(null);
        if (d.flag(Dw.AT_DECLARATION)) {
            Optional<Type> full = definitionFor(d, tag);
            if (full.isPresent()) {
                return full.get();
            }
        }
        Type under = d.has(Dw.AT_TYPE) ? typeOf(d) : null;
        List<Die> children = d.children();
        boolean signed;
        if (under != null) {
            signed = Types.strip(under) instanceof IntType i && i.signed();
        } else if (d.has(Dw.AT_ENCODING)) {
            long e = d.unsigned(Dw.AT_ENCODING).orElse(0);
            signed = e == ATE_SIGNED || e == ATE_SIGNED_CHAR;
        } else {
            // as gdb: signed when some value is negative (only DW_FORM_sdata can say so)
            signed = children.stream().anyMatch(c -> c.tag() == Dw.TAG_ENUMERATOR
                    && c.form(Dw.AT_CONST_VALUE) == Dw.FORM_SDATA && c.unsigned(Dw.AT_CONST_VALUE).orElse(0) < 0);
        }
        List<EnumType.Enumerator> values = new ArrayList<>();
        for (Die c : children) {
            if (c.tag() == Dw.TAG_ENUMERATOR) {
                // data1..data8 are zero-extended, sdata is signed (gdb's dwarf2_const_value_attr)
                values.add(new EnumType.Enumerator(c.name().orElse("?"), c.unsigned(Dw.AT_CONST_VALUE).orElse(0)));
            }
        }
        long size = d.unsigned(Dw.AT_BYTE_SIZE).orElse(under != null ? under.size() : 4);
        return new EnumType(tag, size, signed, values);
    }

    private Type array(Die d) {
        Type element = typeOf(d);
        List<Die> dims = new ArrayList<>();
        for (Die c : d.children()) {
            if (c.tag() == Dw.TAG_SUBRANGE_TYPE) {
                dims.add(c);
            }
        }
        if (dims.isEmpty()) {
            return new ArrayType(element, 0, true);
        }
        Type t = element;
        for (int i = dims.size() - 1; i >= 0; i--) {
            t = dimension(dims.get(i), t);
        }
        return t;
    }

    /** One dimension (outermost first in DWARF): DW_AT_count, or DW_AT_upper_bound less DW_AT_lower_bound, plus one. */
    private Type dimension(Die sub, Type element) {
        OptionalLong count = sub.unsigned(Dw.AT_COUNT);
        if (count.isPresent()) {
            return new ArrayType(element, Math.max(0, count.getAsLong()));
        }
        if (!sub.has(Dw.AT_UPPER_BOUND)) {
            return new ArrayType(element, 0, true); // x[]: no bound at all
        }
        boolean signedIndex = sub.has(Dw.AT_TYPE) && Types.strip(typeOf(sub)) instanceof IntType i && i.signed();
        OptionalLong upper = signedIndex ? sub.signed(Dw.AT_UPPER_BOUND) : sub.unsigned(Dw.AT_UPPER_BOUND);
        if (upper.isEmpty()) {
            return new ArrayType(element, 0, true); // a variable length (an expression or reference)
        }
        long lower = (signedIndex ? sub.signed(AT_LOWER_BOUND) : sub.unsigned(AT_LOWER_BOUND))
                .orElse(0);
        long u = upper.getAsLong();
        long length = u == -1 ? 0 : u - lower + 1; // -1: GCC's x[0] before it wrote DW_AT_count 0
        return new ArrayType(element, Math.max(0, length));
    }

    /** A subroutine type, or a function's type (its declaration's parameters when it has none of its own). */
    private Type function(Die d) {
        Die typed = d.tag() == Dw.TAG_SUBPROGRAM ? withType(d) : d;
        FunctionType f = parameters(d, typeOf(typed));
        if (f.params().isEmpty() && !f.variadic() && typed != d) {
            f = parameters(typed, f.returnType());
        }
        return f;
    }

    private FunctionType parameters(Die d, Type returnType) {
        List<FunctionType.Param> params = new ArrayList<>();
        boolean variadic = false;
        for (Die c : d.children()) {
            if (c.tag() == Dw.TAG_FORMAL_PARAMETER) {
                Die typed = withType(c);
                params.add(new FunctionType.Param(c.name().or(typed::name).orElse(null), typeOf(typed)));
            } else if (c.tag() == TAG_UNSPECIFIED_PARAMETERS) {
                variadic = true;
            }
        }
        return new FunctionType(returnType, params, variadic);
    }
}
