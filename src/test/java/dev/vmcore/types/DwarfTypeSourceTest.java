package dev.vmcore.types;

import dev.vmcore.format.dwarf.Dw;
import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.dwarf.DwarfSections;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.vmcore.types.DwarfBuilder.ATE_BOOLEAN;
import static dev.vmcore.types.DwarfBuilder.ATE_FLOAT;
import static dev.vmcore.types.DwarfBuilder.ATE_SIGNED;
import static dev.vmcore.types.DwarfBuilder.ATE_SIGNED_CHAR;
import static dev.vmcore.types.DwarfBuilder.ATE_UNSIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DWARF DIEs into the type model, on synthetic DWARF: a DWARF 5 unit (strx strings, implicit_const,
 * DW_AT_data_bit_offset, ref_addr and ref_sig8 references) with most of the types, a DWARF 4 unit
 * (strp strings, DW_AT_bit_offset bit-fields, DW_OP_plus_uconst member locations) holding the
 * definitions the first one only declares, and a DWARF 5 type unit.
 */
class DwarfTypeSourceTest {
    private static final long SIG = 0x1122334455667788L;

    /** The sample DWARF; see the class comment. */
    static DwarfTypeSource sample() {
        return new DwarfTypeSource(Dwarf.open(DwarfSections.of(sampleSections())), "DWARF from test");
    }

    /** The sample's sections (the seed of the mutation test). */
    static Map<String, byte[]> sampleSections() {
        DwarfBuilder b = new DwarfBuilder();
        DwarfBuilder.Unit a = b.compileUnit(5);
        DwarfBuilder.Unit old = b.compileUnit(4);
        DwarfBuilder.Unit tu = b.typeUnit(SIG);

        var i32 = a.base("int", 4, ATE_SIGNED);
        var ul = a.base("long unsigned int", 8, ATE_UNSIGNED);
        var l = a.base("long int", 8, ATE_SIGNED);
        var ull = a.base("long long unsigned int", 8, ATE_UNSIGNED);
        var u32 = a.base("unsigned int", 4, ATE_UNSIGNED);
        var ch = a.base("char", 1, ATE_SIGNED_CHAR);
        var u8base = a.base("unsigned char", 1, DwarfBuilder.ATE_UNSIGNED_CHAR);
        a.base("_Bool", 1, ATE_BOOLEAN);
        a.base("double", 8, ATE_FLOAT);
        var u64 = a.typedef("u64", ull);
        var u8 = a.typedef("u8", u8base);

        // struct list_head { struct list_head *next, *prev; }: prev's location as DW_FORM_implicit_const
        var lh = a.struct("list_head", 16);
        var lhp = a.pointer(lh);
        lh.member("next", lhp, 0);
        lh.child(Dw.TAG_MEMBER).name("prev").type(lhp).attr(Dw.AT_DATA_MEMBER_LOCATION, Dw.FORM_IMPLICIT_CONST, 8L);

        // DWARF 5 bit-fields: DW_AT_data_bit_offset
        var bits5 = a.struct("bits5", 8);
        bitfield(bits5, "a", u32, 1).attr(Dw.AT_DATA_BIT_OFFSET, Dw.FORM_DATA1, 0L);
        bitfield(bits5, "b", u32, 3).attr(Dw.AT_DATA_BIT_OFFSET, Dw.FORM_DATA1, 1L);
        bitfield(bits5, "c", u32, 28).attr(Dw.AT_DATA_BIT_OFFSET, Dw.FORM_DATA1, 4L);
        bitfield(bits5, "d", i32, 5).attr(Dw.AT_DATA_BIT_OFFSET, Dw.FORM_DATA1, 32L);

        // struct holder { int kind; union { int i; unsigned long l; }; struct { u8 x, y; } pair; }
        var anonUnion = a.union(null, 8);
        anonUnion.member("i", i32);
        anonUnion.member("l", ul);
        var anonStruct = a.struct(null, 2);
        anonStruct.member("x", u8, 0);
        anonStruct.member("y", u8, 1);
        var holder = a.struct("holder", 24);
        holder.member("kind", i32, 0);
        holder.member(null, anonUnion, 8);
        holder.member("pair", anonStruct, 16);

        // arrays: char data[] (flexible), u8 extra[0] (DW_AT_count 0), int grid[2][3], unsigned long big[256]
        var flex = a.die(Dw.TAG_ARRAY_TYPE).type(ch);
        flex.child(Dw.TAG_SUBRANGE_TYPE).type(ul);
        var zero = a.die(Dw.TAG_ARRAY_TYPE).type(u8);
        zero.child(Dw.TAG_SUBRANGE_TYPE).type(ul).attr(Dw.AT_COUNT, Dw.FORM_DATA1, 0L);
        var grid = a.die(Dw.TAG_ARRAY_TYPE).type(i32);
        grid.child(Dw.TAG_SUBRANGE_TYPE).type(ul).attr(Dw.AT_UPPER_BOUND, Dw.FORM_DATA1, 1L);
        grid.child(Dw.TAG_SUBRANGE_TYPE).type(ul).attr(Dw.AT_COUNT, Dw.FORM_DATA1, 3L);
        var big = a.array(ul, ul, 256);
        var blob = a.struct("blob", 2048 + 24 + 8);
        blob.member("len", i32, 0);
        blob.member("grid", grid, 4);
        blob.member("big", big, 32);
        blob.member("extra", zero, 2080);
        blob.member("data", flex, 2080);
        var blobTail = a.struct("blob_tail", 8); // only data[]: a struct whose last member is flexible
        blobTail.member("n", ul, 0);
        blobTail.member("data", flex, 8);

        // qualifiers and pointers
        var cch = a.die(Dw.TAG_CONST_TYPE).type(ch);
        var cchp = a.pointer(cch);
        var vi = a.die(Dw.TAG_VOLATILE_TYPE).type(i32);
        var ai = a.die(DwarfBuilder.TAG_ATOMIC_TYPE).type(i32);
        var voidp = a.pointer(null);
        var cvoid = a.die(Dw.TAG_CONST_TYPE);
        var cvoidp = a.pointer(cvoid);
        var rvoidp = a.die(DwarfBuilder.TAG_RESTRICT_TYPE).type(voidp);
        var fnType = a.die(Dw.TAG_SUBROUTINE_TYPE).attr(DwarfBuilder.AT_PROTOTYPED, Dw.FORM_FLAG_PRESENT, null);
        fnType.child(Dw.TAG_FORMAL_PARAMETER).type(lhp);
        fnType.child(Dw.TAG_FORMAL_PARAMETER).type(i32);
        fnType.child(DwarfBuilder.TAG_UNSPECIFIED_PARAMETERS);
        var fnp = a.pointer(fnType);
        var getType = a.die(Dw.TAG_SUBROUTINE_TYPE).type(i32);
        var getp = a.pointer(getType);
        var ops = a.struct("ops", 72);
        ops.member("name", cchp, 0);
        ops.member("counter", vi, 8);
        ops.member("atomic", ai, 12);
        ops.member("any", voidp, 16);
        ops.member("cany", cvoidp, 24);
        ops.member("rany", rvoidp, 32);
        ops.member("fn", fnp, 40);
        ops.member("get", getp, 48);
        ops.member("when", u64, 56);

        // forward declarations: struct opaque is defined in the DWARF 4 unit only; struct ghost nowhere
        var opaqueDecl = a.die(Dw.TAG_STRUCTURE_TYPE).name("opaque").declaration();
        var ghostDecl = a.die(Dw.TAG_STRUCTURE_TYPE).name("ghost").declaration();
        var user = a.struct("user", 16);
        user.member("o", a.pointer(opaqueDecl), 0);
        user.member("g", a.pointer(ghostDecl), 8);

        // enums: signed through DW_AT_type; unsigned through DW_AT_type; signed by a negative sdata value alone
        var state = a.die(Dw.TAG_ENUMERATION_TYPE).name("state").size(4).type(i32);
        state.child(Dw.TAG_ENUMERATOR).name("NEG").attr(Dw.AT_CONST_VALUE, Dw.FORM_SDATA, -1L);
        state.child(Dw.TAG_ENUMERATOR).name("ZERO").attr(Dw.AT_CONST_VALUE, Dw.FORM_DATA1, 0L);
        state.child(Dw.TAG_ENUMERATOR).name("BIG").attr(Dw.AT_CONST_VALUE, Dw.FORM_DATA1, 200L);
        var mask = a.die(Dw.TAG_ENUMERATION_TYPE).name("mask").size(4).type(u32);
        mask.child(Dw.TAG_ENUMERATOR).name("ALL").attr(Dw.AT_CONST_VALUE, Dw.FORM_DATA4, 0xffffffffL);
        var bare = a.die(Dw.TAG_ENUMERATION_TYPE).name("bare").size(4);
        bare.child(Dw.TAG_ENUMERATOR).name("B_NEG").attr(Dw.AT_CONST_VALUE, Dw.FORM_SDATA, -5L);
        // a union and an enum sharing a tag name: the bare-name fallback takes the union
        a.union("shared", 4).member("v", i32);
        a.die(Dw.TAG_ENUMERATION_TYPE).name("shared").size(4).type(i32);
        ops.member("state", state, 64);

        // variables and functions
        a.die(Dw.TAG_VARIABLE).name("jiffies").type(ul).declaration();
        a.die(Dw.TAG_VARIABLE).name("init_list").type(lh);
        var tableDecl = a.die(Dw.TAG_ARRAY_TYPE).type(i32);
        tableDecl.child(Dw.TAG_SUBRANGE_TYPE).type(ul);
        a.die(Dw.TAG_VARIABLE).name("table").type(tableDecl).declaration();
        var doThing = a.die(Dw.TAG_SUBPROGRAM).name("do_thing").type(l);
        doThing.child(Dw.TAG_FORMAL_PARAMETER).name("n").type(i32);
        doThing.child(Dw.TAG_FORMAL_PARAMETER).name("s").type(a.pointer(ch));
        doThing.child(Dw.TAG_VARIABLE).name("local").type(i32);
        var printk = a.die(Dw.TAG_SUBPROGRAM).name("printk").type(i32).declaration();
        printk.child(Dw.TAG_FORMAL_PARAMETER).type(cchp);
        printk.child(DwarfBuilder.TAG_UNSPECIFIED_PARAMETERS);
        a.die(Dw.TAG_SUBPROGRAM).name("schedule");

        // type unit: struct sigstruct, referenced by signature from a declaration and from a variable
        var tuInt = tu.base("int", 4, ATE_SIGNED);
        var sig = tu.struct("sigstruct", 4);
        sig.member("v", tuInt, 0);
        tu.typeDie = sig;
        a.die(Dw.TAG_STRUCTURE_TYPE).name("sigstruct").declaration()
                .attr(DwarfBuilder.AT_SIGNATURE, Dw.FORM_REF_SIG8, SIG);
        a.die(Dw.TAG_VARIABLE).name("sigvar").attr(Dw.AT_TYPE, Dw.FORM_REF_SIG8, SIG);

        // ---- the DWARF 4 unit: strp and inline strings, old bit-fields, expression member locations
        var oInt = old.base("int", 4, ATE_SIGNED);
        var oU32 = old.base("unsigned int", 4, ATE_UNSIGNED);
        var oUl = old.base("long unsigned int", 8, ATE_UNSIGNED);
        var opaque = old.struct("opaque", 16);
        opaque.child(Dw.TAG_MEMBER).attr(Dw.AT_NAME, Dw.FORM_STRING, "x").type(oInt)
                .attr(Dw.AT_DATA_MEMBER_LOCATION, Dw.FORM_BLOCK1, new byte[] {DwarfBuilder.OP_PLUS_UCONST, 0});
        opaque.child(Dw.TAG_MEMBER).name("y").type(oUl)
                .attr(Dw.AT_DATA_MEMBER_LOCATION, Dw.FORM_EXPRLOC, new byte[] {DwarfBuilder.OP_PLUS_UCONST, 8});
        var bits4 = old.struct("bits4", 8);
        oldBitfield(bits4, "a", oU32, 1, 31, 4L, 0);
        oldBitfield(bits4, "b", oU32, 3, 28, 4L, 0);
        oldBitfield(bits4, "c", oU32, 28, 0, 4L, 0);
        oldBitfield(bits4, "d", oInt, 5, 27, null, 4); // no DW_AT_byte_size: the type's size
        var oTable = old.array(oInt, oUl, 4);
        old.die(Dw.TAG_VARIABLE).name("table").type(oTable);
        // a typedef in the DWARF 5 unit of a struct defined here, across units (ref_addr)
        a.typedef("bits4_t", bits4);
        return b.build();
    }

    private static DwarfBuilder.Node bitfield(DwarfBuilder.Node s, String name, DwarfBuilder.Node type, long bits) {
        return s.child(Dw.TAG_MEMBER).name(name).type(type).attr(Dw.AT_BIT_SIZE, Dw.FORM_DATA1, bits);
    }

    private static void oldBitfield(DwarfBuilder.Node s, String name, DwarfBuilder.Node type, long bits, long fromMsb,
                                    Long storage, long location) {
        DwarfBuilder.Node m = bitfield(s, name, type, bits).attr(DwarfBuilder.AT_BIT_OFFSET, Dw.FORM_DATA1, fromMsb)
                .attr(Dw.AT_DATA_MEMBER_LOCATION, Dw.FORM_DATA1, location);
        if (storage != null) {
            m.attr(Dw.AT_BYTE_SIZE, Dw.FORM_DATA1, storage);
        }
    }

    private static StructType struct(TypeSource ts, String name) {
        return assertInstanceOf(StructType.class, ts.findType(name).orElseThrow());
    }

    private static List<String> layout(StructType s) {
        List<String> out = new ArrayList<>();
        for (Member m : s.members()) {
            out.add(TypeNames.declaration(m.type(), m.name() == null ? "" : m.name())
                    + (m.isBitfield() ? " : " + m.bitSize() : "") + " @" + m.bitOffset());
        }
        return out;
    }

    @Test
    void baseTypesUnderEverySpelling() {
        DwarfTypeSource ts = sample();
        Type ul = ts.findType("unsigned long").orElseThrow();
        assertEquals(new IntType("unsigned long", 8, false, false), ul);
        for (String s : List.of("long unsigned int", "unsigned long int", "long unsigned", "  unsigned   long ")) {
            assertSame(ul, ts.findType(s).orElseThrow(), s);
        }
        assertEquals(new IntType("long", 8, true, false), ts.findType("long").orElseThrow());
        assertEquals(new IntType("long", 8, true, false), ts.findType("signed long int").orElseThrow());
        assertEquals(new IntType("char", 1, true, true), ts.findType("char").orElseThrow());
        assertEquals(new BoolType("_Bool", 1), ts.findType("_Bool").orElseThrow());
        assertEquals(new FloatType("double", 8), ts.findType("double").orElseThrow());
        assertTrue(ts.findType("unsigned short").isEmpty());
        assertTrue(ts.findType("long long long").isEmpty());
        assertEquals("DWARF from test", ts.description());
    }

    @Test
    void spellingsOfIntegerTypes() {
        assertEquals("unsigned long long", DwarfTypeSource.canonicalIntegerName("long long unsigned int"));
        assertEquals("unsigned int", DwarfTypeSource.canonicalIntegerName("unsigned"));
        assertEquals("int", DwarfTypeSource.canonicalIntegerName("signed"));
        assertEquals("short", DwarfTypeSource.canonicalIntegerName("short int"));
        assertEquals("signed char", DwarfTypeSource.canonicalIntegerName("signed char"));
        assertEquals("unsigned __int128", DwarfTypeSource.canonicalIntegerName("__int128 unsigned"));
        assertNull(DwarfTypeSource.canonicalIntegerName("long char"));
        assertNull(DwarfTypeSource.canonicalIntegerName("unsigned signed"));
        assertNull(DwarfTypeSource.canonicalIntegerName("u64"));
        assertEquals(List.of("u64"), DwarfTypeSource.baseSpellings("u64"));
        assertEquals(List.of("unsigned long int", "unsigned long", "long unsigned int"),
                DwarfTypeSource.baseSpellings("unsigned long int"));
    }

    @Test
    void selfReferenceResolvesLazilyToTheSameType() {
        DwarfTypeSource ts = sample();
        StructType lh = struct(ts, "struct list_head");
        assertEquals(16, lh.size());
        assertTrue(lh.complete());
        assertEquals(List.of("struct list_head *next @0", "struct list_head *prev @64"), layout(lh));
        PointerType next = assertInstanceOf(PointerType.class, lh.members().get(0).type());
        assertSame(lh, next.target());
        assertSame(lh, ts.findType("list_head").orElseThrow(), "bare tag falls back to the struct");
        assertSame(lh, ts.findVariable("init_list").orElseThrow().type());
    }

    @Test
    void bitfieldsInBothEncodingsGiveLittleEndianBitOffsets() {
        DwarfTypeSource ts = sample();
        List<String> expected = List.of("unsigned int a : 1 @0", "unsigned int b : 3 @1", "unsigned int c : 28 @4",
                "int d : 5 @32");
        assertEquals(expected, layout(struct(ts, "struct bits5")));
        assertEquals(expected, layout(struct(ts, "struct bits4")));
        assertEquals(expected, layout(struct(ts, "bits4")));
        TypedefType t = assertInstanceOf(TypedefType.class, ts.findType("bits4_t").orElseThrow());
        assertSame(ts.findType("struct bits4").orElseThrow(), t.target(), "ref_addr into the DWARF 4 unit");
        Member b = struct(ts, "struct bits4").members().get(1);
        assertEquals(0, b.offset());
        assertTrue(b.isBitfield());
    }

    @Test
    void anonymousMembersAndExpressionLocations() {
        DwarfTypeSource ts = sample();
        StructType h = struct(ts, "struct holder");
        assertEquals(List.of("int kind @0", "union {...} @64", "struct {...} pair @128"), layout(h));
        assertNull(h.members().get(1).name());
        StructType u = assertInstanceOf(StructType.class, h.members().get(1).type());
        assertTrue(u.isUnion());
        assertNull(u.tag());
        assertEquals(List.of("int i @0", "unsigned long l @0"), layout(u));
        assertEquals(8, Types.offsetOf(h, "l").orElseThrow());
        assertEquals(17, Types.offsetOf(h, "pair.y").orElseThrow());
        assertEquals(List.of("int x @0", "unsigned long y @64"), layout(struct(ts, "struct opaque")));
    }

    @Test
    void arraysFlexibleZeroLengthAndMultiDimensional() {
        DwarfTypeSource ts = sample();
        StructType blob = struct(ts, "struct blob");
        assertEquals(List.of("int len @0", "int grid[2][3] @32", "unsigned long big[256] @256", "u8 extra[0] @16640",
                "char data[] @16640"), layout(blob));
        ArrayType grid = assertInstanceOf(ArrayType.class, blob.members().get(1).type());
        assertEquals(2, grid.length());
        assertEquals(3, assertInstanceOf(ArrayType.class, grid.element()).length());
        assertEquals(24, grid.size());
        assertEquals(2048, blob.members().get(2).type().size(), "upper bound 255 in data1 is not -1");
        ArrayType extra = assertInstanceOf(ArrayType.class, blob.members().get(3).type());
        assertEquals(0, extra.length());
        assertFalse(extra.flexible());
        ArrayType data = assertInstanceOf(ArrayType.class, blob.members().get(4).type());
        assertTrue(data.flexible());
        assertEquals(0, data.size());
        assertEquals(List.of("unsigned long n @0", "char data[] @64"), layout(struct(ts, "struct blob_tail")));
    }

    @Test
    void qualifiersPointersAndFunctionPointers() {
        DwarfTypeSource ts = sample();
        StructType ops = struct(ts, "struct ops");
        assertEquals(List.of("const char *name @0", "volatile int counter @64", "_Atomic int atomic @96",
                "void *any @128", "const void *cany @192", "void * restrict rany @256",
                "void (*fn)(struct list_head *, int, ...) @320", "int (*get)(void) @384", "u64 when @448",
                "enum state state @512"), layout(ops));
        FunctionType fn = assertInstanceOf(FunctionType.class,
                ((PointerType) ops.members().get(6).type()).target());
        assertTrue(fn.variadic());
        assertEquals(2, fn.params().size());
        assertEquals(8, ops.members().get(3).type().size());
        assertEquals(new QualifiedType(QualifiedType.Qualifier.ATOMIC, ts.findType("int").orElseThrow()),
                ops.members().get(2).type());
    }

    @Test
    void forwardDeclarationsResolveToDefinitionsElsewhere() {
        DwarfTypeSource ts = sample();
        StructType user = struct(ts, "struct user");
        StructType opaque = assertInstanceOf(StructType.class, ((PointerType) user.members().get(0).type()).target());
        assertTrue(opaque.complete());
        assertEquals(16, opaque.size());
        assertSame(struct(ts, "struct opaque"), opaque);
        StructType ghost = assertInstanceOf(StructType.class, ((PointerType) user.members().get(1).type()).target());
        assertFalse(ghost.complete());
        assertEquals(0, ghost.size());
        assertEquals("ghost", ghost.tag());
        assertEquals(List.of(), ghost.members());
        assertFalse(struct(ts, "struct ghost").complete(), "a declaration when nothing defines it");
        assertTrue(ts.findType("struct nothing").isEmpty());
    }

    @Test
    void typeUnitsThroughSignatures() {
        DwarfTypeSource ts = sample();
        StructType viaVar = assertInstanceOf(StructType.class, ts.findVariable("sigvar").orElseThrow().type());
        assertEquals(List.of("int v @0"), layout(viaVar));
        assertSame(viaVar, ts.findType("struct sigstruct").orElseThrow());
    }

    @Test
    void enumsSignednessAndValues() {
        DwarfTypeSource ts = sample();
        EnumType state = assertInstanceOf(EnumType.class, ts.findType("enum state").orElseThrow());
        assertTrue(state.signed());
        assertEquals(4, state.size());
        assertEquals(List.of(new EnumType.Enumerator("NEG", -1), new EnumType.Enumerator("ZERO", 0),
                new EnumType.Enumerator("BIG", 200)), state.enumerators());
        EnumType mask = assertInstanceOf(EnumType.class, ts.findType("mask").orElseThrow());
        assertFalse(mask.signed());
        assertEquals(0xffffffffL, mask.enumerators().get(0).value());
        EnumType bare = assertInstanceOf(EnumType.class, ts.findType("enum bare").orElseThrow());
        assertTrue(bare.signed());
        assertEquals(-5, bare.enumerators().get(0).value());
        assertInstanceOf(StructType.class, ts.findType("shared").orElseThrow(), "union before enum");
        assertInstanceOf(EnumType.class, ts.findType("enum shared").orElseThrow());
    }

    @Test
    void variablesAndFunctions() {
        DwarfTypeSource ts = sample();
        Variable j = ts.findVariable("jiffies").orElseThrow();
        assertEquals("unsigned long", TypeNames.name(j.type()));
        ArrayType table = assertInstanceOf(ArrayType.class, ts.findVariable("table").orElseThrow().type());
        assertEquals(4, table.length(), "the definition's complete array over the declaration's int[]");
        FunctionType doThing = assertInstanceOf(FunctionType.class, ts.findVariable("do_thing").orElseThrow().type());
        assertEquals("long (int, char *)", TypeNames.name(doThing));
        assertEquals("n", doThing.params().get(0).name());
        FunctionType printk = assertInstanceOf(FunctionType.class, ts.findVariable("printk").orElseThrow().type());
        assertEquals("int (const char *, ...)", TypeNames.name(printk));
        assertEquals("void (void)", TypeNames.name(ts.findVariable("schedule").orElseThrow().type()));
        assertTrue(ts.findVariable("u64").isEmpty());
        assertTrue(ts.findVariable("local").isEmpty(), "only top-level variables");
        assertTrue(ts.findType("jiffies").isEmpty());
    }

    @Test
    void repeatedAndConcurrentLookupsShareTypes() throws Exception {
        DwarfTypeSource ts = sample();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Object>>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                fs.add(pool.submit(() -> {
                    List<Object> seen = new ArrayList<>();
                    for (String n : List.of("struct ops", "struct blob", "struct user", "struct holder", "u64")) {
                        Type t = ts.findType(n).orElseThrow();
                        seen.add(t);
                        if (t instanceof StructType s) {
                            for (Member m : s.members()) {
                                seen.add(m.type());
                                if (m.type() instanceof PointerType p) {
                                    seen.add(p.target());
                                }
                            }
                        }
                    }
                    return seen;
                }));
            }
            List<Object> first = fs.get(0).get();
            for (Future<List<Object>> f : fs) {
                List<Object> other = f.get();
                assertEquals(first.size(), other.size());
                for (int i = 0; i < first.size(); i++) {
                    assertSame(first.get(i), other.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void typesThatReferToThemselvesAreAFormatError() {
        DwarfBuilder b = new DwarfBuilder();
        DwarfBuilder.Unit u = b.compileUnit(4);
        var t1 = u.die(Dw.TAG_TYPEDEF).name("t1");
        var t2 = u.typedef("t2", t1);
        t1.type(t2);
        var notType = u.die(Dw.TAG_VARIABLE).name("v");
        u.typedef("t3", u.die(Dw.TAG_MEMBER).type(u.die(Dw.TAG_LEXICAL_BLOCK)));
        u.typedef("t4", notType);
        DwarfTypeSource ts = new DwarfTypeSource(b.open(), "bad");
        FormatException e = assertThrows(FormatException.class, () -> ts.findType("t1"));
        assertTrue(e.getMessage().contains("refers to itself"), e.getMessage());
        assertThrows(FormatException.class, () -> ts.findType("t3"));
        assertThrows(FormatException.class, () -> ts.findType("t1"), "and again, not half-cached");
        assertEquals(VoidType.INSTANCE, ((TypedefType) ts.findType("t4").orElseThrow()).target(),
                "a variable without a type is void");
    }
}
