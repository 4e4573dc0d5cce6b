package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.program.Value;
import dev.vmcore.program.expr.CTypes;
import dev.vmcore.program.expr.Evaluator;
import dev.vmcore.program.expr.TestImage;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.TypedefType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values as gdb prints them with crash's settings (checked against crash 8.0.6 on the test dumps:
 * see RealPCommandTest), on the fake kernel of {@link TestImage}.
 */
class ExpressionPrinterTest {
    private final TestImage image = new TestImage(true);
    private final Evaluator ev = image.evaluator();

    private String p(String expression) {
        return p(expression, ValueFormatter.Radix.DEFAULT);
    }

    private String p(String expression, ValueFormatter.Radix radix) {
        return new ExpressionPrinter(image, Optional.of(image.symbols()), radix).text(ev.evaluate(expression));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "init_task.pid                  ; 0",
        "other_task.pid                 ; 42",
        "init_task.values[1]            ; -20",
        "init_task.raw                  ; 3735928559",
        "init_task.level                ; -2",
        "init_task.state                ; SLEEPING",
        "(enum state)7                  ; 7",
        "init_task.comm[0]              ; 115 's'",
        "(char)10                       ; 10 '\\n'",
        "(char)0                        ; 0 '\\000'",
        "(char)39                       ; 39 '\\''",
        "(char)34                       ; 34 '\"'",
        "(unsigned char)300             ; 44 ','",
        "(_Bool)5                       ; true",
        "counter == 8                   ; 0",
        "init_task.comm                 ; `\"swapper/0\\000\\000\\000\\000\\000\\000\"`",
        "other_task.comm                ; `\"kworker/1:0\\000\\000\\000\\000\"`",
        "init_task.values               ; `{10, -20, 30, -40}`",
        "&init_task                     ; (struct task *) 0xffffffff82000100 <init_task>",
        "&init_task.tasks               ; (struct list_head *) 0xffffffff82000118 <init_task+24>",
        "init_task.tasks.next           ; (struct list_head *) 0xffffffff82000218 <other_task+24>",
        "other_task.tasks.prev          ; (struct list_head *) 0xffffffff82008000",
        "(struct list_head *)0          ; (struct list_head *) 0x0",
        "(void *)0                      ; (void *) 0x0",
        "init_task.ptr                  ; (void *) 0xdeadbeef",
        "init_task.name                 ; `0xffffffff82000800 <hello_str> \"hello\\n\"`",
        "init_task.cname                ; `0xffffffff82000800 <hello_str> \"hello\\n\"`",
        "init_task.uname                ; `(unsigned char *) 0xffffffff82000800 <hello_str> \"hello\\n\"`",
        "(char *)0                      ; 0x0",
        "(char *)0x10                   ; 0x10 <error: Cannot access memory at address 0x10>",
        "init_task.fn                   ; (void (*)(int)) 0xffffffff82001000 <my_func>",
        "&init_task.comm                ; (char (*)[16]) 0xffffffff82000104 <init_task+4>",
        "my_func                        ; `{void (int)} 0xffffffff82001000 <my_func>`",
        "*my_func                       ; `{void (int)} 0xffffffff82001000 <my_func>`",
        "&my_func                       ; (void (*)(int)) 0xffffffff82001000 <my_func>",
        "untyped_fn                     ; `{<text variable, no debug info>} 0xffffffff82001100 <untyped_fn>`",
        "init_task.tail                 ; 0xffffffff82000170",
        "pcpu_task:1.tail               ; 0xffffffff82005090",
        "empty_thing                    ; {<No data fields>}",
        "1.5                            ; 1.5",
        "120 * 1.5                      ; 180",
        "(float)1 / 3                   ; 0.333333343",
        "table@2                        ; `{{0, 1, 4, 9, 16, 25, 36, 49}, {0, 0, 0, 0, 0, 0, 0, 0}}`",
        "init_task.values[1]@2          ; `{-20, 30}`",
        "init_task.comm[0]@5            ; `\"swapp\"`",
        "(void)0                        ; void",
    })
    void defaultFormat(String expression, String expected) {
        assertEquals(expected, p(expression), expression);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "FORMAT_HEX      ; init_task.comm        ; `{0x73, 0x77, 0x61, 0x70, 0x70, 0x65, 0x72, 0x2f, 0x30, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0}`",
        "HEX             ; init_task.comm        ; `\"swapper/0\\000\\000\\000\\000\\000\\000\"`",
        "FORMAT_HEX      ; init_task.values[1]   ; 0xffffffec",
        "FORMAT_DECIMAL  ; init_task.raw         ; 3735928559",
        "FORMAT_DECIMAL  ; (unsigned long)-1     ; -1",
        "FORMAT_UNSIGNED ; -1                    ; 4294967295",
        "FORMAT_HEX      ; (short)-1             ; 0xffff",
        "FORMAT_HEX      ; (char)-1              ; 0xff",
        "HEX             ; init_task.values[1]   ; 0xffffffec",
        "HEX             ; init_task.state       ; SLEEPING",
        "FORMAT_HEX      ; init_task.state       ; 0x1",
        "FORMAT_DECIMAL  ; init_task.state       ; 1",
        "HEX             ; init_task.comm[0]     ; 0x73",
        "FORMAT_DECIMAL  ; init_task.comm[0]     ; 115",
        "FORMAT_HEX      ; (_Bool)1              ; 0x1",
        "FORMAT_HEX      ; &init_task            ; 0xffffffff82000100",
        "FORMAT_DECIMAL  ; &init_task            ; -2113928960",
        "HEX             ; &init_task            ; (struct task *) 0xffffffff82000100 <init_task>",
        "HEX             ; init_task.name        ; `0xffffffff82000800 <hello_str> \"hello\\n\"`",
        "FORMAT_HEX      ; init_task.name        ; 0xffffffff82000800",
        "FORMAT_HEX      ; my_func               ; 0xf3",
        "FORMAT_HEX      ; init_task.values      ; `{0xa, 0xffffffec, 0x1e, 0xffffffd8}`",
        "DECIMAL         ; init_task.state       ; SLEEPING",
        "DECIMAL         ; init_task.comm[0]     ; 115",
    })
    void formatsAndRadix(ValueFormatter.Radix radix, String expression, String expected) {
        assertEquals(expected, p(expression, radix), radix + " " + expression);
    }

    @Test
    void structsArePrettyWithTwoSpaces() {
        String text = p("other_task");
        assertTrue(text.startsWith("{\n  pid = 42,\n  comm = \"kworker/1:0\\000\\000\\000\\000\",\n  tasks = {\n"
                + "    next = 0xffffffff82000118 <init_task+24>,\n    prev = 0xffffffff82008000\n  },\n"
                + "  parent = 0xffffffff82000100 <init_task>,\n  flag_a = 0,\n  level = 3,\n  state = 7,\n  {\n"
                + "    raw = 0,\n    ptr = 0x0\n  },\n  values = {0, 0, 0, 0},\n  fn = 0x0,\n  name = 0x0,\n"), text);
        assertTrue(text.endsWith("  tail = 0xffffffff82000270\n}"), text);
        String hex = p("other_task", ValueFormatter.Radix.FORMAT_HEX);
        assertTrue(hex.contains("  pid = 0x2a,\n  comm = {0x6b, 0x77,") && hex.contains("parent = 0xffffffff82000100,"), hex);
    }

    @Test
    void gdbStrings() {
        assertEquals("\"\"", ValueFormatter.gdbString(new byte[0], 0, 0, false));
        assertEquals("\"a\\\"b\\\\c'\"", ValueFormatter.gdbString(bytes("a\"b\\c'"), 0, 6, false));
        assertEquals("\"\\a\\b\\t\\n\\v\\f\\r\\033\\177\\377\"",
                ValueFormatter.gdbString(new byte[] {7, 8, 9, 10, 11, 12, 13, 27, 127, (byte) 255}, 0, 10, false));
        // After an octal escape gdb escapes a digit too, so the escape cannot swallow it.
        assertEquals("\"\\000\\061\\062a1\"", ValueFormatter.gdbString(new byte[] {0, '1', '2', 'a', '1'}, 0, 5, false));
        assertEquals("\"\\n1\"", ValueFormatter.gdbString(bytes("\n1"), 0, 2, false));
        String longText = "x".repeat(100) + "y".repeat(100) + "z".repeat(100);
        assertEquals("\"" + "x".repeat(100) + "y".repeat(100) + "z".repeat(100) + "\"",
                ValueFormatter.gdbString(bytes(longText), 0, 300, false), "a run that reaches 256 prints whole");
        String distinct = "abcdefghij".repeat(30);
        assertEquals("\"" + distinct.substring(0, 256) + "\"...", ValueFormatter.gdbString(bytes(distinct), 0, 300, false));
        assertEquals("\"abc\"...", ValueFormatter.gdbString(bytes("abc"), 0, 3, true));
    }

    @Test
    void longValues() {
        image.putBytes(TestImage.BANNER, bytes("abcdefghij".repeat(30)));
        assertEquals("\"" + "abcdefghij".repeat(30).substring(0, 256) + "\"...", p("banner"));
        image.putLong(TestImage.INIT_TASK + 88, TestImage.BANNER);
        assertEquals("0xffffffff82000400 <banner> \"" + "abcdefghij".repeat(30).substring(0, 256) + "\"...",
                p("init_task.name"));
        image.putBytes(TestImage.BANNER + 256, new byte[1]);
        assertEquals("0xffffffff82000400 <banner> \"" + "abcdefghij".repeat(30).substring(0, 256) + "\"",
                p("init_task.name"), "no ... when the NUL follows the 256th character");
        String big = p("*(int *)&banner@300");
        assertTrue(big.endsWith(", 0...}") || big.endsWith("...}"), big);
        assertEquals(256, big.split(", ").length);
        Value huge = Value.at(image, new ArrayType(CTypes.CHAR, 70_000), TestImage.BASE);
        CommandException e = assertThrows(CommandException.class,
                () -> new ExpressionPrinter(image, Optional.empty(), ValueFormatter.Radix.DEFAULT).text(huge));
        assertEquals("value requires 70000 bytes, which is more than max-value-size (65536); print an element or"
                + " member of it, or read it with rd", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "1.5                     ; 17 ; 1.5",
        "180                     ; 17 ; 180",
        "0.1                     ; 17 ; 0.10000000000000001",
        "1e20                    ; 17 ; 1e+20",
        "123456789012345678      ; 17 ; 1.2345678901234568e+17",
        "1e-5                    ; 17 ; 1.0000000000000001e-05",
        "0.0001                  ; 17 ; 0.0001",
        "-2.5                    ; 17 ; -2.5",
        "100000000000000000      ; 17 ; 1e+17",
        "10000000000000000       ; 17 ; 10000000000000000",
        "0.3333333432674408      ; 9  ; 0.333333343",
        "0                       ; 17 ; 0",
        "-0.0                    ; 17 ; -0",
        "Infinity                ; 17 ; inf",
        "-Infinity               ; 17 ; -inf",
        "NaN                     ; 17 ; nan(0x8000000000000)",
    })
    void floatsAsGdbPrintsThem(double d, int precision, String expected) {
        assertEquals(expected, ValueFormatter.gdbFloat(d, precision));
    }

    @Test
    void crashLeader() {
        assertEquals(List.of("$1 = 5"), ExpressionPrinter.lines(null, "$1 = 5"));
        assertEquals(List.of("jiffies = $1 = 5"), ExpressionPrinter.lines("jiffies", "$1 = 5"));
        assertEquals(List.of("init_task = $2 = {", "  pid = 0", "}"), ExpressionPrinter.lines("init_task", "$2 = {\n  pid = 0\n}"));
        assertEquals(List.of("table = $3 = ", " {1, 2}"), ExpressionPrinter.lines("table", "$3 = {1, 2}"));
        assertEquals(List.of("schedule = $4 = ", " {void (void)} 0xffffffff81000000 <schedule>"),
                ExpressionPrinter.lines("schedule", "$4 = {void (void)} 0xffffffff81000000 <schedule>"));
        assertEquals(List.of("s = $5 = \"a", " {b\""), ExpressionPrinter.lines("s", "$5 = \"a{b\""),
                "crash splits at any '{' of the first line, even in a string");
        assertEquals(List.of("$6 = {1, 2}"), ExpressionPrinter.lines(null, "$6 = {1, 2}"));
    }

    @Test
    void declarationsAsCrashWhatisShowsThem() {
        assertEquals("char comm[16];", ExpressionPrinter.declaration("comm", new ArrayType(CTypes.CHAR, 16)));
        assertEquals("void my_func(int);", ExpressionPrinter.declaration("my_func", TestImage.VOID_INT));
        assertEquals("void (*fn)(int);", ExpressionPrinter.declaration("fn", PointerType.to(TestImage.VOID_INT, 8)));
        assertEquals("struct task *current;", ExpressionPrinter.declaration("current", PointerType.to(TestImage.TASK, 8)));
        assertEquals("struct task init_task;", ExpressionPrinter.declaration("init_task", TestImage.TASK));
        assertEquals("pid_t pid;", ExpressionPrinter.declaration("pid", TestImage.PID_T));
        assertEquals("int table[2][8];", ExpressionPrinter.declaration("table",
                new ArrayType(new ArrayType(CTypes.INT, 8), 2)));
    }

    @Test
    void pointerPrefixFollowsGdb() {
        assertEquals("", ExpressionPrinter.pointerPrefix(PointerType.to(CTypes.CHAR, 8)));
        assertEquals("(unsigned char *) ", ExpressionPrinter.pointerPrefix(PointerType.to(CTypes.UNSIGNED_CHAR, 8)));
        assertEquals("(string_t) ", ExpressionPrinter.pointerPrefix(new TypedefType("string_t", PointerType.to(CTypes.CHAR, 8))));
        assertEquals("(char **) ", ExpressionPrinter.pointerPrefix(PointerType.to(PointerType.to(CTypes.CHAR, 8), 8)));
    }

    @Test
    void cpuSpecifications() {
        assertEquals("{0, 1}", PCommand.cpus("a", 2).toString());
        assertEquals("{0, 1}", PCommand.cpus("all", 2).toString());
        assertEquals("{1}", PCommand.cpus("1", 2).toString());
        assertEquals("{0, 2, 3}", PCommand.cpus("0,2-3", 4).toString());
        assertEquals("p: invalid cpu specification: 2 (the dump has 2 CPUs: 0-1)",
                assertThrows(CommandException.class, () -> PCommand.cpus("2", 2)).getMessage());
        assertThrows(CommandException.class, () -> PCommand.cpus("1-0", 2));
        assertThrows(CommandException.class, () -> PCommand.cpus("x", 2));
        assertThrows(CommandException.class, () -> PCommand.cpus("", 2));
        assertThrows(CommandException.class, () -> PCommand.cpus("0,", 2));
    }

    @Test
    void jsonFromTheSameWalk() throws Exception {
        StringWriter w = new StringWriter();
        StreamPrinter out = StreamPrinter.json(new PrintWriter(w), "p other_task");
        ExpressionPrinter printer = new ExpressionPrinter(image, Optional.of(image.symbols()), ValueFormatter.Radix.DEFAULT);
        printer.json(out.json().field("expression", "other_task"), ev.evaluate("other_task"));
        out.finish();
        JsonNode j = new ObjectMapper().readTree(w.toString());
        JsonNode members = j.get("members");
        assertEquals("pid", members.get(0).get("name").asText());
        assertEquals(42, members.get(0).get("value").asInt());
        assertEquals("kworker/1:0", members.get(1).get("value").asText());
        assertEquals("0xffffffff82000118", members.get(2).get("members").get(0).get("value").asText());
        assertEquals("init_task+24", members.get(2).get("members").get(0).get("symbol").asText());
        assertEquals(3, members.get(5).get("value").asInt());
        assertEquals("7", members.get(6).get("value").asText());
        assertEquals(4, members.get(8).get("elements").size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
