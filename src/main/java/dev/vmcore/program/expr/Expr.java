package dev.vmcore.program.expr;

import dev.vmcore.types.Type;

/**
 * A parsed expression. Every node knows the 1-based column where it starts in the text, for error
 * messages. Type names in casts and sizeof are resolved while parsing.
 */
public sealed interface Expr {
    int column();

    /** A global variable or function. */
    record Ident(String name, int column) implements Expr {
    }

    /** crash's {@code NAME:CPU}: CPU's instance of a per-CPU variable. */
    record PerCpu(String name, int cpu, int column) implements Expr {
    }

    /** An integer or character constant with its C type. */
    record Literal(long value, Type type, int column) implements Expr {
    }

    /**
     * gdb's value history: {@code $N} (absolute, 1-based), {@code $} / {@code $$} / {@code $$N}
     * (relative: back = 0 for the last value, 1 for the one before...).
     */
    record History(int number, boolean relative, int column) implements Expr {
    }

    /** {@code base.name} or {@code base->name}. */
    record Member(Expr base, String name, boolean arrow, int column) implements Expr {
    }

    /** {@code base[index]}. */
    record Index(Expr base, Expr index, int column) implements Expr {
    }

    record Unary(UnaryOp op, Expr operand, int column) implements Expr {
    }

    record Binary(BinaryOp op, Expr left, Expr right, int column) implements Expr {
    }

    /** {@code (type) operand}. */
    record Cast(Type type, Expr operand, int column) implements Expr {
    }

    /** {@code sizeof(type)}. */
    record SizeofType(Type type, int column) implements Expr {
    }

    /** {@code sizeof operand}: the operand is not evaluated, only typed. */
    record SizeofExpr(Expr operand, int column) implements Expr {
    }

    enum UnaryOp {
        NEGATE("-"), PLUS("+"), NOT("!"), COMPLEMENT("~"), DEREF("*"), ADDRESS_OF("&");

        private final String symbol;

        UnaryOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    enum BinaryOp {
        MUL("*"), DIV("/"), MOD("%"), ADD("+"), SUB("-"), SHL("<<"), SHR(">>"), LT("<"), GT(">"), LE("<="), GE(">="),
        EQ("=="), NE("!="), BIT_AND("&"), BIT_XOR("^"), BIT_OR("|"), AND("&&"), OR("||"),
        /** gdb's artificial array: {@code x@n} is n objects like x from x's address on. */
        REPEAT("@");

        private final String symbol;

        BinaryOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }
}
