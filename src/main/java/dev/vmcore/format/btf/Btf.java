package dev.vmcore.format.btf;

import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed BTF blob: types by id and the string section. For split BTF the ids of this blob start
 * after the base's last id and string offsets at or past the base's string size refer to this
 * blob's strings; {@link #type(int)} answers for base ids too.
 */
public final class Btf {
    public static final int MAGIC = 0xeb9f;
    private static final int HEADER_SIZE = 24;
    private static final int TYPE_HEADER = 12;
    /** Upper bound on a blob: vmlinux BTF is a few MiB; 1 GiB keeps a corrupt size from exhausting memory. */
    private static final long MAX_SIZE = 1L << 30;
    /** Names are identifiers; KSYM_NAME_LEN is 512. Longer "names" mean a corrupt offset. */
    private static final int MAX_NAME = 4096;
    private static final int MAX_VLEN = 0xffff;

    private final String source;
    private final Btf base;
    private final int firstId;
    private final List<BtfType> types;
    private final byte[] strings;
    private final long stringBase;
    private final long stringsOffset;
    private final Map<Integer, String> names = new HashMap<>();
    private long decodedChars;

    private Btf(String source, Btf base, byte[] strings, long stringsOffset) {
        this.source = source;
        this.base = base;
        this.firstId = base == null ? 1 : base.lastId() + 1;
        this.types = new ArrayList<>();
        this.strings = strings;
        this.stringBase = base == null ? 0 : base.stringBase + base.strings.length;
        this.stringsOffset = stringsOffset;
    }

    /** Parses stand-alone BTF (vmlinux's). */
    public static Btf parse(ByteSource src) {
        return parse(src, null);
    }

    /** Parses split BTF over {@code base} (a module's over vmlinux's); {@code base} null for stand-alone BTF. */
    public static Btf parse(ByteSource src, Btf base) {
        long size = src.size();
        if (size < HEADER_SIZE) {
            throw new FormatException(src.name(), 0, "BTF needs a " + HEADER_SIZE + "-byte header, has " + size + " bytes");
        }
        if (size > MAX_SIZE) {
            throw new FormatException(src.name(), -1, "BTF of " + size + " bytes is larger than " + MAX_SIZE);
        }
        byte[] all = src.readBytes(0, (int) size);
        ByteCursor h = new ByteCursor(src.name(), all, 0);
        int magic = h.u16();
        if (magic != MAGIC) {
            throw new FormatException(src.name(), 0, magic == 0x9feb ? "big-endian BTF is not supported"
                    : "not BTF: magic 0x" + Integer.toHexString(magic) + ", expected 0xeb9f");
        }
        int version = h.u8();
        if (version != 1) {
            throw new FormatException(src.name(), 2, "unsupported BTF version " + version);
        }
        h.u8();
        long hdrLen = h.u32();
        long typeOff = h.u32();
        long typeLen = h.u32();
        long strOff = h.u32();
        long strLen = h.u32();
        if (hdrLen < HEADER_SIZE || hdrLen > size) {
            throw new FormatException(src.name(), 4, "BTF header length " + hdrLen + " out of range");
        }
        long data = size - hdrLen;
        if (typeOff + typeLen > data || strOff + strLen > data) {
            throw new FormatException(src.name(), 8, "BTF sections (types " + typeOff + "+" + typeLen + ", strings "
                    + strOff + "+" + strLen + ") run past the end (" + data + " bytes after the header)");
        }
        if ((typeOff & 3) != 0) {
            throw new FormatException(src.name(), 8, "BTF type section offset " + typeOff + " is not 4-aligned");
        }
        if (base == null && (strLen == 0 || all[(int) (hdrLen + strOff)] != 0)) {
            throw new FormatException(src.name(), hdrLen + strOff, "BTF string section does not start with an empty string");
        }
        if (strLen > 0 && all[(int) (hdrLen + strOff + strLen - 1)] != 0) {
            throw new FormatException(src.name(), hdrLen + strOff + strLen - 1, "BTF string section does not end with NUL");
        }
        byte[] strings = java.util.Arrays.copyOfRange(all, (int) (hdrLen + strOff), (int) (hdrLen + strOff + strLen));
        Btf btf = new Btf(src.name(), base, strings, hdrLen + strOff);
        long typesStart = hdrLen + typeOff;
        ByteCursor c = new ByteCursor(src.name(), java.util.Arrays.copyOfRange(all, (int) typesStart,
                (int) (typesStart + typeLen)), typesStart);
        while (c.remaining() > 0) {
            btf.types.add(btf.readType(c));
        }
        btf.checkReferences();
        return btf;
    }

    /** Where this blob's string offsets end: split BTF over this one numbers its strings from here. */
    public long stringsEnd() {
        return stringBase + strings.length;
    }

    /** The first type id of this blob: 1, or the base's last id + 1 for split BTF. */
    public int firstId() {
        return firstId;
    }

    /** The highest valid type id (base included); firstId() - 1 when the blob has no types. */
    public int lastId() {
        return firstId + types.size() - 1;
    }

    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** What the bytes were, for messages. */
    public String source() {
        return source;
    }

    /**
     * The type with this id, base ids included.
     *
     * @throws IllegalArgumentException for 0 (void) or an id past {@link #lastId()}
     */
    public BtfType type(int id) {
        if (id >= firstId && id <= lastId()) {
            return types.get(id - firstId);
        }
        if (id > 0 && id < firstId) {
            return base.type(id);
        }
        throw new IllegalArgumentException("no BTF type id " + id + " (ids 1.." + lastId() + ")");
    }

    /** This blob's own types, in id order from {@link #firstId()}. */
    public List<BtfType> ownTypes() {
        return Collections.unmodifiableList(types);
    }

    private BtfType readType(ByteCursor c) {
        long at = c.sourceOffset();
        String name = name(c.u32(), at);
        long info = c.u32();
        long sizeOrType = c.u32();
        int vlen = (int) (info & 0xffff);
        int code = (int) ((info >>> 24) & 0x1f);
        boolean kindFlag = (info & 0x80000000L) != 0;
        BtfKind kind = BtfKind.of(code);
        if (kind == null) {
            throw new FormatException(source, at, "unknown BTF kind " + code);
        }
        if (vlen > c.remaining() / 4 + 1) {
            throw new FormatException(source, at, "BTF " + kind + " vlen " + vlen + " exceeds the type section");
        }
        return switch (kind) {
            case INT -> readInt(c, name, sizeOrType, at);
            case PTR -> new BtfType.Pointer(name, typeId(sizeOrType, at));
            case ARRAY -> new BtfType.Array(name, typeId(c.u32(), at), typeId(c.u32(), at), c.u32());
            case STRUCT, UNION -> readComposite(c, name, kind == BtfKind.UNION, kindFlag, vlen, sizeOrType, at);
            case ENUM, ENUM64 -> readEnum(c, name, kind == BtfKind.ENUM64, kindFlag, vlen, sizeOrType);
            case FWD -> new BtfType.Forward(name, kindFlag);
            case TYPEDEF -> new BtfType.Typedef(name, typeId(sizeOrType, at));
            case VOLATILE, CONST, RESTRICT, TYPE_TAG -> new BtfType.Qualifier(name, kind, typeId(sizeOrType, at));
            case FUNC -> new BtfType.Function(name, typeId(sizeOrType, at), vlen);
            case FUNC_PROTO -> readProto(c, name, vlen, sizeOrType, at);
            case VAR -> new BtfType.Variable(name, typeId(sizeOrType, at), (int) c.u32());
            case DATASEC -> readDataSection(c, name, vlen, sizeOrType, at);
            case FLOAT -> new BtfType.FloatingPoint(name, (int) sizeOrType);
            case DECL_TAG -> new BtfType.DeclTag(name, typeId(sizeOrType, at), c.s32());
            case UNKNOWN -> throw new FormatException(source, at, "BTF kind 0");
        };
    }

    private BtfType readInt(ByteCursor c, String name, long size, long at) {
        long data = c.u32();
        int bits = (int) (data & 0xff);
        int offset = (int) ((data >>> 16) & 0xff);
        int encoding = (int) ((data >>> 24) & 0xf);
        if (size == 0 || size > 16 || bits > size * 8 || offset + bits > size * 8) {
            throw new FormatException(source, at, "BTF INT of size " + size + " with " + bits + " bits at offset " + offset);
        }
        return new BtfType.Int(name, (int) size, encoding, offset, bits);
    }

    private BtfType readComposite(ByteCursor c, String name, boolean union, boolean kindFlag, int vlen, long size, long at) {
        List<BtfType.Member> members = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long mAt = c.sourceOffset();
            String mName = name(c.u32(), mAt);
            int type = typeId(c.u32(), mAt);
            long offset = c.u32();
            long bitOffset = kindFlag ? offset & 0xffffff : offset;
            int bitSize = kindFlag ? (int) (offset >>> 24) : 0;
            members.add(new BtfType.Member(mName, type, bitOffset, bitSize));
        }
        return new BtfType.Composite(name, union, size, List.copyOf(members));
    }

    private BtfType readEnum(ByteCursor c, String name, boolean wide, boolean signed, int vlen, long size) {
        List<BtfType.Enumerator> values = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long eAt = c.sourceOffset();
            String eName = name(c.u32(), eAt);
            long value;
            if (wide) {
                long lo = c.u32();
                long hi = c.u32();
                value = hi << 32 | lo;
            } else {
                value = signed ? c.s32() : c.u32();
            }
            values.add(new BtfType.Enumerator(eName, value));
        }
        return new BtfType.Enumeration(name, size, signed, wide, List.copyOf(values));
    }

    private BtfType readProto(ByteCursor c, String name, int vlen, long ret, long at) {
        List<BtfType.Param> params = new ArrayList<>(vlen);
        boolean variadic = false;
        for (int i = 0; i < vlen; i++) {
            long pAt = c.sourceOffset();
            long nameOff = c.u32();
            long type = c.u32();
            if (i == vlen - 1 && type == 0 && nameOff == 0) {
                variadic = true;
            } else {
                params.add(new BtfType.Param(name(nameOff, pAt), typeId(type, pAt)));
            }
        }
        return new BtfType.FunctionProto(name, typeId(ret, at), List.copyOf(params), variadic);
    }

    private BtfType readDataSection(ByteCursor c, String name, int vlen, long size, long at) {
        List<BtfType.SectionVar> vars = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long vAt = c.sourceOffset();
            vars.add(new BtfType.SectionVar(typeId(c.u32(), vAt), c.u32(), c.u32()));
        }
        return new BtfType.DataSection(name, size, List.copyOf(vars));
    }

    /** A type id as read; checked against the final id range in {@link #checkReferences()}. */
    private int typeId(long id, long at) {
        if (id > Integer.MAX_VALUE) {
            throw new FormatException(source, at, "BTF type id " + id + " out of range");
        }
        return (int) id;
    }

    private void checkReferences() {
        int last = lastId();
        for (int i = 0; i < types.size(); i++) {
            BtfType t = types.get(i);
            for (int ref : references(t)) {
                if (ref < 0 || ref > last) {
                    throw new FormatException(source, -1, "BTF type " + (firstId + i) + " (" + t.kind()
                            + ") refers to type id " + ref + ", past the last id " + last);
                }
            }
        }
    }

    private static int[] references(BtfType t) {
        return switch (t) {
            case BtfType.Pointer p -> new int[] {p.type()};
            case BtfType.Array a -> new int[] {a.elementType(), a.indexType()};
            case BtfType.Composite s -> s.members().stream().mapToInt(BtfType.Member::type).toArray();
            case BtfType.Typedef d -> new int[] {d.type()};
            case BtfType.Qualifier q -> new int[] {q.type()};
            case BtfType.Function f -> new int[] {f.protoType()};
            case BtfType.FunctionProto p -> java.util.stream.IntStream.concat(java.util.stream.IntStream.of(p.returnType()),
                    p.params().stream().mapToInt(BtfType.Param::type)).toArray();
            case BtfType.Variable v -> new int[] {v.type()};
            case BtfType.DataSection d -> d.vars().stream().mapToInt(BtfType.SectionVar::type).toArray();
            case BtfType.DeclTag d -> new int[] {d.type()};
            case BtfType.Int i -> new int[0];
            case BtfType.Enumeration e -> new int[0];
            case BtfType.Forward f -> new int[0];
            case BtfType.FloatingPoint f -> new int[0];
        };
    }

    /** The string at offset {@code off} (of the base's strings when below their size). */
    private String name(long off, long at) {
        if (off < stringBase) {
            return base.name(off, at);
        }
        long local = off - stringBase;
        if (local >= strings.length) {
            throw new FormatException(source, at, "BTF name offset " + off + " past the string section ("
                    + (stringBase + strings.length) + " bytes)");
        }
        String cached = names.get((int) local);
        if (cached != null) {
            return cached;
        }
        int start = (int) local;
        int end = start;
        while (strings[end] != 0) {
            end++;
            if (end - start > MAX_NAME) {
                throw new FormatException(source, stringsOffset + start, "BTF name longer than " + MAX_NAME + " bytes");
            }
        }
        decodedChars += end - start;
        if (decodedChars > 4L * strings.length + 65536) {
            throw new FormatException(source, at, "BTF names overlap too much (corrupt name offsets)");
        }
        String s = new String(strings, start, end - start, StandardCharsets.UTF_8);
        names.put(start, s);
        return s;
    }
}
