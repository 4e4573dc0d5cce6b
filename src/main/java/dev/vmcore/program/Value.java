package dev.vmcore.program;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.BoolType;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.FloatType;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.IntType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;
import dev.vmcore.types.VoidType;
import dev.vmcore.util.VmcoreException;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * A typed value of the dumped kernel, as gdb's {@code struct value}: a type and either a place in
 * kernel memory (an lvalue) or bytes of its own (an rvalue, such as {@code &x} or {@code 1 + 2}).
 * An lvalue's memory is read on first use, at most {@link #MAX_BYTES}; walking to a member, an
 * element or through a pointer reads only the pointer. Immutable apart from that cache.
 *
 * <p>Operations follow gdb's C rules where the kernel needs them: {@code .} also works through a
 * pointer and {@code ->} also on a struct, {@code *} and {@code []} work on pointers and arrays,
 * casts convert integers and pointers and reinterpret memory. Failures throw {@link Invalid} with
 * gdb's wording, or a {@link dev.vmcore.memory.MemoryFault} from the reads.
 */
public final class Value {
    /** The most one value reads at once; larger values are read in part ({@link #bytes(long)}). */
    public static final int MAX_BYTES = 16 << 20;
    /** Pointers and longs on x86_64. */
    public static final int POINTER_SIZE = 8;

    private final AddressSpace memory;
    private final Type type;
    private final boolean lvalue;
    private final long address;
    /** Bit position of a bitfield inside its first byte, and its width (0 when not a bitfield). */
    private final int bitPos;
    private final int bitSize;
    private byte[] bytes;

    private Value(AddressSpace memory, Type type, boolean lvalue, long address, int bitPos, int bitSize, byte[] bytes) {
        this.memory = memory;
        this.type = type;
        this.lvalue = lvalue;
        this.address = address;
        this.bitPos = bitPos;
        this.bitSize = bitSize;
        this.bytes = bytes;
    }

    /** An operation C does not allow on this value ("There is no member named x."). */
    public static class Invalid extends VmcoreException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** A member name the struct or union does not have. */
    public static final class NoSuchMember extends Invalid {
        private final StructType struct;
        private final String member;

        public NoSuchMember(StructType struct, String member) {
            super("There is no member named " + member + ".");
            this.struct = struct;
            this.member = member;
        }

        public StructType struct() {
            return struct;
        }

        public String member() {
            return member;
        }
    }

    /** The object of type {@code type} at {@code address} in {@code memory}. */
    public static Value at(AddressSpace memory, Type type, long address) {
        return new Value(memory, type, true, address, 0, 0, null);
    }

    /** A value not in memory, made of {@code bytes} (copied; shorter ones read as zero-extended). */
    public static Value of(AddressSpace memory, Type type, byte[] bytes) {
        return new Value(memory, type, false, 0, 0, 0, bytes.clone());
    }

    /** An integer, pointer, enum or bool rvalue holding {@code v}, truncated to the type's size. */
    public static Value ofLong(AddressSpace memory, Type type, long v) {
        int size = (int) Math.max(1, Math.min(8, Types.sizeof(type)));
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return new Value(memory, type, false, 0, 0, 0, b);
    }

    public Type type() {
        return type;
    }

    /** The memory values read from (for pointers followed from this one). */
    public AddressSpace memory() {
        return memory;
    }

    /** True when the value lives in memory (has an address). */
    public boolean isLvalue() {
        return lvalue;
    }

    /** The address of an lvalue (of the byte holding a bitfield's first bit). */
    public long address() {
        if (!lvalue) {
            throw new Invalid("Attempt to take address of value not located in memory.");
        }
        return address;
    }

    public OptionalLong addressIfAny() {
        return lvalue ? OptionalLong.of(address) : OptionalLong.empty();
    }

    public boolean isBitfield() {
        return bitSize != 0;
    }

    /** Bit offset of a bitfield in the first byte of {@link #bytes()} (0 otherwise). */
    public int bitPos() {
        return bitPos;
    }

    /** Width of a bitfield, 0 when the value is not one. */
    public int bitSize() {
        return bitSize;
    }

    /** sizeof the value's type. */
    public long size() {
        return Types.sizeof(type);
    }

    /** The whole value's bytes (a bitfield's: the bytes holding it); throws when larger than {@link #MAX_BYTES}. */
    public byte[] bytes() {
        long n = storageSize();
        if (n > MAX_BYTES) {
            throw new Invalid("value of " + n + " bytes is too large to read whole (" + TypeNames.name(type)
                    + "); the limit is " + MAX_BYTES);
        }
        return bytes(n);
    }

    /** The first {@code limit} bytes of the value at most (all of them when it is smaller). */
    public byte[] bytes(long limit) {
        int n = (int) Math.min(Math.min(storageSize(), limit), MAX_BYTES);
        if (bytes != null && bytes.length >= n) {
            return bytes.length == n ? bytes : Arrays.copyOf(bytes, n);
        }
        if (!lvalue) {
            return Arrays.copyOf(bytes == null ? new byte[0] : bytes, n);
        }
        byte[] b = memory.readBytes(address, n);
        if (bytes == null || b.length > bytes.length) {
            bytes = b;
        }
        return b;
    }

    private long storageSize() {
        if (bitSize != 0) {
            return (bitPos + bitSize + 7) / 8;
        }
        return Types.sizeof(type);
    }

    /** True for the scalar types whose value is a number: integers, chars, bools, enums, pointers. */
    public boolean isScalar() {
        return switch (Types.strip(type)) {
            case IntType i -> true;
            case BoolType b -> true;
            case EnumType e -> true;
            case PointerType p -> true;
            default -> false;
        };
    }

    /** True when the value's type (without typedefs and qualifiers) is signed. */
    public boolean isSigned() {
        return switch (Types.strip(type)) {
            case IntType i -> i.signed();
            case EnumType e -> e.signed();
            default -> false;
        };
    }

    /**
     * The value as a 64-bit number: integers (sign-extended when signed), bools, enums, pointers,
     * bitfields; floats truncated toward zero.
     */
    public long asLong() {
        Type s = Types.strip(type);
        if (s instanceof FloatType f) {
            byte[] b = bytes();
            return f.size() == 4 ? (long) Float.intBitsToFloat((int) little(b, 0, 4))
                    : (long) Double.longBitsToDouble(little(b, 0, 8));
        }
        if (!isScalar()) {
            throw new Invalid("Value of type " + TypeNames.name(type) + " is not a number.");
        }
        byte[] b = bytes();
        if (bitSize != 0) {
            long v = 0;
            for (int i = Math.min(b.length, 9) - 1; i >= 0; i--) {
                v = (v << 8) | (b[i] & 0xff);
            }
            v >>>= bitPos;
            if (b.length > 8 && bitPos > 0) {
                v |= (long) (b[8] & 0xff) << (64 - bitPos);
            }
            if (bitSize < 64) {
                v &= (1L << bitSize) - 1;
                if (isSigned() && (v & (1L << (bitSize - 1))) != 0) {
                    v |= -1L << bitSize;
                }
            }
            return v;
        }
        int size = (int) Math.min(8, b.length);
        long v = little(b, 0, size);
        if (isSigned() && size < 8 && size > 0) {
            int shift = 64 - size * 8;
            v = v << shift >> shift;
        }
        return v;
    }

    private static long little(byte[] b, int off, int size) {
        long v = 0;
        for (int i = Math.min(size, b.length - off) - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /**
     * The member {@code name}, looking through anonymous members as C does; a pointer to a struct is
     * followed first, as gdb does for both {@code .} and {@code ->}.
     */
    public Value member(String name) {
        Value base = this;
        for (int i = 0; i < 8 && Types.strip(base.type) instanceof PointerType; i++) {
            base = base.deref();
        }
        if (!(Types.strip(base.type) instanceof StructType st)) {
            throw new Invalid("Attempt to extract a component of a value that is not a structure"
                    + (Types.strip(type) instanceof PointerType ? " pointer." : "."));
        }
        if (!st.complete()) {
            throw new Invalid("The type " + TypeNames.tagName(st) + " is incomplete (declared only).");
        }
        Types.Located m = Types.member(st, name).orElseThrow(() -> new NoSuchMember(st, name));
        long byteOff = m.bitOffset() / 8;
        int pos = m.member().isBitfield() ? (int) (m.bitOffset() % 8) : 0;
        int bits = m.member().bitSize();
        if (base.lvalue) {
            return new Value(memory, m.type(), true, base.address + byteOff, pos, bits, null);
        }
        long len = bits != 0 ? (pos + bits + 7) / 8 : Types.sizeof(m.type());
        return new Value(memory, m.type(), false, 0, pos, bits, slice(base.bytes(), byteOff, len));
    }

    private static byte[] slice(byte[] b, long off, long len) {
        byte[] out = new byte[(int) Math.min(len, MAX_BYTES)];
        for (int i = 0; i < out.length && off + i < b.length; i++) {
            out[i] = b[(int) (off + i)];
        }
        return out;
    }

    /** {@code *this}: the object a pointer points to, an array's first element, or an int read at an address (gdb's rule). */
    public Value deref() {
        Type s = Types.strip(type);
        return switch (s) {
            case PointerType p -> {
                Type target = p.target();
                if (Types.strip(target) instanceof VoidType) {
                    throw new Invalid("Attempt to take contents of a non-pointer value.");
                }
                yield at(memory, target, asLong());
            }
            case ArrayType a -> index(0);
            case FunctionType f -> this;
            case IntType i -> at(memory, new IntType("int", 4, true, false), asLong());
            default -> throw new Invalid("Attempt to take contents of a non-pointer value.");
        };
    }

    /** {@code this[i]} of an array or a pointer. */
    public Value index(long i) {
        Type s = Types.strip(type);
        return switch (s) {
            case ArrayType a -> {
                long esize = Types.sizeof(a.element());
                if (lvalue) {
                    yield at(memory, a.element(), address + i * esize);
                }
                if (i < 0 || (!a.flexible() && i >= a.length())) {
                    throw new Invalid("no such vector element");
                }
                yield new Value(memory, a.element(), false, 0, 0, 0, slice(bytes(), i * esize, esize));
            }
            case PointerType p -> {
                long esize = Types.sizeof(p.target());
                if (Types.strip(p.target()) instanceof VoidType || Types.strip(p.target()) instanceof FunctionType) {
                    throw new Invalid("Attempt to take contents of a non-pointer value.");
                }
                yield at(memory, p.target(), asLong() + i * esize);
            }
            default -> throw new Invalid("cannot subscript something of type `" + TypeNames.name(type) + "'");
        };
    }

    /** {@code &this}: a pointer to the object. */
    public Value addressOf() {
        if (bitSize != 0) {
            throw new Invalid("Attempt to take address of value not located in memory.");
        }
        return ofLong(memory, PointerType.to(type, POINTER_SIZE), address());
    }

    /**
     * An array or function as the pointer C converts it to in arithmetic and casts
     * ({@code char [16]} to {@code char *}); other values unchanged.
     */
    public Value decay() {
        Type s = Types.strip(type);
        if (s instanceof ArrayType a && lvalue) {
            return ofLong(memory, PointerType.to(a.element(), POINTER_SIZE), address);
        }
        if (s instanceof FunctionType && lvalue) {
            return addressOf();
        }
        return this;
    }

    /**
     * {@code (target) this}. Scalars convert (integers truncate or extend, pointers and integers
     * convert both ways); an array or function first becomes a pointer; an lvalue cast to a struct,
     * union or array of no larger size is the same memory seen as that type.
     */
    public Value cast(Type target) {
        Type t = Types.strip(target);
        if (t instanceof VoidType) {
            return of(memory, target, new byte[0]);
        }
        if (t instanceof StructType || t instanceof ArrayType) {
            if (!lvalue) {
                throw new Invalid("Invalid cast.");
            }
            return at(memory, target, address);
        }
        if (t instanceof FunctionType) {
            throw new Invalid("Invalid cast.");
        }
        Value src = decay();
        Type ss = Types.strip(src.type);
        if (ss instanceof StructType) {
            throw new Invalid("Invalid cast.");
        }
        if (t instanceof FloatType f) {
            double d = src.asDouble();
            byte[] b = new byte[(int) f.size()];
            long bits = f.size() == 4 ? Float.floatToIntBits((float) d) & 0xffffffffL : Double.doubleToLongBits(d);
            for (int i = 0; i < b.length && i < 8; i++) {
                b[i] = (byte) (bits >>> (8 * i));
            }
            return of(memory, target, b);
        }
        if (t instanceof BoolType) {
            return ofLong(memory, target, src.asLong() != 0 ? 1 : 0);
        }
        return ofLong(memory, target, src.asLong());
    }

    private double asDouble() {
        Type s = Types.strip(type);
        if (s instanceof FloatType f) {
            byte[] b = bytes();
            return f.size() == 4 ? Float.intBitsToFloat((int) little(b, 0, 4)) : Double.longBitsToDouble(little(b, 0, 8));
        }
        long v = asLong();
        return isSigned() || v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /** The same place or bytes seen as another type (no conversion). */
    public Value withType(Type t) {
        return new Value(memory, t, lvalue, address, bitPos, bitSize, bytes);
    }

    @Override
    public String toString() {
        return "(" + TypeNames.name(type) + ")" + (lvalue ? " @0x" + Long.toHexString(address) : " rvalue");
    }
}
