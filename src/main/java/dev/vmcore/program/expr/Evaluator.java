package dev.vmcore.program.expr;

import dev.vmcore.util.Similar;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Value;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.FloatType;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.types.Variable;
import dev.vmcore.types.VoidType;
import dev.vmcore.util.Unsigned;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Evaluates parsed expressions to {@link Value}s: globals are their symbol's address with the type
 * the debug information gives, {@code NAME:CPU} adds the CPU's per-CPU offset, and the operators
 * follow C as gdb implements it (integer promotions, scaled pointer arithmetic, unsigned compares
 * for pointers). A type-only evaluator ({@link #typeOnly()}) computes the static type of an
 * expression, as gdb's whatis does, reading no memory.
 */
public final class Evaluator {
    private final TypeSource types;
    private final SymbolTable symbols;
    private final AddressSpace memory;
    private final Supplier<Optional<PerCpu>> perCpu;
    private final List<Value> history;
    private final boolean typeOnly;

    /**
     * @param perCpu the per-CPU layout, asked for only when an expression uses {@code NAME:CPU}
     * @param history gdb's value history, {@code $1} first
     */
    public Evaluator(TypeSource types, SymbolTable symbols, AddressSpace memory, Supplier<Optional<PerCpu>> perCpu,
                     List<Value> history) {
        this(types, symbols, memory, perCpu, history, false);
    }

    private Evaluator(TypeSource types, SymbolTable symbols, AddressSpace memory, Supplier<Optional<PerCpu>> perCpu,
                      List<Value> history, boolean typeOnly) {
        this.types = types;
        this.symbols = symbols;
        this.memory = memory;
        this.perCpu = perCpu;
        this.history = history;
        this.typeOnly = typeOnly;
    }

    /** An evaluator that types expressions without reading memory: pointers followed are taken to point at 0. */
    public Evaluator typeOnly() {
        return new Evaluator(types, symbols, memory, perCpu, history, true);
    }

    /** How the parser tells type names from variables here. */
    public Parser.TypeLookup lookup() {
        return new Parser.TypeLookup() {
            @Override
            public Optional<Type> findType(String name) {
                return types.findType(name);
            }

            @Override
            public boolean isVariable(String name) {
                return symbols.find(name).isPresent() || types.findVariable(name).isPresent();
            }
        };
    }

    public Expr parse(String text) {
        return Parser.parse(text, lookup());
    }

    public Value evaluate(String text) {
        return evaluate(parse(text));
    }

    /** The value of {@code e}; a data symbol without type information is an error here ({@link ExpressionException.NoTypeInformation}). */
    public Value evaluate(Expr e) {
        return operand(e);
    }

    /** The static type of {@code e} (gdb's whatis). */
    public Type typeOf(Expr e) {
        return typeOnly().evaluate(e).type();
    }

    // ---- nodes ----

    private Value eval(Expr e) {
        try {
            return switch (e) {
                case Expr.Ident id -> identifier(id);
                case Expr.PerCpu pc -> perCpu(pc);
                case Expr.Literal l -> Value.ofLong(memory, l.type(), l.value());
                case Expr.History h -> history(h);
                case Expr.Member m -> member(m);
                case Expr.Index ix -> index(ix);
                case Expr.Unary u -> unary(u);
                case Expr.Binary b -> binary(b);
                case Expr.Cast c -> cast(c);
                case Expr.SizeofType s -> sizeof(s.type(), s.column());
                case Expr.SizeofExpr s -> sizeof(typeOnly().operand(s.operand()).type(), s.column());
            };
        } catch (Value.Invalid x) {
            throw new ExpressionException(x.getMessage(), e.column());
        }
    }

    /** The value of {@code e}, which must have a type (a symbol without one may only be cast or have its address taken). */
    private Value operand(Expr e) {
        Value v = eval(e);
        if (v.type() == CTypes.UNKNOWN_DATA) {
            Symbol s = e instanceof Expr.Ident id ? symbols.find(id.name()).orElseThrow()
                    : Symbol.kernel("?", v.address(), 0, 'd');
            throw new ExpressionException.NoTypeInformation(s, e.column());
        }
        return v;
    }

    private Value identifier(Expr.Ident id) {
        Optional<Symbol> sym = symbols.find(id.name());
        Optional<Variable> var = types.findVariable(id.name());
        if (sym.isEmpty()) {
            if (var.isPresent()) {
                throw new ExpressionException("\"" + id.name() + "\" is not in the symbol table: its address is unknown",
                        id.column());
            }
            throw new ExpressionException.UnknownSymbol(id.name(), id.column());
        }
        if (var.isEmpty()) {
            return Value.at(memory, sym.get().isText() ? CTypes.UNKNOWN_TEXT : CTypes.UNKNOWN_DATA, sym.get().address());
        }
        return Value.at(memory, var.get().type(), sym.get().address());
    }

    private Value perCpu(Expr.PerCpu pc) {
        Symbol sym = symbols.find(pc.name()).orElseThrow(() -> new ExpressionException.UnknownSymbol(pc.name(), pc.column()));
        PerCpu layout = perCpu.get().orElseThrow(() -> new ExpressionException(
                "no per-CPU offsets in this kernel (no __per_cpu_offset)", pc.column()));
        if (!layout.contains(sym)) {
            throw new ExpressionException(pc.name() + " is not a per-CPU variable", pc.column());
        }
        Type t = types.findVariable(pc.name()).map(Variable::type)
                .orElseThrow(() -> new ExpressionException.NoTypeInformation(sym, pc.column()));
        long address = typeOnly ? sym.address() : layout.address(sym, pc.cpu());
        return Value.at(memory, t, address);
    }

    private Value history(Expr.History h) {
        int index = h.relative() ? history.size() - 1 - h.number() : h.number() - 1;
        if (history.isEmpty()) {
            throw new ExpressionException("History is empty.", h.column());
        }
        if (index < 0) {
            throw new ExpressionException(h.relative() ? "History does not go back to $$" + h.number() + "."
                    : "History has not yet reached $" + h.number() + ".", h.column());
        }
        if (index >= history.size()) {
            throw new ExpressionException("History has not yet reached $" + h.number() + ".", h.column());
        }
        return history.get(index);
    }

    private Value member(Expr.Member m) {
        Value base = operand(m.base());
        if (typeOnly) {
            base = throughPointers(base);
        }
        try {
            return base.member(m.name());
        } catch (Value.NoSuchMember x) {
            throw new ExpressionException.UnknownMember(x.struct(), m.name(), similarMembers(x.struct(), m.name()),
                    m.column());
        }
    }

    private Value throughPointers(Value v) {
        Value base = v;
        for (int i = 0; i < 8 && Types.strip(base.type()) instanceof PointerType p; i++) {
            base = Value.at(memory, p.target(), 0);
        }
        return base;
    }

    private Value index(Expr.Index ix) {
        Value base = operand(ix.base());
        Value index = operand(ix.index());
        if (!CTypes.isInteger(index.type())) {
            throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", ix.index().column());
        }
        if (typeOnly) {
            if (Types.strip(base.type()) instanceof PointerType p) {
                return Value.at(memory, p.target(), 0);
            }
            return base.isLvalue() ? base.index(0) : Value.ofLong(memory, elementType(base), 0);
        }
        return base.index(index.asLong());
    }

    private static Type elementType(Value v) {
        return Types.strip(v.type()) instanceof ArrayType a ? a.element() : v.type();
    }

    private Value unary(Expr.Unary u) {
        switch (u.op()) {
            case ADDRESS_OF -> {
                return eval(u.operand()).addressOf();
            }
            case DEREF -> {
                Value v = operand(u.operand());
                if (typeOnly && Types.strip(v.type()) instanceof PointerType p) {
                    if (Types.strip(p.target()) instanceof VoidType) {
                        throw new ExpressionException("Attempt to take contents of a non-pointer value.", u.column());
                    }
                    return Value.at(memory, p.target(), 0);
                }
                return v.deref();
            }
            default -> {
                return Arithmetic.unary(u.op(), operand(u.operand()).decay(), memory, typeOnly, u.column());
            }
        }
    }

    private Value binary(Expr.Binary b) {
        if (b.op() == Expr.BinaryOp.REPEAT) {
            return repeat(b);
        }
        Value left = operand(b.left()).decay();
        if (!typeOnly && (b.op() == Expr.BinaryOp.AND || b.op() == Expr.BinaryOp.OR)) {
            boolean l = Arithmetic.truth(left, b.left().column());
            if (b.op() == Expr.BinaryOp.AND ? !l : l) {
                return Value.ofLong(memory, CTypes.INT, l ? 1 : 0);
            }
        }
        Value right = operand(b.right()).decay();
        return Arithmetic.binary(b.op(), left, right, memory, typeOnly, b.column());
    }

    /** gdb's {@code x@n}: an array of n objects of x's type at x's address. */
    private Value repeat(Expr.Binary b) {
        Value left = operand(b.left());
        Value count = operand(b.right());
        if (!CTypes.isInteger(count.type())) {
            throw new ExpressionException("Non-integral right operand for \"@\" operator.", b.column());
        }
        long n = typeOnly ? 1 : count.asLong();
        if (n <= 0 || n > Integer.MAX_VALUE) {
            throw new ExpressionException("Invalid number " + n + " of repetitions.", b.column());
        }
        if (!left.isLvalue() || left.isBitfield()) {
            throw new ExpressionException("Only values in memory can be extended with '@'.", b.column());
        }
        return Value.at(memory, new ArrayType(left.type(), n), left.address());
    }

    private Value cast(Expr.Cast c) {
        Value v = eval(c.operand());
        if (v.type() == CTypes.UNKNOWN_DATA) {
            return Value.at(memory, c.type(), v.address());
        }
        Type t = Types.strip(c.type());
        if (typeOnly && !(t instanceof StructType) && !(t instanceof ArrayType)) {
            return Value.ofLong(memory, c.type(), 0);
        }
        return v.cast(c.type());
    }

    private Value sizeof(Type t, int column) {
        Type s = Types.strip(t);
        if (t == CTypes.UNKNOWN_DATA) {
            throw new ExpressionException("the size of a symbol without type information is unknown", column);
        }
        long size = s instanceof VoidType || s instanceof FunctionType ? 1 : Types.sizeof(t);
        if (s instanceof StructType st && !st.complete()) {
            throw new ExpressionException("the size of incomplete " + TypeNames.tagName(st) + " is unknown", column);
        }
        return Value.ofLong(memory, CTypes.INT, size); // gdb 10 (crash's) gives sizeof the type int, not size_t
    }

    // ---- suggestions ----

    /** Up to five member names of {@code st} that contain {@code name} or are within two edits of it. */
    static List<String> similarMembers(StructType st, String name) {
        return Similar.names(Types.flatMembers(st).stream().map(l -> l.member().name()).toList(), name, 5);
    }


    /** C's arithmetic on values, as gdb does it for C (valarith.c, binop_promote). */
    static final class Arithmetic {
        private Arithmetic() {
        }

        static boolean truth(Value v, int column) {
            if (CTypes.isFloat(v.type())) {
                return v.asLong() != 0 || asDouble(v) != 0;
            }
            requireNumber(v, column);
            return v.asLong() != 0;
        }

        private static void requireNumber(Value v, int column) {
            if (!CTypes.isInteger(v.type()) && !CTypes.isPointer(v.type()) && !CTypes.isFloat(v.type())) {
                throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", column);
            }
        }

        static Value unary(Expr.UnaryOp op, Value v, AddressSpace memory, boolean typeOnly, int column) {
            if (op == Expr.UnaryOp.NOT) {
                return Value.ofLong(memory, CTypes.INT, typeOnly ? 0 : truth(v, column) ? 0 : 1);
            }
            if (CTypes.isFloat(v.type()) && op != Expr.UnaryOp.COMPLEMENT) {
                double d = typeOnly ? 0 : asDouble(v);
                return floatValue(memory, (FloatType) Types.strip(v.type()), op == Expr.UnaryOp.NEGATE ? -d : d);
            }
            if (!CTypes.isInteger(v.type())) {
                throw new ExpressionException("Argument to " + (op == Expr.UnaryOp.COMPLEMENT ? "complement" : "arithmetic")
                        + " operation not a number or boolean.", column);
            }
            Type t = CTypes.promote(v.type());
            long x = typeOnly ? 0 : v.asLong();
            return Value.ofLong(memory, t, switch (op) {
                case NEGATE -> -x;
                case COMPLEMENT -> ~x;
                default -> x;
            });
        }

        static Value binary(Expr.BinaryOp op, Value l, Value r, AddressSpace memory, boolean typeOnly, int column) {
            boolean lp = CTypes.isPointer(l.type());
            boolean rp = CTypes.isPointer(r.type());
            if (op == Expr.BinaryOp.AND || op == Expr.BinaryOp.OR) {
                boolean a = !typeOnly && truth(l, column);
                boolean b = !typeOnly && truth(r, column);
                return Value.ofLong(memory, CTypes.INT, (op == Expr.BinaryOp.AND ? a && b : a || b) ? 1 : 0);
            }
            if (lp || rp) {
                return pointerArithmetic(op, l, r, lp, rp, memory, typeOnly, column);
            }
            requireNumber(l, column);
            requireNumber(r, column);
            if (CTypes.isFloat(l.type()) || CTypes.isFloat(r.type())) {
                return floating(op, widerFloat(l.type(), r.type()), typeOnly ? 0 : asDouble(l), typeOnly ? 0 : asDouble(r),
                        memory, column);
            }
            boolean shift = op == Expr.BinaryOp.SHL || op == Expr.BinaryOp.SHR;
            dev.vmcore.types.IntType t = shift ? CTypes.promote(l.type()) : CTypes.common(l.type(), r.type());
            if (typeOnly) {
                return Value.ofLong(memory, isComparison(op) ? CTypes.INT : t, 0);
            }
            long a = normalize(l.asLong(), t);
            long b = shift ? r.asLong() : normalize(r.asLong(), t);
            boolean signed = t.signed();
            if (isComparison(op)) {
                int c = signed ? Long.compare(a, b) : Unsigned.compare(a, b);
                return Value.ofLong(memory, CTypes.INT, compare(op, c) ? 1 : 0);
            }
            long result = switch (op) {
                case MUL -> a * b;
                case DIV, MOD -> {
                    if (b == 0) {
                        throw new ExpressionException("Division by zero", column);
                    }
                    yield op == Expr.BinaryOp.DIV ? (signed ? a / b : Long.divideUnsigned(a, b))
                            : (signed ? a % b : Long.remainderUnsigned(a, b));
                }
                case ADD -> a + b;
                case SUB -> a - b;
                case SHL -> b < 0 || b >= 64 ? 0 : a << b;
                case SHR -> b < 0 || b >= 64 ? (signed && a < 0 ? -1 : 0) : signed ? a >> b : a >>> b;
                case BIT_AND -> a & b;
                case BIT_XOR -> a ^ b;
                case BIT_OR -> a | b;
                default -> throw new IllegalStateException(op.toString());
            };
            return Value.ofLong(memory, t, result);
        }

        private static Value pointerArithmetic(Expr.BinaryOp op, Value l, Value r, boolean lp, boolean rp,
                                               AddressSpace memory, boolean typeOnly, int column) {
            if (isComparison(op)) {
                if (!(lp || CTypes.isInteger(l.type())) || !(rp || CTypes.isInteger(r.type()))) {
                    throw new ExpressionException("Argument to comparison operation not a number, boolean or pointer.", column);
                }
                int c = typeOnly ? 0 : Unsigned.compare(l.asLong(), r.asLong());
                return Value.ofLong(memory, CTypes.INT, compare(op, c) ? 1 : 0);
            }
            if (op == Expr.BinaryOp.ADD && lp != rp) {
                Value p = lp ? l : r;
                Value i = lp ? r : l;
                requireInteger(i, column);
                long v = typeOnly ? 0 : p.asLong() + i.asLong() * scale(p.type());
                return Value.ofLong(memory, p.type(), v);
            }
            if (op == Expr.BinaryOp.SUB && lp && !rp) {
                requireInteger(r, column);
                long v = typeOnly ? 0 : l.asLong() - r.asLong() * scale(l.type());
                return Value.ofLong(memory, l.type(), v);
            }
            if (op == Expr.BinaryOp.SUB && lp && rp) {
                long sl = scale(l.type());
                if (sl != scale(r.type())) {
                    throw new ExpressionException("First argument of `-' is a pointer and second argument is neither\n"
                            .replace("\n", " ") + "an integer nor a pointer of the same type.", column);
                }
                long v = typeOnly ? 0 : (l.asLong() - r.asLong()) / sl;
                return Value.ofLong(memory, CTypes.LONG, v);
            }
            throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", column);
        }

        private static void requireInteger(Value v, int column) {
            if (!CTypes.isInteger(v.type())) {
                throw new ExpressionException("Argument to arithmetic operation not a number or boolean.", column);
            }
        }

        /** sizeof the pointed-to type; gdb takes void and functions as 1. */
        private static long scale(Type pointer) {
            Type target = ((PointerType) Types.strip(pointer)).target();
            Type s = Types.strip(target);
            if (s instanceof VoidType || s instanceof FunctionType) {
                return 1;
            }
            long size = Types.sizeof(target);
            return size <= 0 ? 1 : size;
        }

        private static boolean isComparison(Expr.BinaryOp op) {
            return switch (op) {
                case LT, GT, LE, GE, EQ, NE -> true;
                default -> false;
            };
        }

        private static boolean compare(Expr.BinaryOp op, int c) {
            return switch (op) {
                case LT -> c < 0;
                case GT -> c > 0;
                case LE -> c <= 0;
                case GE -> c >= 0;
                case EQ -> c == 0;
                case NE -> c != 0;
                default -> throw new IllegalStateException(op.toString());
            };
        }

        private static long normalize(long v, dev.vmcore.types.IntType t) {
            if (t.size() >= 8) {
                return v;
            }
            int shift = 64 - (int) t.size() * 8;
            return t.signed() ? v << shift >> shift : v << shift >>> shift;
        }

        private static double asDouble(Value v) {
            if (Types.strip(v.type()) instanceof FloatType f) {
                byte[] b = v.bytes();
                long bits = 0;
                for (int i = (int) Math.min(f.size(), 8) - 1; i >= 0; i--) {
                    bits = (bits << 8) | (i < b.length ? b[i] & 0xff : 0);
                }
                return f.size() == 4 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
            }
            long x = v.asLong();
            return v.isSigned() || x >= 0 ? x : (double) (x >>> 1) * 2.0 + (x & 1);
        }

        /** The float type of a mixed operation: the longer float operand's (an integer operand does not count). */
        private static FloatType widerFloat(Type a, Type b) {
            FloatType fa = Types.strip(a) instanceof FloatType f ? f : null;
            FloatType fb = Types.strip(b) instanceof FloatType f ? f : null;
            if (fa == null) {
                return fb;
            }
            return fb == null || fa.size() >= fb.size() ? fa : fb;
        }

        private static Value floating(Expr.BinaryOp op, FloatType type, double a, double b, AddressSpace memory, int column) {
            if (isComparison(op)) {
                return Value.ofLong(memory, CTypes.INT, compare(op, Double.compare(a, b)) ? 1 : 0);
            }
            return floatValue(memory, type, switch (op) {
                case MUL -> a * b;
                case DIV -> {
                    if (b == 0) {
                        throw new ExpressionException("Division by zero", column);
                    }
                    yield a / b;
                }
                case ADD -> a + b;
                case SUB -> a - b;
                default -> throw new ExpressionException("Integer only operation " + op.symbol() + ".", column);
            });
        }

        /** A float or double rvalue (long double is computed and kept as a double). */
        private static Value floatValue(AddressSpace memory, FloatType type, double d) {
            if (type.size() == 4) {
                int bits = Float.floatToIntBits((float) d);
                return Value.of(memory, type, new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16),
                    (byte) (bits >>> 24)});
            }
            long bits = Double.doubleToLongBits(d);
            byte[] b = new byte[8];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (bits >>> (8 * i));
            }
            return Value.of(memory, CTypes.DOUBLE, b);
        }
    }
}
