package dev.vmcore.program.expr;

import dev.vmcore.types.PointerType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The expression grammar: precedence, casts, crash's per-CPU suffix, constants, history and errors with columns. */
class ParserTest {
    private final TestImage image = new TestImage(true);
    private final Parser.TypeLookup lookup = image.evaluator().lookup();

    private Expr parse(String text) {
        return Parser.parse(text, lookup);
    }

    /** The tree as a compact prefix form, for comparing shapes. */
    static String tree(Expr e) {
        return switch (e) {
            case Expr.Ident i -> i.name();
            case Expr.PerCpu p -> p.name() + ":" + p.cpu();
            case Expr.Literal l -> l.value() + "/" + TypeNames.name(l.type());
            case Expr.History h -> (h.relative() ? "$$" : "$") + h.number();
            case Expr.Member m -> "(" + (m.arrow() ? "->" : ".") + " " + tree(m.base()) + " " + m.name() + ")";
            case Expr.Index ix -> "([] " + tree(ix.base()) + " " + tree(ix.index()) + ")";
            case Expr.Unary u -> "(" + u.op().symbol() + " " + tree(u.operand()) + ")";
            case Expr.Binary b -> "(" + b.op().symbol() + " " + tree(b.left()) + " " + tree(b.right()) + ")";
            case Expr.Cast c -> "(cast " + TypeNames.name(c.type()) + " " + tree(c.operand()) + ")";
            case Expr.SizeofType s -> "(sizeof " + TypeNames.name(s.type()) + ")";
            case Expr.SizeofExpr s -> "(sizeof " + tree(s.operand()) + ")";
        };
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "1 + 2 * 3                     ; (+ 1/int (* 2/int 3/int))",
        "(1 + 2) * 3                   ; (* (+ 1/int 2/int) 3/int)",
        "1 - 2 - 3                     ; (- (- 1/int 2/int) 3/int)",
        "a << 1 + 2                    ; (<< a (+ 1/int 2/int))",
        "a == b & c                    ; (& (== a b) c)",
        "a || b && c | d ^ e & f       ; (|| a (&& b (| c (^ d (& e f)))))",
        "a < b == c > d                ; (== (< a b) (> c d))",
        "-a * b                        ; (* (- a) b)",
        "*a->b[1].c                    ; (* (. ([] (-> a b) 1/int) c))",
        "&init_task.tasks              ; (& (. init_task tasks))",
        "!~x                           ; (! (~ x))",
        "a[i + 1][2]                   ; ([] ([] a (+ i 1/int)) 2/int)",
        "x@3                           ; (@ x 3/int)",
        "x@1 + 2                       ; (@ x (+ 1/int 2/int))",
        "a % b / c                     ; (/ (% a b) c)",
    })
    void precedenceAndAssociativity(String text, String expected) {
        assertEquals(expected, tree(parse(text)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "(struct list_head *)0x10                  ; (cast struct list_head * 16/int)",
        "((struct list_head *)&init_task.tasks)->next ; (-> (cast struct list_head * (& (. init_task tasks))) next)",
        "(unsigned long)x                          ; (cast unsigned long x)",
        "(long unsigned int)x                      ; (cast unsigned long x)",
        "(unsigned)x                               ; (cast unsigned int x)",
        "(long long)x                              ; (cast long long x)",
        "(unsigned char)300                        ; (cast unsigned char 300/int)",
        "(signed char)x                            ; (cast signed char x)",
        "(short int)x                              ; (cast short x)",
        "(pid_t)x                                  ; (cast pid_t x)",
        "(const char *)x                           ; (cast const char * x)",
        "(char * const)x                           ; (cast char * const x)",
        "(void **)x                                ; (cast void ** x)",
        "(enum state)1                             ; (cast enum state 1/int)",
        "(task *)x                                 ; (cast struct task * x)",
        "(init_task)                               ; init_task",
        "(counter) + 1                             ; (+ counter 1/int)",
        "(struct task *)x - 1                      ; (- (cast struct task * x) 1/int)",
        "sizeof(struct task)                       ; (sizeof struct task)",
        "sizeof(int) * 2                           ; (* (sizeof int) 2/int)",
        "sizeof init_task.comm                     ; (sizeof (. init_task comm))",
        "sizeof(init_task)                         ; (sizeof init_task)",
        "(_Bool)x                                  ; (cast _Bool x)",
        "(double)x                                 ; (cast double x)",
    })
    void castsAndSizeof(String text, String expected) {
        assertEquals(expected, tree(parse(text)));
    }

    @Test
    void castTypesAreResolved() {
        Expr.Cast c = assertInstanceOf(Expr.Cast.class, parse("(struct list_head *)0"));
        assertTrue(c.type() instanceof PointerType p && p.target() == TestImage.LIST_HEAD);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "pcpu_var:1                ; pcpu_var:1",
        "runqueues:0.curr          ; (. runqueues:0 curr)",
        "&pcpu_task:1              ; (& pcpu_task:1)",
        "pcpu_task:1.pid + 1       ; (+ (. pcpu_task:1 pid) 1/int)",
        "pcpu_var:0 - pcpu_var:1   ; (- pcpu_var:0 pcpu_var:1)",
    })
    void perCpuSuffix(String text, String expected) {
        assertEquals(expected, tree(parse(text)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "0                     ; 0/int",
        "42                    ; 42/int",
        "017                   ; 15/int",
        "0x1f                  ; 31/int",
        "0x7fffffff            ; 2147483647/int",
        "0x80000000            ; 2147483648/unsigned int",
        "4294967295            ; 4294967295/unsigned int",
        "4294967296            ; 4294967296/long",
        "0xffffffffffffffff    ; -1/unsigned long",
        "10u                   ; 10/unsigned int",
        "10UL                  ; 10/unsigned long",
        "1L                    ; 1/long",
        "1ll                   ; 1/long long",
        "'a'                   ; 97/char",
        "'\\n'                 ; 10/char",
        "'\\0'                 ; 0/char",
        "'\\x41'               ; 65/char",
        "'\\101'               ; 65/char",
        "'\\''                 ; 39/char",
        "$                     ; $$0",
        "$0                    ; $$0",
        "$$                    ; $$1",
        "$3                    ; $3",
        "$$2                   ; $$2",
    })
    void constantsAndHistory(String text, String expected) {
        assertEquals(expected, tree(parse(text)));
    }

    @Test
    void floatingConstants() {
        Expr.Literal l = assertInstanceOf(Expr.Literal.class, parse("1.5"));
        assertEquals(1.5, Double.longBitsToDouble(l.value()));
        assertEquals("double", TypeNames.name(l.type()));
        assertEquals("float", TypeNames.name(assertInstanceOf(Expr.Literal.class, parse("2.5f")).type()));
        assertEquals(1e20, Double.longBitsToDouble(assertInstanceOf(Expr.Literal.class, parse("1e20")).value()));
        assertEquals("(* x 1.5)", tree(parse("x * 1.5")).replace("4609434218613702656/double", "1.5"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "init_task.                 ; 11 ; expected a member name after '.'",
        "init_task->                ; 12 ; expected a member name after '->'",
        "1 +                        ; 4  ; expression ends too soon",
        "(1 + 2                     ; 7  ; expected ')' but found the end of the expression",
        "a[1                        ; 4  ; expected ']' but found the end of the expression",
        "1 2                        ; 3  ; unexpected '2'",
        "a b                        ; 3  ; unexpected \"b\"",
        "(struct nosuch *)0         ; 9  ; No struct type named nosuch.",
        "(union task *)0            ; 8  ; No union type named task.",
        "(unsigned double)x         ; 2  ; invalid type name: unsigned double",
        "(int (*)(void))x           ; 6  ; `function and array types are not supported in casts; cast to a pointer instead`",
        "a = 1                      ; 3  ; assignment is not supported: the dump is read-only",
        "a ? b : c                  ; 3  ; the ?: operator is not supported",
        "08                         ; 1  ; Invalid number \"08\".",
        "0x                         ; 1  ; Invalid number \"0x\".",
        "99999999999999999999       ; 1  ; Numeric constant too large.",
        "1 # 2                      ; 3  ; Invalid character '#' in expression.",
        "$rip                       ; 1  ; registers and convenience variables are not supported ($rip)",
        "'a                         ; 1  ; Unmatched single quote.",
        "pcpu_var:                  ; 9  ; expected a CPU number after 'pcpu_var:'",
        "pcpu_var:x                 ; 10 ; expected a CPU number after 'pcpu_var:'",
        "struct task                ; 1  ; unexpected 'struct' (a type name needs parentheses: (TYPE) EXPR)",
        "''                         ; 1  ; Unmatched single quote.",
        "\"str\"                    ; 1  ; string constants are not supported",
    })
    void syntaxErrorsPointAtTheColumn(String text, int column, String message) {
        ExpressionException.Syntax e = assertThrows(ExpressionException.Syntax.class, () -> parse(text));
        assertEquals(message, e.getMessage());
        assertEquals(column, e.column());
    }

    @Test
    void emptyAndDeepInputsAreRefused() {
        assertEquals("empty expression", assertThrows(ExpressionException.class, () -> parse("  ")).getMessage());
        String deep = "(".repeat(5000) + "1" + ")".repeat(5000);
        assertEquals("expression nested too deeply", assertThrows(ExpressionException.class, () -> parse(deep)).getMessage());
        assertEquals("expression nested too deeply",
                assertThrows(ExpressionException.class, () -> parse("-".repeat(5000) + "1")).getMessage());
        assertEquals("expression nested too deeply",
                assertThrows(ExpressionException.class, () -> parse("x[".repeat(5000))).getMessage());
    }

    @Test
    void columnsOfNodes() {
        Expr.Binary b = assertInstanceOf(Expr.Binary.class, parse("init_task.pid  +  x"));
        assertEquals(16, b.column());
        Expr.Member m = assertInstanceOf(Expr.Member.class, b.left());
        assertEquals(11, m.column());
        Type t = assertInstanceOf(Expr.Cast.class, parse("(struct task *)0")).type();
        assertEquals("struct task *", TypeNames.name(t));
    }
}
