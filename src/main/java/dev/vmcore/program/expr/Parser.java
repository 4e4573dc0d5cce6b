package dev.vmcore.program.expr;

import dev.vmcore.program.Value;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.QualifiedType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.Type;
import dev.vmcore.types.Types;
import dev.vmcore.types.VoidType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the C subset gdb users type at crash's {@code p}: identifiers, integer and character
 * constants, {@code . -> [] * & sizeof}, casts to named types with pointers, the arithmetic,
 * shift, comparison, bitwise and logical operators with C's precedence, parentheses, gdb's value
 * history ({@code $}, {@code $N}, {@code $$}, {@code $$N}) and crash's per-CPU suffix
 * ({@code NAME:CPU}). Errors carry the 1-based column of the token at fault.
 */
public final class Parser {
    /** Nesting (parentheses, unary operators) beyond this is refused rather than overflowing the stack. */
    private static final int MAX_NESTING = 200;
    private static final Set<String> BUILTIN_WORDS = Set.of("signed", "unsigned", "short", "long", "int", "char",
            "void", "_Bool", "float", "double");
    private static final Set<String> QUALIFIERS = Set.of("const", "volatile");
    private static final Set<String> KEYWORDS = Set.of("struct", "union", "enum", "sizeof", "signed", "unsigned",
            "short", "long", "int", "char", "void", "_Bool", "float", "double", "const", "volatile");

    /** How the parser tells type names from variables. */
    public interface TypeLookup {
        /** A type by its C name ("struct foo", "pid_t"). */
        Optional<Type> findType(String name);

        /** True when {@code name} is a variable or symbol: "(name)" is then an expression, not a cast. */
        boolean isVariable(String name);
    }

    private enum Kind { IDENT, NUMBER, CHAR, PUNCT, HISTORY, END }

    private record Token(Kind kind, String text, int column, long value, Type type) {
        boolean is(String punct) {
            return kind == Kind.PUNCT && text.equals(punct);
        }

        boolean isWord(String word) {
            return kind == Kind.IDENT && text.equals(word);
        }
    }

    private final List<Token> tokens;
    private final TypeLookup types;
    private int pos;
    private int depth;

    private Parser(List<Token> tokens, TypeLookup types) {
        this.tokens = tokens;
        this.types = types;
    }

    /** Parses a whole expression; anything left over is an error. */
    public static Expr parse(String text, TypeLookup types) {
        Parser p = new Parser(lex(text), types);
        if (p.peek().kind == Kind.END) {
            throw new ExpressionException.Syntax("empty expression", 1);
        }
        Expr e = p.expression();
        Token t = p.peek();
        if (t.kind != Kind.END) {
            throw p.error(t, "unexpected " + describe(t));
        }
        return e;
    }

    // ---- grammar ----

    private Expr expression() {
        return binary(1);
    }

    private static int precedence(Token t) {
        if (t.kind != Kind.PUNCT) {
            return -1;
        }
        return switch (t.text) {
            case "||" -> 1;
            case "&&" -> 2;
            case "|" -> 3;
            case "^" -> 4;
            case "&" -> 5;
            case "==", "!=" -> 6;
            case "<", ">", "<=", ">=" -> 7;
            case "<<", ">>" -> 8;
            case "@" -> 9;
            case "+", "-" -> 10;
            case "*", "/", "%" -> 11;
            default -> -1;
        };
    }

    private static Expr.BinaryOp binaryOp(String s) {
        for (Expr.BinaryOp op : Expr.BinaryOp.values()) {
            if (op.symbol().equals(s)) {
                return op;
            }
        }
        throw new IllegalArgumentException(s);
    }

    /** Precedence climbing: left-associative operators of at least {@code min} precedence. */
    private Expr binary(int min) {
        Expr left = unary();
        while (true) {
            Token op = peek();
            int prec = precedence(op);
            if (prec < min) {
                return left;
            }
            pos++;
            Expr right = binary(prec + 1);
            left = new Expr.Binary(binaryOp(op.text), left, right, op.column);
        }
    }

    private Expr unary() {
        if (++depth > MAX_NESTING) {
            throw error(peek(), "expression nested too deeply");
        }
        try {
            Token t = peek();
            if (t.kind == Kind.PUNCT) {
                Expr.UnaryOp op = switch (t.text) {
                    case "-" -> Expr.UnaryOp.NEGATE;
                    case "+" -> Expr.UnaryOp.PLUS;
                    case "!" -> Expr.UnaryOp.NOT;
                    case "~" -> Expr.UnaryOp.COMPLEMENT;
                    case "*" -> Expr.UnaryOp.DEREF;
                    case "&" -> Expr.UnaryOp.ADDRESS_OF;
                    default -> null;
                };
                if (op != null) {
                    pos++;
                    return new Expr.Unary(op, unary(), t.column);
                }
                if (t.is("(") && isTypeStart(peek(1))) {
                    pos++;
                    Type type = typeName();
                    expect(")");
                    return new Expr.Cast(type, unary(), t.column);
                }
            }
            if (t.isWord("sizeof")) {
                pos++;
                if (peek().is("(") && isTypeStart(peek(1))) {
                    pos++;
                    Type type = typeName();
                    expect(")");
                    return new Expr.SizeofType(type, t.column);
                }
                return new Expr.SizeofExpr(unary(), t.column);
            }
            return postfix();
        } finally {
            depth--;
        }
    }

    private Expr postfix() {
        Expr e = primary();
        while (true) {
            Token t = peek();
            if (t.is(".") || t.is("->")) {
                pos++;
                Token name = next();
                if (name.kind != Kind.IDENT || KEYWORDS.contains(name.text)) {
                    throw error(name, "expected a member name after '" + t.text + "'");
                }
                e = new Expr.Member(e, name.text, t.is("->"), name.column);
            } else if (t.is("[")) {
                pos++;
                depth++;
                Expr index = expression();
                depth--;
                expect("]");
                e = new Expr.Index(e, index, t.column);
            } else {
                return e;
            }
        }
    }

    private Expr primary() {
        Token t = next();
        switch (t.kind) {
            case NUMBER, CHAR -> {
                return new Expr.Literal(t.value, t.type, t.column);
            }
            case HISTORY -> {
                // $0 is the last value, as $ is (gdb's access_value_history).
                return new Expr.History((int) t.value, !t.text.matches("\\$\\d+") || t.value == 0, t.column);
            }
            case IDENT -> {
                if (KEYWORDS.contains(t.text)) {
                    throw error(t, "unexpected '" + t.text + "' (a type name needs parentheses: (TYPE) EXPR)");
                }
                if (peek().is(":")) {
                    Token colon = next();
                    Token cpu = next();
                    if (cpu.kind != Kind.NUMBER || !CTypes.isInteger(cpu.type) || cpu.value < 0 || cpu.value > Integer.MAX_VALUE) {
                        throw error(cpu.kind == Kind.END ? colon : cpu, "expected a CPU number after '" + t.text + ":'");
                    }
                    return new Expr.PerCpu(t.text, (int) cpu.value, t.column);
                }
                return new Expr.Ident(t.text, t.column);
            }
            case PUNCT -> {
                if (t.is("(")) {
                    depth++;
                    Expr e = expression();
                    depth--;
                    expect(")");
                    return e;
                }
                throw error(t, "unexpected " + describe(t));
            }
            default -> throw error(t, "expression ends too soon");
        }
    }

    // ---- type names ----

    private boolean isTypeStart(Token t) {
        if (t.kind != Kind.IDENT) {
            return false;
        }
        if (t.text.equals("struct") || t.text.equals("union") || t.text.equals("enum")
                || BUILTIN_WORDS.contains(t.text) || QUALIFIERS.contains(t.text)) {
            return true;
        }
        return !KEYWORDS.contains(t.text) && !types.isVariable(t.text) && types.findType(t.text).isPresent();
    }

    /** A type name as in a cast: qualifiers, a base type, then '*'s (each maybe const). */
    private Type typeName() {
        List<QualifiedType.Qualifier> quals = new ArrayList<>();
        List<String> builtin = new ArrayList<>();
        Type base = null;
        Token first = peek();
        while (true) {
            Token t = peek();
            if (t.kind != Kind.IDENT) {
                break;
            }
            if (QUALIFIERS.contains(t.text)) {
                pos++;
                quals.add(t.text.equals("const") ? QualifiedType.Qualifier.CONST : QualifiedType.Qualifier.VOLATILE);
            } else if (BUILTIN_WORDS.contains(t.text) && base == null) {
                pos++;
                builtin.add(t.text);
            } else if ((t.text.equals("struct") || t.text.equals("union") || t.text.equals("enum"))
                    && base == null && builtin.isEmpty()) {
                pos++;
                base = tagged(t);
            } else if (base == null && builtin.isEmpty() && !KEYWORDS.contains(t.text)) {
                pos++;
                base = types.findType(t.text).orElseThrow(() -> error(t, "No symbol \"" + t.text + "\" in current context."));
            } else {
                break;
            }
        }
        if (base == null) {
            if (builtin.isEmpty()) {
                throw error(first, "expected a type name");
            }
            base = builtin(builtin, first);
        }
        Type type = base;
        for (QualifiedType.Qualifier q : quals) {
            type = new QualifiedType(q, type);
        }
        while (peek().is("*")) {
            pos++;
            type = PointerType.to(type, Value.POINTER_SIZE);
            while (peek().kind == Kind.IDENT && QUALIFIERS.contains(peek().text)) {
                type = new QualifiedType(next().text.equals("const") ? QualifiedType.Qualifier.CONST
                        : QualifiedType.Qualifier.VOLATILE, type);
            }
        }
        if (peek().is("(") || peek().is("[")) {
            throw error(peek(), "function and array types are not supported in casts; cast to a pointer instead");
        }
        return type;
    }

    private Type tagged(Token keyword) {
        Token tag = next();
        if (tag.kind != Kind.IDENT || KEYWORDS.contains(tag.text)) {
            throw error(tag, "expected a tag name after '" + keyword.text + "'");
        }
        Optional<Type> t = types.findType(keyword.text + " " + tag.text);
        boolean ok = t.isPresent() && switch (Types.unqualified(t.get())) {
            case StructType s -> s.kind().keyword().equals(keyword.text);
            case EnumType e -> keyword.text.equals("enum");
            default -> false;
        };
        if (!ok) {
            throw error(tag, "No " + keyword.text + " type named " + tag.text + ".");
        }
        return t.get();
    }

    private Type builtin(List<String> words, Token at) {
        int longs = 0;
        boolean signed = false;
        boolean unsigned = false;
        String kind = null;
        for (String w : words) {
            switch (w) {
                case "long" -> longs++;
                case "signed" -> signed = true;
                case "unsigned" -> unsigned = true;
                default -> {
                    if (kind != null && !(kind.equals("int") && w.equals("short")) && !(kind.equals("short") && w.equals("int"))
                            && !(kind.equals("int") && w.equals("int"))) {
                        throw error(at, "invalid type name: " + String.join(" ", words));
                    }
                    kind = w.equals("int") && "short".equals(kind) ? "short" : w;
                }
            }
        }
        if ((signed && unsigned) || longs > 2) {
            throw error(at, "invalid type name: " + String.join(" ", words));
        }
        if (kind == null) {
            kind = "int";
        }
        Type t = switch (kind) {
            case "void" -> VoidType.INSTANCE;
            case "_Bool" -> CTypes.BOOL;
            case "float" -> CTypes.FLOAT;
            case "double" -> longs > 0 ? CTypes.LONG_DOUBLE : CTypes.DOUBLE;
            case "char" -> unsigned ? CTypes.UNSIGNED_CHAR : signed ? CTypes.SIGNED_CHAR : CTypes.CHAR;
            case "short" -> unsigned ? CTypes.UNSIGNED_SHORT : CTypes.SHORT;
            default -> longs == 0 ? (unsigned ? CTypes.UNSIGNED_INT : CTypes.INT)
                    : longs == 1 ? (unsigned ? CTypes.UNSIGNED_LONG : CTypes.LONG)
                    : (unsigned ? CTypes.UNSIGNED_LONG_LONG : CTypes.LONG_LONG);
        };
        boolean sizeWords = longs > 0 || signed || unsigned;
        if (sizeWords && (kind.equals("void") || kind.equals("_Bool") || kind.equals("float")
                || (kind.equals("double") && (signed || unsigned || longs > 1))
                || (kind.equals("char") && longs > 0) || (kind.equals("short") && longs > 0))) {
            throw error(at, "invalid type name: " + String.join(" ", words));
        }
        return t;
    }

    // ---- tokens ----

    private Token peek() {
        return tokens.get(Math.min(pos, tokens.size() - 1));
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = peek();
        if (pos < tokens.size()) {
            pos++;
        }
        return t;
    }

    private void expect(String punct) {
        Token t = next();
        if (!t.is(punct)) {
            throw error(t, "expected '" + punct + "' but found " + describe(t));
        }
    }

    private static String describe(Token t) {
        return switch (t.kind) {
            case END -> "the end of the expression";
            case IDENT -> "\"" + t.text + "\"";
            default -> "'" + t.text + "'";
        };
    }

    private ExpressionException.Syntax error(Token t, String message) {
        return new ExpressionException.Syntax(message, t.column);
    }

    private static List<Token> lex(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            int col = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Token(Kind.IDENT, s.substring(i, j), col, 0, null));
                i = j;
            } else if (Character.isDigit(c) && isFloat(s, i)) {
                int j = floatEnd(s, i);
                out.add(floating(s.substring(i, j), col));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(number(s.substring(i, j), col));
                i = j;
            } else if (c == '\'') {
                i = character(s, i, out);
            } else if (c == '$') {
                int j = i + 1;
                if (j < n && s.charAt(j) == '$') {
                    j++;
                }
                int digits = j;
                while (j < n && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                String text = s.substring(i, j);
                boolean twice = text.startsWith("$$");
                String num = s.substring(digits, j);
                long value = num.isEmpty() ? (twice ? 1 : 0) : parseHistory(num, col);
                if (j < n && (Character.isLetter(s.charAt(j)) || s.charAt(j) == '_')) {
                    throw new ExpressionException.Syntax("registers and convenience variables are not supported ("
                            + s.substring(i).split("[^$A-Za-z0-9_]")[0] + ")", col);
                }
                out.add(new Token(Kind.HISTORY, text, col, value, null));
                i = j;
            } else {
                String two = i + 1 < n ? s.substring(i, i + 2) : "";
                if (Set.of("->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||").contains(two)) {
                    out.add(new Token(Kind.PUNCT, two, col, 0, null));
                    i += 2;
                } else if ("()[].*&+-~!/%<>^|:@".indexOf(c) >= 0) {
                    out.add(new Token(Kind.PUNCT, String.valueOf(c), col, 0, null));
                    i++;
                } else if (c == '=' || c == '?' || c == ',' || c == '"') {
                    throw new ExpressionException.Syntax(switch (c) {
                        case '=' -> "assignment is not supported: the dump is read-only";
                        case '?' -> "the ?: operator is not supported";
                        case ',' -> "the comma operator is not supported";
                        default -> "string constants are not supported";
                    }, col);
                } else {
                    throw new ExpressionException.Syntax("Invalid character '" + c + "' in expression.", col);
                }
            }
        }
        out.add(new Token(Kind.END, "", n + 1, 0, null));
        return out;
    }

    /** True when the number at {@code i} is a floating constant: digits then '.' or an exponent. */
    private static boolean isFloat(String s, int i) {
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
            j++;
        }
        if (j == i + 1 && s.charAt(i) == '0' && j < s.length() && (s.charAt(j) == 'x' || s.charAt(j) == 'X')) {
            return false;
        }
        // "1.5", "1." and "1e3" are floating; "0.curr" (crash's runqueues:0.curr) is not.
        boolean dot = j < s.length() && s.charAt(j) == '.' && (j + 1 >= s.length()
                || !(Character.isLetter(s.charAt(j + 1)) || s.charAt(j + 1) == '_'));
        return dot || j < s.length() && (((s.charAt(j) == 'e' || s.charAt(j) == 'E')
                && j + 1 < s.length() && (Character.isDigit(s.charAt(j + 1)) || s.charAt(j + 1) == '-' || s.charAt(j + 1) == '+')));
    }

    private static int floatEnd(String s, int i) {
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '.') {
            j++;
            while (j < s.length() && Character.isDigit(s.charAt(j))) {
                j++;
            }
        }
        if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            if (k < s.length() && Character.isDigit(s.charAt(k))) {
                j = k;
                while (j < s.length() && Character.isDigit(s.charAt(j))) {
                    j++;
                }
            }
        }
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        return j;
    }

    /** A floating constant: double, or float with an f suffix (its bits as the token's value). */
    private static Token floating(String text, int col) {
        String body = text;
        boolean single = false;
        if (body.endsWith("f") || body.endsWith("F")) {
            single = true;
            body = body.substring(0, body.length() - 1);
        } else if (body.endsWith("l") || body.endsWith("L")) {
            body = body.substring(0, body.length() - 1);
        }
        double d;
        try {
            if (!body.matches("[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?")) {
                throw new NumberFormatException();
            }
            d = Double.parseDouble(body);
        } catch (NumberFormatException e) {
            throw new ExpressionException.Syntax("Invalid number \"" + text + "\".", col);
        }
        return single ? new Token(Kind.NUMBER, text, col, Float.floatToIntBits((float) d) & 0xffffffffL, CTypes.FLOAT)
                : new Token(Kind.NUMBER, text, col, Double.doubleToLongBits(d), CTypes.DOUBLE);
    }

    private static long parseHistory(String digits, int col) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ExpressionException.Syntax("History number too large: " + digits, col);
        }
    }

    /** An integer constant and its type by gdb's rules (c-exp.y parse_number). */
    private static Token number(String text, int col) {
        String body = text;
        int end = body.length();
        boolean unsigned = false;
        int longs = 0;
        while (end > 0 && "uUlL".indexOf(body.charAt(end - 1)) >= 0) {
            char c = body.charAt(end - 1);
            if (c == 'u' || c == 'U') {
                unsigned = true;
            } else {
                longs++;
            }
            end--;
        }
        String digits = body.substring(0, end);
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        long v;
        try {
            if (digits.isEmpty() || longs > 2) {
                throw new NumberFormatException();
            }
            v = Long.parseUnsignedLong(digits, radix);
        } catch (NumberFormatException e) {
            final int r = radix;
            boolean valid = !digits.isEmpty() && longs <= 2 && digits.chars().allMatch(ch -> Character.digit(ch, r) >= 0);
            throw new ExpressionException.Syntax(valid ? "Numeric constant too large." : "Invalid number \"" + text + "\".", col);
        }
        Type type;
        if (longs == 0 && (v >>> 32) == 0) {
            type = unsigned || (v & 0x80000000L) != 0 ? CTypes.UNSIGNED_INT : CTypes.INT;
        } else if (longs <= 1) {
            type = unsigned || v < 0 ? CTypes.UNSIGNED_LONG : CTypes.LONG;
        } else {
            type = unsigned || v < 0 ? CTypes.UNSIGNED_LONG_LONG : CTypes.LONG_LONG;
        }
        return new Token(Kind.NUMBER, text, col, v, type);
    }

    /** A character constant: 'a', '\n', '\0', '\101', '\x41'. Returns the index after it. */
    private static int character(String s, int start, List<Token> out) {
        int i = start + 1;
        int n = s.length();
        if (i >= n) {
            throw new ExpressionException.Syntax("Unmatched single quote.", start + 1);
        }
        long v;
        char c = s.charAt(i);
        if (c == '\\') {
            i++;
            if (i >= n) {
                throw new ExpressionException.Syntax("Unmatched single quote.", start + 1);
            }
            char e = s.charAt(i);
            if (e >= '0' && e <= '7') {
                int j = i;
                v = 0;
                while (j < n && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
                    v = v * 8 + (s.charAt(j) - '0');
                    j++;
                }
                i = j;
            } else if (e == 'x') {
                int j = i + 1;
                v = 0;
                while (j < n && Character.digit(s.charAt(j), 16) >= 0) {
                    v = v * 16 + Character.digit(s.charAt(j), 16);
                    j++;
                }
                if (j == i + 1) {
                    throw new ExpressionException.Syntax("\\x escape without a following hex digit", start + 1);
                }
                i = j;
            } else {
                v = switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'a' -> 7;
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'v' -> 11;
                    case 'e' -> 27;
                    default -> e;
                };
                i++;
            }
        } else {
            v = c;
            i++;
        }
        if (i >= n || s.charAt(i) != '\'') {
            throw new ExpressionException.Syntax("Unmatched single quote.", start + 1);
        }
        out.add(new Token(Kind.CHAR, s.substring(start, i + 1), start + 1, (byte) v, CTypes.CHAR));
        return i + 1;
    }
}
