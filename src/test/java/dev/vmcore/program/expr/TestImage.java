package dev.vmcore.program.expr;

import dev.vmcore.memory.ArrayAddressSpace;
import dev.vmcore.program.Value;
import dev.vmcore.symbols.SortedSymbolTable;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.Member;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.QualifiedType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.TypedefType;
import dev.vmcore.types.Variable;
import dev.vmcore.types.VoidType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small fake kernel for expression tests: 64 KiB of memory at {@link #BASE}, a symbol table, and
 * types as a vmlinux's DWARF would give them (a BTF-like source when {@code typedGlobals} is false:
 * only per-CPU variables and functions typed).
 *
 * <pre>
 * struct task {                      // size 112
 *     pid_t pid;                     //   0
 *     char comm[16];                 //   4
 *     struct list_head tasks;        //  24
 *     struct task *parent;           //  40
 *     unsigned int flag_a : 1;       //  48 (bit 0)
 *     int level : 3;                 //  48 (bits 1-3)
 *     enum state state;              //  52
 *     union { unsigned long raw; void *ptr; };  // 56
 *     int values[4];                 //  64
 *     void (*fn)(int);               //  80
 *     char *name;                    //  88
 *     const char *cname;             //  96
 *     unsigned char *uname;          // 104
 *     int tail[];                    // 112
 * };
 * </pre>
 */
public final class TestImage extends ArrayAddressSpace {
    public static final long BASE = 0xffffffff82000000L;
    public static final long INIT_TASK = BASE + 0x100;
    public static final long OTHER_TASK = BASE + 0x200;
    public static final long JIFFIES = BASE + 0x300;
    public static final long COUNTER = BASE + 0x308;
    public static final long TABLE = BASE + 0x310;
    public static final long BANNER = BASE + 0x400;
    public static final long HELLO = BASE + 0x800;
    public static final long MY_FUNC = BASE + 0x1000;
    public static final long UNTYPED_FN = BASE + 0x1100;
    public static final long PER_CPU_OFFSET = BASE + 0x2000;
    public static final long CPU0_AREA = BASE + 0x4000;
    public static final long CPU1_AREA = BASE + 0x5000;
    public static final long EMPTY = BASE + 0x6000;
    /** Heap-like addresses with no symbol: the other task's list node points here. */
    public static final long HEAP = BASE + 0x8000;

    public static final PointerType VOID_PTR = PointerType.to(VoidType.INSTANCE, 8);
    public static final TypedefType PID_T = new TypedefType("pid_t", CTypes.INT);
    public static final EnumType STATE = new EnumType("state", 4, false,
            List.of(new EnumType.Enumerator("RUNNING", 0), new EnumType.Enumerator("SLEEPING", 1)));
    public static final StructType LIST_HEAD;
    public static final StructType TASK;
    public static final StructType EMPTY_STRUCT = new StructType(StructType.Kind.STRUCT, "empty", 0, true, List::of);
    public static final FunctionType VOID_INT = new FunctionType(VoidType.INSTANCE,
            List.of(new FunctionType.Param("x", CTypes.INT)), false);

    static {
        StructType[] lh = new StructType[1];
        lh[0] = new StructType(StructType.Kind.STRUCT, "list_head", 16, true, () -> List.of(
                new Member("next", new PointerType(8, () -> lh[0]), 0, 0),
                new Member("prev", new PointerType(8, () -> lh[0]), 64, 0)));
        LIST_HEAD = lh[0];
        StructType anon = new StructType(StructType.Kind.UNION, null, 8, true, () -> List.of(
                new Member("raw", CTypes.UNSIGNED_LONG, 0, 0), new Member("ptr", VOID_PTR, 0, 0)));
        StructType[] task = new StructType[1];
        task[0] = new StructType(StructType.Kind.STRUCT, "task", 112, true, () -> List.of(
                new Member("pid", PID_T, 0, 0),
                new Member("comm", new ArrayType(CTypes.CHAR, 16), 32, 0),
                new Member("tasks", LIST_HEAD, 24 * 8, 0),
                new Member("parent", new PointerType(8, () -> task[0]), 40 * 8, 0),
                new Member("flag_a", CTypes.UNSIGNED_INT, 48 * 8, 1),
                new Member("level", CTypes.INT, 48 * 8 + 1, 3),
                new Member("state", STATE, 52 * 8, 0),
                new Member(null, anon, 56 * 8, 0),
                new Member("values", new ArrayType(CTypes.INT, 4), 64 * 8, 0),
                new Member("fn", PointerType.to(VOID_INT, 8), 80 * 8, 0),
                new Member("name", PointerType.to(CTypes.CHAR, 8), 88 * 8, 0),
                new Member("cname", PointerType.to(new QualifiedType(QualifiedType.Qualifier.CONST, CTypes.CHAR), 8),
                        96 * 8, 0),
                new Member("uname", PointerType.to(CTypes.UNSIGNED_CHAR, 8), 104 * 8, 0),
                new Member("tail", new ArrayType(CTypes.INT, 0, true), 112 * 8, 0)));
        TASK = task[0];
    }

    private final byte[] bytes;
    private final boolean typedGlobals;
    private final SymbolTable symbols;
    private final TypeSource types;
    /** @param typedGlobals whether ordinary globals have types (DWARF), or only per-CPU ones and functions (BTF) */
    public TestImage(boolean typedGlobals) {
        this(typedGlobals, new byte[0x10000]);
    }

    private TestImage(boolean typedGlobals, byte[] bytes) {
        super(BASE, bytes);
        this.bytes = bytes;
        this.typedGlobals = typedGlobals;
        fill();
        symbols = SortedSymbolTable.builder("test symtab", null)
                .add("init_task", INIT_TASK, 112, 'D')
                .add("other_task", OTHER_TASK, 112, 'D')
                .add("jiffies", JIFFIES, 8, 'D')
                .add("counter", COUNTER, 4, 'D')
                .add("table", TABLE, 32, 'D')
                .add("banner", BANNER, 300, 'D')
                .add("hello_str", HELLO, 7, 'r')
                .add("my_func", MY_FUNC, 0x40, 'T')
                .add("untyped_fn", UNTYPED_FN, 0x40, 't')
                .add("__per_cpu_offset", PER_CPU_OFFSET, 16, 'D')
                .add("empty_thing", EMPTY, 0, 'D')
                .add("__per_cpu_start", 0, 0, 'A')
                .add("pcpu_var", 0x10, 8, 'A')
                .add("pcpu_task", 0x20, 112, 'A')
                .add("__per_cpu_end", 0x100, 0, 'A')
                .build();
        Map<String, Type> typeNames = new HashMap<>();
        typeNames.put("struct list_head", LIST_HEAD);
        typeNames.put("struct task", TASK);
        typeNames.put("struct empty", EMPTY_STRUCT);
        typeNames.put("enum state", STATE);
        typeNames.put("pid_t", PID_T);
        typeNames.put("int", CTypes.INT);
        typeNames.put("unsigned long", CTypes.UNSIGNED_LONG);
        Map<String, Type> variables = new HashMap<>();
        variables.put("my_func", VOID_INT);
        variables.put("pcpu_var", CTypes.UNSIGNED_LONG);
        variables.put("pcpu_task", TASK);
        if (typedGlobals) {
            variables.put("init_task", TASK);
            variables.put("other_task", TASK);
            variables.put("jiffies", new QualifiedType(QualifiedType.Qualifier.VOLATILE, CTypes.UNSIGNED_LONG));
            variables.put("counter", CTypes.INT);
            variables.put("table", new ArrayType(CTypes.INT, 8));
            variables.put("banner", new ArrayType(CTypes.CHAR, 300));
            variables.put("empty_thing", EMPTY_STRUCT);
        }
        types = new TypeSource() {
            @Override
            public Optional<Type> findType(String name) {
                Type t = typeNames.get(name);
                if (t == null && !name.contains(" ")) {
                    t = typeNames.get("struct " + name);
                }
                return Optional.ofNullable(t);
            }

            @Override
            public Optional<Variable> findVariable(String name) {
                return Optional.ofNullable(variables.get(name)).map(t -> new Variable(name, t));
            }

            @Override
            public String description() {
                return typedGlobals ? "test DWARF" : "test BTF";
            }
        };
    }

    private void fill() {
        // init_task: pid 0, "swapper/0", tasks -> other_task.tasks, parent = itself
        task(INIT_TASK, 0, "swapper/0", OTHER_TASK + 24, OTHER_TASK + 24, INIT_TASK, 1, -2, 1);
        task(OTHER_TASK, 42, "kworker/1:0", INIT_TASK + 24, HEAP, INIT_TASK, 0, 3, 7);
        putLong(INIT_TASK + 56, 0xdeadbeefL);
        putInt(INIT_TASK + 64, 10);
        putInt(INIT_TASK + 68, -20);
        putInt(INIT_TASK + 72, 30);
        putInt(INIT_TASK + 76, -40);
        putLong(INIT_TASK + 80, MY_FUNC);
        putLong(INIT_TASK + 88, HELLO);
        putLong(INIT_TASK + 96, HELLO);
        putLong(INIT_TASK + 104, HELLO);
        putLong(JIFFIES, 0x100000000L + 5);
        putInt(COUNTER, 7);
        for (int i = 0; i < 8; i++) {
            putInt(TABLE + 4L * i, i * i);
        }
        byte[] banner = "Linux version 6.1.0-test (gcc) #1 SMP\n".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(banner, 0, bytes, (int) (BANNER - BASE), banner.length);
        byte[] hello = "hello\n".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(hello, 0, bytes, (int) (HELLO - BASE), hello.length);
        bytes[(int) (MY_FUNC - BASE)] = (byte) 0xf3;
        putLong(PER_CPU_OFFSET, CPU0_AREA);
        putLong(PER_CPU_OFFSET + 8, CPU1_AREA - 0x0);
        putLong(CPU0_AREA + 0x10, 111);
        putLong(CPU1_AREA + 0x10, 222);
        putInt(CPU1_AREA + 0x20, 99);
    }

    private void task(long at, int pid, String comm, long next, long prev, long parent, int flagA, int level, int state) {
        putInt(at, pid);
        byte[] c = comm.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(c, 0, bytes, (int) (at - BASE + 4), c.length);
        putLong(at + 24, next);
        putLong(at + 32, prev);
        putLong(at + 40, parent);
        putInt(at + 48, (flagA & 1) | ((level & 7) << 1));
        putInt(at + 52, state);
    }

    public void putLong(long address, long v) {
        for (int i = 0; i < 8; i++) {
            bytes[(int) (address - BASE) + i] = (byte) (v >>> (8 * i));
        }
    }

    public void putInt(long address, int v) {
        for (int i = 0; i < 4; i++) {
            bytes[(int) (address - BASE) + i] = (byte) (v >>> (8 * i));
        }
    }

    public void putBytes(long address, byte[] b) {
        System.arraycopy(b, 0, bytes, (int) (address - BASE), b.length);
    }

    public SymbolTable symbols() {
        return symbols;
    }

    public TypeSource types() {
        return types;
    }

    public PerCpu perCpu() {
        return PerCpu.find(symbols, this, 2).orElseThrow();
    }

    /** An evaluator over this image with the given history. */
    public Evaluator evaluator(List<Value> history) {
        return new Evaluator(types, symbols, this, () -> Optional.of(perCpu()), history);
    }

    public Evaluator evaluator() {
        return evaluator(new ArrayList<>());
    }
}
