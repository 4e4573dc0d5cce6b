package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.format.btf.Btf;
import dev.vmcore.format.btf.BtfWriter;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.symbols.SortedSymbolTable;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.types.BtfTypeSource;
import dev.vmcore.types.StructType;
import dev.vmcore.util.ByteSource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** struct / whatis on the real dumps with BTF from kernel memory, against crash 8.0.6 (which used DWARF). */
class RealTypesCommandsTest {
    @TestFactory
    Stream<DynamicTest> structOffsetsEqualCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            String crash = Files.readString(c.dir().resolve("crash/struct-o-task_struct.txt"));
            try (Session s = open(c)) {
                s.symbols().find("__start_BTF").orElseThrow();
                long t0 = System.nanoTime();
                var types = s.types();
                long t1 = System.nanoTime();
                types.findType("struct task_struct").orElseThrow();
                long t2 = System.nanoTime();
                System.out.println(c + ": BTF read from the dump and parsed in " + (t1 - t0) / 1_000_000
                        + " ms, name index built in " + (t2 - t1) / 1_000_000 + " ms");
                String ours = new CommandHarness(s).text("struct -o task_struct");
                assertEquals(crash, ours, c + ": struct -o task_struct");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> initTaskValues() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = open(c)) {
                CommandHarness h = new CommandHarness(s);
                String out = h.text("struct task_struct.comm,pid init_task");
                assertEquals("  comm = \"swapper/0\\000\\000\\000\\000\\000\\000\",\n  pid = 0,\n", out);
                long initTask = s.symbols().find("init_task").orElseThrow().address();
                String tasks = h.text("struct list_head " + Long.toHexString(initTask));
                assertTrue(tasks.startsWith("struct list_head {\n  next = 0x"), tasks);
                JsonNode j = new ObjectMapper().readTree(h.json("struct task_struct.comm,pid init_task"));
                JsonNode o = j.get("objects").get(0);
                assertEquals("0x" + Long.toHexString(initTask), o.get("address").asText());
                assertEquals("swapper/0", o.get("members").get(0).get("value").asText());
                assertEquals(0, o.get("members").get(1).get("value").asLong());
                assertEquals("struct task_struct", j.get("type").asText());
            }
        }));
    }

    /**
     * More crash references, compared when crash-refs.sh has recorded them (crash/NAME.txt; suggested
     * lines for its data_commands). Checked by hand on 6.1/null with crash 8.0.6: all identical with
     * BTF from the dump, except sched_entity's rb_left, where crash names no size-0 data symbol
     * (_sdata) and kallsyms has no sizes (identical with the vmlinux symtab).
     */
    static final List<String[]> OPTIONAL_REFS = List.of(
            new String[] {"types-list_head", "struct list_head"},
            new String[] {"types-list_head-val", "struct list_head init_task"},
            new String[] {"types-list_head-o-addr", "struct -o list_head init_task"},
            new String[] {"types-comm-pid", "struct task_struct.comm,pid init_task"},
            new String[] {"types-task_struct-pid", "struct task_struct.pid"},
            new String[] {"types-whatis-u64", "whatis u64"},
            new String[] {"types-whatis-schedule", "whatis schedule"},
            new String[] {"types-whatis-spinlock_t", "whatis spinlock_t"},
            new String[] {"types-union-rcu_special", "union rcu_special"},
            new String[] {"types-x-list_head", "struct -x list_head init_task"},
            new String[] {"types-whatis-callback_head", "whatis struct callback_head"},
            new String[] {"types-list_head-2", "struct list_head init_task 2"},
            new String[] {"types-members4", "struct task_struct.tasks,se.on_rq,real_parent,flags init_task"},
            new String[] {"types-x-pid-comm", "struct -x task_struct.pid,comm init_task"},
            new String[] {"types-o-file", "struct -o file"},
            new String[] {"types-o-page", "struct -o page"},
            new String[] {"types-o-inode", "struct -o inode"},
            new String[] {"types-o-sk_buff", "struct -o sk_buff"},
            new String[] {"types-o-module", "struct -o module"},
            new String[] {"types-o-mm_struct", "struct -o mm_struct"},
            new String[] {"types-whatis-pid_type", "whatis enum pid_type"},
            new String[] {"types-se-val", "struct task_struct.se init_task"},
            new String[] {"types-d-list_head", "struct -d list_head init_task"},
            new String[] {"types-whatis-task_struct", "whatis task_struct"});

    @TestFactory
    Stream<DynamicTest> moreCrashReferencesWhenRecorded() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = open(c)) {
                CommandHarness h = new CommandHarness(s);
                for (String[] ref : OPTIONAL_REFS) {
                    java.nio.file.Path file = c.dir().resolve("crash/" + ref[0] + ".txt");
                    if (Files.exists(file)) {
                        assertEquals(Files.readString(file), h.text(ref[1]), c + ": " + ref[1]);
                    }
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> vmlinuxBtfAgreesWithDumpBtf() {
        return TestDumps.cases().stream().filter(c -> c.name().equals("null")).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session dump = open(c);
                 Session full = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")),
                         Optional.of(c.kernelDir().resolve("vmlinux")), List.of()))) {
                assertEquals("BTF from dump", dump.types().description());
                assertEquals("BTF from vmlinux, DWARF from vmlinux", full.types().description());
                CommandHarness a = new CommandHarness(dump);
                CommandHarness b = new CommandHarness(full);
                for (String cmd : List.of("struct -o task_struct", "struct -o file_operations", "union rcu_special",
                        "whatis u64", "whatis schedule", "struct -x list_head init_task 2",
                        "struct task_struct.comm,pid,se.on_rq,real_parent init_task")) {
                    assertEquals(b.text(cmd), a.text(cmd), c + ": " + cmd);
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> otherForms() {
        return TestDumps.cases().stream().filter(c -> c.name().equals("null")).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            try (Session s = open(c)) {
                CommandHarness h = new CommandHarness(s);
                assertEquals("typedef unsigned long long u64;\nSIZE: 8\n", h.text("whatis u64"));
                assertEquals("void schedule(void);\n", h.text("whatis schedule"));
                assertEquals(h.text("whatis u64"), h.text("ptype u64"));
                assertTrue(h.text("whatis init_task").endsWith(" (D) init_task\n"), h.text("whatis init_task"));
                assertEquals("struct list_head {\n    struct list_head *next;\n    struct list_head *prev;\n}\nSIZE: 16\n",
                        h.text("struct list_head"));
                assertEquals("struct callback_head {\n    struct callback_head *next;\n"
                        + "    void (*func)(struct callback_head *);\n}\nSIZE: 16\n", h.text("whatis struct callback_head"));
                assertTrue(h.text("union rcu_special").startsWith("union rcu_special {\n    struct {\n        u8 blocked;"));
                assertEquals("struct task_struct {\n  [2416] pid_t pid;\n}\n".replace("2416", Long.toString(s.types().findType("struct task_struct")
                        .flatMap(t -> dev.vmcore.types.Types.offsetOf(t, "pid")).orElseThrow())), h.text("struct task_struct.pid"));
                String two = h.text("struct -x task_struct.pid,comm init_task");
                assertEquals("  pid = 0x0,\n  comm = \"swapper/0\\000\\000\\000\\000\\000\\000\",\n", two);
                String count = h.text("struct list_head init_task 2");
                assertEquals(2, count.lines().filter(l -> l.equals("struct list_head {")).count(), count);
                JsonNode def = new ObjectMapper().readTree(h.json("struct list_head"));
                assertEquals(16, def.get("size").asInt());
                assertEquals("prev", def.get("members").get(1).get("name").asText());
                assertEquals(8, def.get("members").get(1).get("offset").asInt());
                // A type nobody describes: one line naming the type sources asked.
                CommandException e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class,
                        () -> h.text("struct no_such_struct_anywhere"));
                assertTrue(e.getMessage().contains("BTF from dump"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            }
        }));
    }

    /**
     * The test modules' struct is not in the kernel's BTF: describe it with the test BTF writer, give
     * the formatter the module's two symbols, and compare with crash's {@code struct oops_record ADDR}.
     */
    @TestFactory
    Stream<DynamicTest> oopsRecordValuesEqualCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            JsonNode facts = new ObjectMapper().readTree(c.dir().resolve("facts.json").toFile());
            JsonNode record = facts.get("record");
            long address = Long.parseUnsignedLong(record.get("address").asText().substring(2), 16);
            long owner = Long.parseUnsignedLong(record.get("members").get("owner").asText().substring(2), 16);
            BtfWriter w = new BtfWriter();
            int ull = w.intType("long long unsigned int", 8, 0, 64);
            int u64 = w.typedef("u64", ull);
            int ch = w.intType("char", 1, 1, 8);
            int i32 = w.intType("int", 4, 1, 32);
            int u32 = w.intType("unsigned int", 4, 0, 32);
            int name = w.array(ch, i32, 16);
            int values = w.array(i32, i32, 4);
            int voidp = w.ptr(0);
            int lh = voidp + 1;
            int lhp = w.ptr(lh + 1);
            w.struct("list_head", false, 16, "next", lhp, 0, 0, "prev", lhp, 64, 0);
            w.struct("oops_record", false, 72, "magic", u64, 0, 0, "name", name, 64, 0, "link", lh + 1, 192, 0,
                    "owner", voidp, 320, 0, "values", values, 384, 0, "flag_a", u32, 512, 1, "flag_b", u32, 513, 3,
                    "level", u32, 516, 4);
            StructType rec = (StructType) new BtfTypeSource(Btf.parse(ByteSource.of("test", w.build())), "test")
                    .findType("struct oops_record").orElseThrow();
            SymbolTable module = SortedSymbolTable.builder("test", c.module())
                    .add(record.get("symbol").asText(), address, 72, 'd').add("__this_module", owner, 1024, 'd').build();
            try (Session s = open(c)) {
                ValueFormatter f = new ValueFormatter(s.kernelMemory(), Optional.of(module), ValueFormatter.Radix.DEFAULT);
                String ours = "struct oops_record " + f.struct(rec, s.kernelMemory().readBytes(address, 72), 0, 0) + "\n";
                assertEquals(Files.readString(c.dir().resolve("crash/struct.txt")), ours, c + ": struct oops_record");
            }
        }));
    }

    private static Session open(TestDumps.Case c) {
        return Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), Optional.empty(), List.of()));
    }
}
