package dev.vmcore.program.expr;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.program.Value;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.TypeNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluation over the fake kernel of {@link TestImage}: C's rules as gdb applies them. */
class EvaluatorTest {
    private final TestImage image = new TestImage(true);
    private final Evaluator ev = image.evaluator();

    private Value eval(String text) {
        return ev.evaluate(text);
    }

    private long number(String text) {
        return eval(text).asLong();
    }

    private String type(String text) {
        return TypeNames.name(eval(text).type());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "init_task.pid                     ; 0",
        "other_task.pid                    ; 42",
        "init_task.tasks.next->prev == init_task.tasks.next->prev ; 1",
        "init_task.parent->parent->pid     ; 0",
        "init_task.parent.pid              ; 0",
        "(*init_task.parent).pid           ; 0",
        "init_task.values[1]               ; -20",
        "init_task.values[3] + init_task.values[2] ; -10",
        "*init_task.values                 ; 10",
        "*(init_task.values + 2)           ; 30",
        "table[7]                          ; 49",
        "&table[3] - &table[1]             ; 2",
        "init_task.flag_a                  ; 1",
        "init_task.level                   ; -2",
        "other_task.level                  ; 3",
        "init_task.state                   ; 1",
        "init_task.raw                     ; 3735928559",
        "counter * 3 + 1                   ; 22",
        "-counter                          ; -7",
        "~0                                ; -1",
        "!counter                          ; 0",
        "!!counter                         ; 1",
        "counter > 5 && counter < 8        ; 1",
        "counter < 5 || counter == 7       ; 1",
        "0 && *(int *)0                    ; 0",
        "1 || *(int *)0                    ; 1",
        "10 / 3                            ; 3",
        "-10 / 3                           ; -3",
        "-10 % 3                           ; -1",
        "7 & 3 | 8 ^ 1                     ; 11",
        "1 << 4 >> 2                       ; 4",
        "-16 >> 2                          ; -4",
        "0x7fffffff + 1                    ; -2147483648",
        "10u - 11                          ; 4294967295",
        "(unsigned long)-1 / 2             ; 9223372036854775807",
        "1L << 40                          ; 1099511627776",
        "'A' + 1                           ; 66",
        "(char)300                         ; 44",
        "(unsigned char)-1                 ; 255",
        "(short)-1                         ; -1",
        "(unsigned short)-1                ; 65535",
        "(int)0x123456789                  ; 591751049",
        "(_Bool)5                          ; 1",
        "(long)&init_task.tasks - (long)&init_task ; 24",
        "sizeof(struct task)               ; 112",
        "sizeof init_task.comm             ; 16",
        "sizeof(init_task.tasks) * 2       ; 32",
        "sizeof(long long)                 ; 8",
        "sizeof(void)                      ; 1",
        "(unsigned long)init_task.comm     ; -2113928956",
        "(unsigned long)my_func            ; -2113925120",
        "pcpu_var:0                        ; 111",
        "pcpu_var:1                        ; 222",
        "pcpu_task:1.pid                   ; 99",
        "pcpu_var:1 - pcpu_var:0           ; 111",
        "(long)&pcpu_var:1                 ; -2113908720",
        "(unsigned int)jiffies             ; 5",
        "*(unsigned long *)&jiffies        ; 4294967301",
        "init_task.comm[0]                 ; 115",
        "init_task.name[1]                 ; 101",
        "*init_task.name                   ; 104",
    })
    void values(String text, long expected) {
        assertEquals(expected, number(text), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "init_task                 ; struct task",
        "init_task.pid             ; pid_t",
        "init_task.pid + 1         ; int",
        "init_task.pid + 1L        ; long",
        "init_task.pid + 1u        ; unsigned int",
        "init_task.raw + 1         ; unsigned long",
        "counter + 'a'             ; int",
        "(char)1 + (char)1         ; int",
        "init_task.flag_a + 1      ; unsigned int",
        "init_task.state + 1       ; unsigned int",
        "init_task.comm            ; char [16]",
        "&init_task.comm           ; char (*)[16]",
        "&init_task.comm[1]        ; char *",
        "init_task.comm + 1        ; char *",
        "&init_task                ; struct task *",
        "&init_task + 1            ; struct task *",
        "init_task.tasks.next      ; struct list_head *",
        "*init_task.tasks.next     ; struct list_head",
        "init_task.fn              ; void (*)(int)",
        "my_func                   ; void (int)",
        "&my_func                  ; void (*)(int)",
        "*my_func                  ; void (int)",
        "untyped_fn                ; <text variable, no debug info>",
        "&untyped_fn               ; <text variable, no debug info> *",
        "&jiffies                  ; volatile unsigned long *",
        "jiffies                   ; volatile unsigned long",
        "counter == 7              ; int",
        "&table[3] - &table[1]     ; long",
        "sizeof(int)               ; int",
        "1.5                       ; double",
        "counter * 1.5             ; double",
        "(float)1 / 3              ; float",
        "table@2                   ; int [2][8]",
        "init_task.values[0]@3     ; int [3]",
        "pcpu_task:0               ; struct task",
        "(struct list_head)init_task.tasks ; struct list_head",
        "$1                        ; int",
    })
    void types(String text, String expected) {
        List<Value> history = new ArrayList<>(List.of(Value.ofLong(image, CTypes.INT, 5)));
        assertEquals(expected, TypeNames.name(image.evaluator(history).evaluate(text).type()), text);
    }

    @Test
    void lvaluesKnowTheirAddress() {
        assertEquals(TestImage.INIT_TASK + 4, eval("init_task.comm").address());
        assertEquals(TestImage.OTHER_TASK + 24, eval("*init_task.tasks.next").address());
        assertEquals(TestImage.OTHER_TASK, eval("*(struct task *)((char *)init_task.tasks.next - 24)").address());
        assertEquals(TestImage.CPU1_AREA + 0x20, eval("pcpu_task:1").address());
        assertEquals(TestImage.TABLE + 8, eval("&table[2]").asLong());
        assertEquals(TestImage.TABLE + 4, eval("(int *)table + 1").asLong());
        assertEquals(TestImage.TABLE + 4, eval("1 + (int *)table").asLong());
        assertEquals(TestImage.INIT_TASK + 112, eval("&init_task + 1").asLong());
        assertEquals(TestImage.INIT_TASK + 1, eval("(void *)&init_task + 1").asLong());
        assertEquals(TestImage.INIT_TASK - 112, eval("&init_task - 1").asLong());
        assertFalse(eval("&init_task").isLvalue());
        assertTrue(eval("init_task.level").isBitfield());
        Value banner = eval("banner");
        assertEquals(300, banner.size());
        assertEquals('L', banner.bytes(1)[0]);
    }

    @Test
    void memoryIsReadLazilyAndOnlyAsNeeded() {
        image.reads = 0;
        Value v = eval("banner");
        assertEquals(0, image.reads, "naming a variable reads nothing");
        eval("init_task.tasks.next->next");
        assertEquals(1, image.reads, "one pointer followed");
        assertEquals(16, eval("init_task.comm").bytes().length);
        assertEquals(300, v.bytes().length);
    }

    @Test
    void floatingPoint() {
        assertEquals(180.0, Double.longBitsToDouble(littleEndian(eval("120 * 1.5").bytes())));
        assertEquals(0.333333343f, Float.intBitsToFloat((int) littleEndian(eval("(float)1 / 3").bytes())));
        assertEquals(1, number("1.5 > 1"));
        assertEquals(2, number("(int)2.9"));
    }

    private static long littleEndian(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    @Test
    void history() {
        List<Value> h = new ArrayList<>();
        h.add(Value.ofLong(image, CTypes.INT, 10));
        h.add(Value.ofLong(image, CTypes.INT, 20));
        h.add(Value.at(image, TestImage.TASK, TestImage.OTHER_TASK));
        Evaluator e = image.evaluator(h);
        assertEquals(42, e.evaluate("$.pid").asLong());
        assertEquals(42, e.evaluate("$0.pid").asLong());
        assertEquals(20, e.evaluate("$$").asLong());
        assertEquals(10, e.evaluate("$$2").asLong());
        assertEquals(30, e.evaluate("$1 + $2").asLong());
        assertEquals("History has not yet reached $4.", assertThrows(ExpressionException.class,
                () -> e.evaluate("$4")).getMessage());
        assertEquals("History does not go back to $$3.", assertThrows(ExpressionException.class,
                () -> e.evaluate("$$3")).getMessage());
        assertEquals("History is empty.", assertThrows(ExpressionException.class,
                () -> image.evaluator().evaluate("$")).getMessage());
    }

    @Test
    void symbolsWithoutTypes() {
        TestImage btf = new TestImage(false);
        Evaluator e = btf.evaluator();
        ExpressionException.NoTypeInformation n = assertThrows(ExpressionException.NoTypeInformation.class,
                () -> e.evaluate("init_task.pid"));
        assertEquals("init_task", n.symbol().name());
        assertEquals(1, n.column());
        assertThrows(ExpressionException.NoTypeInformation.class, () -> e.evaluate("jiffies + 1"));
        assertThrows(ExpressionException.NoTypeInformation.class, () -> e.evaluate("sizeof jiffies"));
        assertThrows(ExpressionException.NoTypeInformation.class, () -> e.evaluate("jiffies"));
        // What gdb allows on a symbol without debug information: its address, and a cast.
        assertEquals(TestImage.JIFFIES, e.evaluate("&jiffies").asLong());
        assertEquals("<data variable, no debug info> *", TypeNames.name(e.evaluate("&jiffies").type()));
        assertEquals(5, e.evaluate("(unsigned int)jiffies").asLong());
        assertEquals(42, e.evaluate("((struct task *)&other_task)->pid").asLong());
        assertEquals(42, e.evaluate("(*(struct task *)&other_task).pid").asLong());
        // Per-CPU variables and functions are typed (as BTF does).
        assertEquals(222, e.evaluate("pcpu_var:1").asLong());
        assertEquals("void (int)", TypeNames.name(e.evaluate("my_func").type()));
    }

    @Test
    void errors() {
        ExpressionException.UnknownSymbol u = assertThrows(ExpressionException.UnknownSymbol.class,
                () -> eval("counter + nosuch"));
        assertEquals("nosuch", u.name());
        assertEquals(11, u.column());
        assertEquals("No symbol \"nosuch\" in current context.", u.getMessage());
        ExpressionException.UnknownMember m = assertThrows(ExpressionException.UnknownMember.class,
                () -> eval("init_task.pdi"));
        assertEquals("pdi", m.member());
        assertEquals(List.of("pid", "ptr"), m.similar());
        assertEquals(11, m.column());
        assertEquals("tasks", assertThrows(ExpressionException.UnknownMember.class,
                () -> eval("init_task.task")).similar().get(0), "names containing the one typed come first");
        assertEquals("raw", assertThrows(ExpressionException.UnknownMember.class,
                () -> eval("init_task.rw")).similar().get(0), "members of anonymous unions are suggested");
        assertMessage("Attempt to extract a component of a value that is not a structure.", "counter.x");
        assertMessage("Attempt to take contents of a non-pointer value.", "*init_task");
        assertMessage("Attempt to take address of value not located in memory.", "&1");
        assertMessage("Attempt to take address of value not located in memory.", "&init_task.level");
        assertMessage("cannot subscript something of type `int'", "counter[1]");
        assertMessage("Division by zero", "counter / 0");
        assertMessage("Division by zero", "counter % (counter - 7)");
        assertMessage("Argument to arithmetic operation not a number or boolean.", "init_task + 1");
        assertMessage("Argument to arithmetic operation not a number or boolean.", "&init_task + &init_task");
        assertMessage("Argument to arithmetic operation not a number or boolean.", "table[init_task]");
        assertMessage("Invalid cast.", "(struct list_head)1");
        assertMessage("pcpu_var2 is not a per-CPU variable", "pcpu_var2:1", true);
        assertMessage("counter is not a per-CPU variable", "counter:1");
        assertMessage("invalid cpu 2 (the dump has 2 CPUs: 0-1)", "pcpu_var:2", true);
        assertMessage("Invalid number 0 of repetitions.", "counter@0");
        assertMessage("Only values in memory can be extended with '@'.", "1@2");
        assertMessage("the size of incomplete struct x is unknown", "sizeof(struct x)", true);
        MemoryFault f = assertThrows(MemoryFault.class, () -> eval("((struct list_head *)0x10)->next").asLong());
        assertEquals(0x10, f.address());
        assertThrows(MemoryFault.class, () -> eval("*(int *)0x10").asLong());
    }

    private void assertMessage(String message, String text) {
        assertMessage(message, text, false);
    }

    private void assertMessage(String message, String text, boolean anyFailure) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> eval(text).asLong(), text);
        if (!anyFailure) {
            assertEquals(message, e.getMessage(), text);
        }
    }

    @Test
    void typeOnlyEvaluationReadsNoMemory() {
        image.reads = 0;
        assertEquals("struct list_head", TypeNames.name(ev.typeOf(ev.parse("*init_task.tasks.next->next->next"))));
        assertEquals("pid_t", TypeNames.name(ev.typeOf(ev.parse("((struct task *)0x10)->parent->pid"))));
        assertEquals("int", TypeNames.name(ev.typeOf(ev.parse("table[counter / 0]"))));
        assertEquals("unsigned long", TypeNames.name(ev.typeOf(ev.parse("pcpu_var:1"))));
        assertEquals("char", TypeNames.name(ev.typeOf(ev.parse("*init_task.name"))));
        assertEquals(0, image.reads);
        assertThrows(ExpressionException.class, () -> ev.typeOf(ev.parse("*(void *)0")));
    }

    @Test
    void valueOperationsOnRvalues() {
        Value task = Value.of(image, TestImage.TASK, eval("other_task").bytes());
        assertEquals(42, task.member("pid").asLong());
        assertEquals(3, task.member("level").asLong());
        assertEquals(TestImage.INIT_TASK + 24, task.member("tasks").member("next").asLong());
        Value values = eval("init_task.values");
        Value copy = Value.of(image, values.type(), values.bytes());
        assertEquals(-40, copy.index(3).asLong());
        assertThrows(Value.Invalid.class, () -> copy.index(4));
        Value arr = Value.at(image, new ArrayType(CTypes.INT, 2), TestImage.TABLE);
        assertEquals(1, arr.index(1).asLong());
        assertThrows(Value.Invalid.class, () -> Value.of(image, CTypes.INT, new byte[4]).cast(TestImage.TASK));
    }
}
