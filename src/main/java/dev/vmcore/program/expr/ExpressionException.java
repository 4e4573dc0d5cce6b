package dev.vmcore.program.expr;

import dev.vmcore.symbols.Symbol;
import dev.vmcore.types.StructType;
import dev.vmcore.util.VmcoreException;

import java.util.List;

/**
 * An expression that cannot be parsed or evaluated. The message says what, in gdb's words where
 * gdb has some; {@link #column()} says where (1-based, 0 when no one place is to blame). Subclasses
 * carry what a command needs to suggest a way out.
 */
public class ExpressionException extends VmcoreException {
    private final int column;

    public ExpressionException(String message, int column) {
        super(message);
        this.column = column;
    }

    /** 1-based column of the offending token, 0 when not tied to one. */
    public int column() {
        return column;
    }

    /** Text that is not an expression of the language (the column points at the offending token). */
    public static final class Syntax extends ExpressionException {
        public Syntax(String message, int column) {
            super(message, column);
        }
    }

    /** A name that is neither a symbol nor a variable. */
    public static final class UnknownSymbol extends ExpressionException {
        private final String name;

        public UnknownSymbol(String name, int column) {
            super("No symbol \"" + name + "\" in current context.", column);
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    /** A data symbol whose type the debug information does not give (BTF types only per-CPU variables). */
    public static final class NoTypeInformation extends ExpressionException {
        private final Symbol symbol;

        public NoTypeInformation(Symbol symbol, int column) {
            super("'" + symbol.name() + "' has unknown type; cast it to its declared type", column);
            this.symbol = symbol;
        }

        public Symbol symbol() {
            return symbol;
        }
    }

    /** A member the struct or union does not have, with the closest names it does have. */
    public static final class UnknownMember extends ExpressionException {
        private final StructType struct;
        private final String member;
        private final List<String> similar;

        public UnknownMember(StructType struct, String member, List<String> similar, int column) {
            super("There is no member named " + member + ".", column);
            this.struct = struct;
            this.member = member;
            this.similar = List.copyOf(similar);
        }

        public StructType struct() {
            return struct;
        }

        public String member() {
            return member;
        }

        /** Member names close to the one asked for, best first (at most five). */
        public List<String> similar() {
            return similar;
        }
    }
}
