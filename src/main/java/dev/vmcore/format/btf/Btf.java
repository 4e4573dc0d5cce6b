package dev.vmcore.format.btf;

import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A BTF blob: types by id and the string section. For split BTF the ids of this blob start after
 * the base's last id and string offsets at or past the base's string size refer to this blob's
 * strings; {@link #type(int)} answers for base ids too.
 *
 * <p>Parsing checks the header and each type record's header (kind, vlen, length) and notes where
 * each record starts; a record is decoded, and its sizes, type ids and names checked, on first use
 * ({@link #type(int)}), so a corrupt record throws {@link FormatException} then. {@link #kindOf},
 * {@link #idsOf}, {@link #nameOf}, {@link #nameHash} and {@link #nameEquals} answer without
 * decoding records, for name indexes over ~100k types. Thread-safe.
 */
public final class Btf {
    public static final int MAGIC = 0xeb9f;
    private static final int HEADER_SIZE = 24;
    private static final int TYPE_HEADER = 12;
    /** Upper bound on a blob: vmlinux BTF is a few MiB; 1 GiB keeps a corrupt size from exhausting memory. */
    private static final long MAX_SIZE = 1L << 30;
    /** Names are identifiers; KSYM_NAME_LEN is 512. Longer "names" mean a corrupt offset. */
    private static final int MAX_NAME = 4096;
    private static final BtfKind[] KINDS = BtfKind.values();
    private static final int SCAN_CHUNK = 32;
    /** By kind code: the bytes after a record's 12-byte header, fixed and per vlen ({@code btf.h}). */
    private static final int[] EXTRA = new int[KINDS.length];
    private static final int[] PER_VLEN = new int[KINDS.length];

    static {
        for (BtfKind k : KINDS) {
            EXTRA[k.ordinal()] = switch (k) {
                case INT, VAR, DECL_TAG -> 4;
                case ARRAY -> 12;
                default -> 0;
            };
            PER_VLEN[k.ordinal()] = switch (k) {
                case STRUCT, UNION, ENUM64, DATASEC -> 12;
                case ENUM, FUNC_PROTO -> 8;
                default -> 0;
            };
        }
    }

    private final String source;
    private final Btf base;
    private final int firstId;
    /** The whole blob; array indexes are source offsets. */
    private final byte[] data;
    private final int stringsStart;
    private final int stringsLength;
    private final long stringBase;
    /** Where each own type's record starts in {@link #data}, by id - firstId. */
    private final int[] offsets;
    private final int count;
    /** Decoded records by id - firstId; immutable, so racing writers store equal values. */
    private final BtfType[] decoded;
    private final Map<Integer, String> names = new HashMap<>();
    private long decodedChars;

    private Btf(String source, Btf base, byte[] data, int stringsStart, int stringsLength, int[] offsets) {
        this.source = source;
        this.base = base;
        this.firstId = base == null ? 1 : base.lastId() + 1;
        this.data = data;
        this.stringsStart = stringsStart;
        this.stringsLength = stringsLength;
        this.stringBase = base == null ? 0 : base.stringsEnd();
        this.offsets = offsets;
        this.count = offsets.length;
        this.decoded = new BtfType[offsets.length];
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
        int strings = (int) (hdrLen + strOff);
        if (base == null && (strLen == 0 || all[strings] != 0)) {
            throw new FormatException(src.name(), strings, "BTF string section does not start with an empty string");
        }
        if (strLen > 0 && all[(int) (strings + strLen - 1)] != 0) {
            throw new FormatException(src.name(), strings + strLen - 1, "BTF string section does not end with NUL");
        }
        int typesStart = (int) (hdrLen + typeOff);
        int[] offsets = scan(src.name(), all, typesStart, (int) (typesStart + typeLen));
        return new Btf(src.name(), base, all, strings, (int) strLen, offsets);
    }

    /** Checks each record header of the type section {@code [start, end)} of {@code b}; returns where each starts. */
    private static int[] scan(String source, byte[] b, int start, int end) {
        int[] offsets = new int[Math.max(SCAN_CHUNK * 2, (end - start) / 40)];
        int n = 0;
        offsets[0] = start;
        while (offsets[n] < end) {
            if (n + SCAN_CHUNK >= offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            n = scanChunk(source, b, end, offsets, n);
        }
        return Arrays.copyOf(offsets, n);
    }

    /**
     * Checks up to {@link #SCAN_CHUNK} records from {@code offsets[n]}, noting where each next
     * one starts; returns the new count. Short calls of a loop get it compiled after a few
     * thousand records where one long loop would run interpreted for tens of thousands.
     */
    private static int scanChunk(String source, byte[] b, int end, int[] offsets, int n) {
        int p = offsets[n];
        for (int stop = n + SCAN_CHUNK; n < stop && p < end; ) {
            p = recordEnd(source, b, p, end);
            offsets[++n] = p;
        }
        return n;
    }

    /**
     * Where the type record at {@code p} ends, its header checked: kind, vlen and length within
     * the type section ending at {@code end}. (A method of its own so that it is compiled early.)
     */
    private static int recordEnd(String source, byte[] b, int p, int end) {
        if (end - p < TYPE_HEADER) {
            throw new FormatException(source, p, "BTF type record header cut off: " + (end - p)
                    + " bytes left in the type section");
        }
        int info = ByteCursor.getInt(b, p + 4);
        int vlen = info & 0xffff;
        int code = (info >>> 24) & 0x1f;
        if (code == 0 || code >= KINDS.length) {
            throw new FormatException(source, p, "unknown BTF kind " + code);
        }
        int left = end - p - TYPE_HEADER;
        if (vlen > left / 4 + 1) {
            throw new FormatException(source, p, "BTF " + KINDS[code] + " vlen " + vlen + " exceeds the type section");
        }
        long length = TYPE_HEADER + EXTRA[code] + (long) PER_VLEN[code] * vlen;
        if (length > end - p) {
            throw new FormatException(source, p, "BTF " + KINDS[code] + " record of " + length
                    + " bytes runs past the type section");
        }
        return p + (int) length;
    }

    /** Where this blob's string offsets end: split BTF over this one numbers its strings from here. */
    public long stringsEnd() {
        return stringBase + stringsLength;
    }

    /** The first type id of this blob: 1, or the base's last id + 1 for split BTF. */
    public int firstId() {
        return firstId;
    }

    /** The highest valid type id (base included); firstId() - 1 when the blob has no types. */
    public int lastId() {
        return firstId + count - 1;
    }

    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** What the bytes were, for messages. */
    public String source() {
        return source;
    }

    /**
     * The type with this id, base ids included, decoded on first use.
     *
     * @throws IllegalArgumentException for 0 (void) or an id past {@link #lastId()}
     * @throws FormatException when the record is corrupt (a bad size, type id or name offset)
     */
    public BtfType type(int id) {
        Btf owner = owner(id);
        int i = id - owner.firstId;
        BtfType t = owner.decoded[i];
        if (t == null) {
            t = owner.readType(new ByteCursor(owner.source, owner.data, 0).seek(owner.offsets[i]));
            owner.decoded[i] = t;
        }
        return t;
    }

    /** This blob's own types, in id order from {@link #firstId()}, each decoded when got. */
    public List<BtfType> ownTypes() {
        return new AbstractList<>() {
            @Override
            public BtfType get(int index) {
                if (index < 0 || index >= count) {
                    throw new IndexOutOfBoundsException(index);
                }
                return type(firstId + index);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /**
     * The kind of type {@code id}, without decoding it.
     *
     * @throws IllegalArgumentException as {@link #type(int)}
     */
    public BtfKind kindOf(int id) {
        Btf owner = owner(id);
        return KINDS[owner.data[owner.offsets[id - owner.firstId] + 7] & 0x1f];
    }

    /** The ids (base ids first) of the types of these kinds, in id order, without decoding them. */
    public int[] idsOf(Set<BtfKind> kinds) {
        boolean[] wanted = new boolean[KINDS.length];
        for (BtfKind k : kinds) {
            wanted[k.ordinal()] = true;
        }
        int[] baseIds = base == null ? new int[0] : base.idsOf(kinds);
        int[] ids = Arrays.copyOf(baseIds, baseIds.length + count);
        int n = baseIds.length;
        for (int i = 0; i < count; i += SCAN_CHUNK) {
            n = collect(wanted, i, Math.min(count, i + SCAN_CHUNK), ids, n);
        }
        return Arrays.copyOf(ids, n);
    }

    /** Appends to {@code ids} from {@code n} the own ids from index {@code from} to {@code to} of wanted kinds. */
    private int collect(boolean[] wanted, int from, int to, int[] ids, int n) {
        for (int i = from; i < to; i++) {
            if (wanted[data[offsets[i] + 7] & 0x1f]) {
                ids[n++] = firstId + i;
            }
        }
        return n;
    }

    /** The name of type {@code id} ("" when anonymous), without decoding the rest of the record. */
    public String nameOf(int id) {
        Btf owner = owner(id);
        int at = owner.offsets[id - owner.firstId];
        return owner.name(u32(owner.data, at), at);
    }

    /** Whether type {@code id} has a name (a non-empty one). */
    public boolean named(int id) {
        Btf owner = owner(id);
        int at = owner.offsets[id - owner.firstId];
        long off = u32(owner.data, at);
        Btf strings = owner.stringOwner(off);
        return strings.data[strings.nameStart(off, at, owner)] != 0;
    }

    /** A hash of the name of type {@code id}, equal to {@link #hash(byte[])} of its UTF-8 bytes. */
    public int nameHash(int id) {
        Btf owner = owner(id);
        int at = owner.offsets[id - owner.firstId];
        long off = u32(owner.data, at);
        Btf strings = owner.stringOwner(off);
        int start = strings.nameStart(off, at, owner);
        return hash(strings.data, start, strings.nameEnd(start));
    }

    /** The hash {@link #nameHash(int)} gives a type named by these UTF-8 bytes. */
    public static int hash(byte[] utf8) {
        return hash(utf8, 0, utf8.length);
    }

    private static int hash(byte[] b, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }

    /** Whether the name of type {@code id} is these UTF-8 bytes. */
    public boolean nameEquals(int id, byte[] utf8) {
        Btf owner = owner(id);
        int at = owner.offsets[id - owner.firstId];
        long off = u32(owner.data, at);
        Btf strings = owner.stringOwner(off);
        int start = strings.nameStart(off, at, owner);
        return Arrays.equals(strings.data, start, strings.nameEnd(start), utf8, 0, utf8.length);
    }

    /** Whether types {@code a} and {@code b} have the same name. */
    public boolean sameName(int a, int b) {
        Btf ownerA = owner(a);
        Btf ownerB = owner(b);
        int atA = ownerA.offsets[a - ownerA.firstId];
        int atB = ownerB.offsets[b - ownerB.firstId];
        long offA = u32(ownerA.data, atA);
        long offB = u32(ownerB.data, atB);
        Btf stringsA = ownerA.stringOwner(offA);
        Btf stringsB = ownerB.stringOwner(offB);
        int startA = stringsA.nameStart(offA, atA, ownerA);
        int startB = stringsB.nameStart(offB, atB, ownerB);
        if (stringsA == stringsB && startA == startB) {
            return true;
        }
        return Arrays.equals(stringsA.data, startA, stringsA.nameEnd(startA),
                stringsB.data, startB, stringsB.nameEnd(startB));
    }

    /** The blob whose own ids include {@code id}: this one or a base. */
    private Btf owner(int id) {
        Btf b = this;
        if (id > lastId() || id <= 0) {
            throw new IllegalArgumentException("no BTF type id " + id + " (ids 1.." + lastId() + ")");
        }
        while (id < b.firstId) {
            b = b.base;
        }
        return b;
    }

    /** The blob whose strings hold string offset {@code off}: this one or a base. */
    private Btf stringOwner(long off) {
        Btf b = this;
        while (off < b.stringBase) {
            b = b.base;
        }
        return b;
    }

    /**
     * Where the string at offset {@code off} (of this blob's strings) starts in {@link #data};
     * {@code at} is where {@code reader} read the offset, for the message when it is out of range.
     */
    private int nameStart(long off, long at, Btf reader) {
        long local = off - stringBase;
        if (local >= stringsLength) {
            throw new FormatException(reader.source, at, "BTF name offset " + off + " past the string section ("
                    + stringsEnd() + " bytes)");
        }
        return stringsStart + (int) local;
    }

    /** Where the name starting at {@code start} of {@link #data} ends (its NUL), checked against MAX_NAME. */
    private int nameEnd(int start) {
        int end = start;
        while (data[end] != 0) {
            end++;
            if (end - start > MAX_NAME) {
                throw new FormatException(source, start, "BTF name longer than " + MAX_NAME + " bytes");
            }
        }
        return end;
    }

    private static long u32(byte[] b, int p) {
        return ByteCursor.getInt(b, p) & 0xffffffffL;
    }

    private BtfType readType(ByteCursor c) {
        long at = c.sourceOffset();
        String name = name(c.u32(), at);
        long info = c.u32();
        long sizeOrType = c.u32();
        int vlen = (int) (info & 0xffff);
        BtfKind kind = KINDS[(int) ((info >>> 24) & 0x1f)];
        boolean kindFlag = (info & 0x80000000L) != 0;
        return switch (kind) {
            case INT -> readInt(c, name, sizeOrType, at);
            case PTR -> new BtfType.Pointer(name, typeId(sizeOrType, at));
            case ARRAY -> new BtfType.Array(name, typeId(c.u32(), at), typeId(c.u32(), at), c.u32());
            case STRUCT, UNION -> readComposite(c, name, kind == BtfKind.UNION, kindFlag, vlen, sizeOrType);
            case ENUM, ENUM64 -> readEnum(c, name, kind == BtfKind.ENUM64, kindFlag, vlen, sizeOrType);
            case FWD -> new BtfType.Forward(name, kindFlag);
            case TYPEDEF -> new BtfType.Typedef(name, typeId(sizeOrType, at));
            case VOLATILE, CONST, RESTRICT, TYPE_TAG -> new BtfType.Qualifier(name, kind, typeId(sizeOrType, at));
            case FUNC -> new BtfType.Function(name, typeId(sizeOrType, at), vlen);
            case FUNC_PROTO -> readProto(c, name, vlen, sizeOrType, at);
            case VAR -> new BtfType.Variable(name, typeId(sizeOrType, at), (int) c.u32());
            case DATASEC -> readDataSection(c, name, vlen, sizeOrType);
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

    private BtfType readComposite(ByteCursor c, String name, boolean union, boolean kindFlag, int vlen, long size) {
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

    private BtfType readDataSection(ByteCursor c, String name, int vlen, long size) {
        List<BtfType.SectionVar> vars = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long vAt = c.sourceOffset();
            vars.add(new BtfType.SectionVar(typeId(c.u32(), vAt), c.u32(), c.u32()));
        }
        return new BtfType.DataSection(name, size, List.copyOf(vars));
    }

    /** A type id read at {@code at}, checked against the ids of this blob and its base (0 is void). */
    private int typeId(long id, long at) {
        if (id > lastId()) {
            throw new FormatException(source, at, "BTF type refers to type id " + id + ", past the last id " + lastId());
        }
        return (int) id;
    }

    /**
     * The string at offset {@code off} (of the base's strings when below their size), read at
     * {@code at}; each distinct one is made a String once.
     */
    private String name(long off, long at) {
        Btf strings = stringOwner(off);
        return strings.cachedName(strings.nameStart(off, at, this), at);
    }

    private synchronized String cachedName(int start, long at) {
        String cached = names.get(start);
        if (cached != null) {
            return cached;
        }
        int end = nameEnd(start);
        decodedChars += end - start;
        if (decodedChars > 4L * stringsLength + 65536) {
            throw new FormatException(source, at, "BTF names overlap too much (corrupt name offsets)");
        }
        String s = new String(data, start, end - start, StandardCharsets.UTF_8);
        names.put(start, s);
        return s;
    }
}
