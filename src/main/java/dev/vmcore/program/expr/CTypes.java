package dev.vmcore.program.expr;

import dev.vmcore.types.BoolType;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.FloatType;
import dev.vmcore.types.IntType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypedefType;
import dev.vmcore.types.Types;

/**
 * C's built-in types on x86_64 (LP64) under the names gdb prints, and the usual arithmetic
 * conversions as gdb's binop_promote applies them.
 */
public final class CTypes {
    public static final IntType CHAR = new IntType("char", 1, true, true);
    public static final IntType SIGNED_CHAR = new IntType("signed char", 1, true, true);
    public static final IntType UNSIGNED_CHAR = new IntType("unsigned char", 1, false, true);
    public static final IntType SHORT = new IntType("short", 2, true, false);
    public static final IntType UNSIGNED_SHORT = new IntType("unsigned short", 2, false, false);
    public static final IntType INT = new IntType("int", 4, true, false);
    public static final IntType UNSIGNED_INT = new IntType("unsigned int", 4, false, false);
    public static final IntType LONG = new IntType("long", 8, true, false);
    public static final IntType UNSIGNED_LONG = new IntType("unsigned long", 8, false, false);
    public static final IntType LONG_LONG = new IntType("long long", 8, true, false);
    public static final IntType UNSIGNED_LONG_LONG = new IntType("unsigned long long", 8, false, false);
    public static final BoolType BOOL = new BoolType("_Bool", 1);
    public static final FloatType FLOAT = new FloatType("float", 4);
    public static final FloatType DOUBLE = new FloatType("double", 8);
    public static final FloatType LONG_DOUBLE = new FloatType("long double", 16);
    /** gdb's type for a data symbol without debug information. */
    public static final TypedefType UNKNOWN_DATA = new TypedefType("<data variable, no debug info>", INT);
    /** gdb's type for a text symbol without debug information (a function of unknown prototype). */
    public static final TypedefType UNKNOWN_TEXT = new TypedefType("<text variable, no debug info>",
            new dev.vmcore.types.FunctionType(INT, java.util.List.of(), false));

    private CTypes() {
    }

    /** True for the types arithmetic takes as integers: integer types, chars, bools and enums. */
    public static boolean isInteger(Type t) {
        Type s = Types.strip(t);
        return s instanceof IntType || s instanceof BoolType || s instanceof EnumType;
    }

    public static boolean isPointer(Type t) {
        return Types.strip(t) instanceof PointerType;
    }

    public static boolean isFloat(Type t) {
        return Types.strip(t) instanceof FloatType;
    }

    static boolean isUnsigned(Type t) {
        return switch (Types.strip(t)) {
            case IntType i -> !i.signed();
            case EnumType e -> !e.signed();
            case BoolType b -> true;
            default -> false;
        };
    }

    /** The integer promotion: anything narrower than int becomes int; int and wider keep width and signedness. */
    public static IntType promote(Type t) {
        long size = Types.sizeof(t);
        boolean unsigned = isUnsigned(t);
        if (size < 4) {
            return INT;
        }
        if (size == 4) {
            return unsigned ? UNSIGNED_INT : INT;
        }
        return unsigned ? UNSIGNED_LONG : LONG;
    }

    /** The common type of two integer operands: the wider one, unsigned when the wider (or either of equal width) is. */
    public static IntType common(Type a, Type b) {
        IntType pa = promote(a);
        IntType pb = promote(b);
        long size = Math.max(pa.size(), pb.size());
        boolean unsigned = pa.size() > pb.size() ? !pa.signed() : pb.size() > pa.size() ? !pb.signed()
                : !pa.signed() || !pb.signed();
        if (size <= 4) {
            return unsigned ? UNSIGNED_INT : INT;
        }
        return unsigned ? UNSIGNED_LONG : LONG;
    }
}
