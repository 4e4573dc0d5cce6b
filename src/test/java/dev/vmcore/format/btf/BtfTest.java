package dev.vmcore.format.btf;

import dev.vmcore.types.ArrayType;
import dev.vmcore.types.BtfTypeSource;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.IntType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BTF parsing of every kind, split BTF, and the type model built from it. */
class BtfTest {
    /** A blob with every kind; ids in comments. */
    static byte[] everyKind() {
        BtfWriter w = new BtfWriter();
        int i32 = w.intType("int", 4, 1, 32);                       // 1
        int ul = w.intType("long unsigned int", 8, 0, 64);          // 2
        int ch = w.intType("char", 1, 2, 8);                        // 3
        int bool = w.intType("_Bool", 1, 4, 8);                     // 4
        int node = 6;
        int pnode = w.ptr(node);                                    // 5 -> 6
        w.struct("node", false, 40,                                 // 6
                "next", pnode, 0, 0,
                "flag", i32, 64, 1,
                "mode", i32, 65, 3,
                "", 8, 96, 0,
                "name", 9, 160, 0);
        int cst = w.qualifier(10, null, ch);                        // 7
        w.struct(null, true, 8, "a", i32, 0, 0, "b", ul, 0, 0);      // 8 anonymous union
        w.array(ch, i32, 8);                                        // 9 char[8]
        int e = w.enumType("color", 4, false, "RED", 0, "GREEN", 1); // 10
        int e64 = w.enum64("big", true, "NEG", -5L, "HUGE", 1L << 40); // 11
        w.fwd("opaque", false);                                     // 12
        int td = w.typedef("u64", ul);                              // 13
        w.qualifier(9, null, i32);                                  // 14 volatile
        w.qualifier(11, null, pnode);                               // 15 restrict
        int proto = w.funcProto(i32, "s", w.ptr(cst), "", 0);       // 16 ptr, 17 proto
        w.func("printk", proto, 1);                                 // 18
        int v = w.var("runqueues", node, 1);                        // 19
        w.datasec(".data..percpu", 64, v, 0, 40);                   // 20
        w.floatType("double", 8);                                   // 21
        w.declTag("tag", node, 1);                                  // 22
        w.qualifier(18, "user", ch);                                // 23 type tag
        w.typedef("handler_t", w.ptr(w.funcProto(0, "x", td)));     // 24 proto, 25 ptr, 26 typedef
        assertEquals(List.of(1, 2, 3, 4, 10, 11, 13), List.of(i32, ul, ch, bool, e, e64, td));
        return w.build();
    }

    @Test
    void parsesEveryKind() {
        Btf btf = Btf.parse(ByteSource.of("test", everyKind()));
        assertEquals(1, btf.firstId());
        assertEquals(26, btf.lastId());
        BtfType.Composite node = (BtfType.Composite) btf.type(6);
        assertEquals("node", node.name());
        assertEquals(new BtfType.Member("mode", 1, 65, 3), node.members().get(2));
        assertEquals("", node.members().get(3).name());
        assertTrue(((BtfType.Composite) btf.type(8)).union());
        assertEquals(new BtfType.Array("", 3, 1, 8), btf.type(9));
        assertEquals(-5L, ((BtfType.Enumeration) btf.type(11)).values().get(0).value());
        assertEquals(1L << 40, ((BtfType.Enumeration) btf.type(11)).values().get(1).value());
        assertEquals(BtfKind.FWD, btf.type(12).kind());
        assertEquals(BtfKind.VOLATILE, btf.type(14).kind());
        assertEquals(BtfKind.RESTRICT, btf.type(15).kind());
        BtfType.FunctionProto p = (BtfType.FunctionProto) btf.type(17);
        assertTrue(p.variadic());
        assertEquals(1, p.params().size());
        assertEquals(new BtfType.Function("printk", 17, 1), btf.type(18));
        assertEquals(new BtfType.Variable("runqueues", 6, 1), btf.type(19));
        assertEquals(List.of(new BtfType.SectionVar(19, 0, 40)), ((BtfType.DataSection) btf.type(20)).vars());
        assertEquals(new BtfType.FloatingPoint("double", 8), btf.type(21));
        assertEquals(new BtfType.DeclTag("tag", 6, 1), btf.type(22));
        assertEquals(new BtfType.Qualifier("user", BtfKind.TYPE_TAG, 3), btf.type(23));
    }

    @Test
    void typeModel() {
        BtfTypeSource src = new BtfTypeSource(Btf.parse(ByteSource.of("test", everyKind())), "BTF from test");
        StructType node = (StructType) src.findType("struct node").orElseThrow();
        assertEquals(40, Types.sizeof(node));
        assertEquals("struct node *next", TypeNames.declaration(node.members().get(0).type(), "next"));
        assertTrue(((PointerType) node.members().get(0).type()).target() == node, "self reference resolves to the same type");
        assertEquals(3, node.members().get(2).bitSize());
        assertEquals(12, Types.offsetOf(node, "b").orElseThrow(), "member of an anonymous union");
        assertEquals(20, Types.offsetOf(node, "name").orElseThrow());
        assertEquals("char name[8]", TypeNames.declaration(Types.member(node, "name").orElseThrow().type(), "name"));
        assertEquals(8, Types.sizeof(Types.member(node, "name").orElseThrow().type()));
        assertEquals(0, Types.offsetOf(node, "next").orElseThrow());
        assertFalse(Types.memberPath(node, "next.nothing").isPresent());
        assertEquals(0, Types.offsetOf(node, "next").orElseThrow());
        IntType ul = (IntType) src.findType("unsigned long").orElseThrow();
        assertEquals("unsigned long", ul.name());
        assertEquals(ul, src.findType("long unsigned int").orElseThrow());
        assertEquals("u64", TypeNames.name(src.findType("u64").orElseThrow()));
        assertEquals(List.of("RED", "GREEN"), ((EnumType) src.findType("enum color").orElseThrow()).enumerators().stream()
                .map(EnumType.Enumerator::name).toList());
        assertEquals("int (const char *, ...)", TypeNames.name(src.type(17)));
        FunctionType printk = (FunctionType) src.findVariable("printk").orElseThrow().type();
        assertEquals("int printk(const char *, ...)", TypeNames.declaration(printk, "printk"));
        assertEquals("void (*h)(u64)", TypeNames.declaration(Types.strip(src.findType("handler_t").orElseThrow()), "h"));
        assertInstanceOf(StructType.class, src.findVariable("runqueues").orElseThrow().type());
        StructType opaque = (StructType) src.findType("struct opaque").orElseThrow();
        assertFalse(opaque.complete());
        assertTrue(src.findType("node").isPresent(), "a bare tag falls back to the struct");
        assertEquals("BTF from test", src.description());
        Type arr = Types.member(node, "name").orElseThrow().type();
        assertEquals(8, ((ArrayType) arr).length());
    }

    @Test
    void splitBtfContinuesIdsAndStrings() {
        BtfWriter bw = new BtfWriter();
        int i32 = bw.intType("int", 4, 1, 32);
        bw.struct("list_head", false, 16, "next", bw.ptr(2), 0, 0, "prev", 2, 64, 0);
        Btf base = Btf.parse(ByteSource.of("vmlinux", bw.build()));
        BtfWriter mw = new BtfWriter(base.lastId(), bw.stringSize());
        int rec = mw.struct("oops_record", false, 24, "magic", i32, 0, 0, "link", 3, 64, 0);
        mw.typedef("int", i32); // reuses a base type by id and a base string
        Btf split = Btf.parse(ByteSource.of("oops.ko", mw.build()), base);
        assertEquals(base.lastId() + 1, split.firstId());
        assertEquals(rec, split.firstId());
        assertEquals("list_head", ((BtfType.Composite) split.type(3)).name());
        BtfTypeSource src = new BtfTypeSource(split, "BTF from module");
        StructType r = (StructType) src.findType("struct oops_record").orElseThrow();
        assertEquals("struct list_head", TypeNames.name(r.members().get(1).type()));
        assertEquals(8, Types.offsetOf(r, "link.next").orElseThrow() + 0);
        assertEquals(16, Types.offsetOf(r, "link.prev").orElseThrow());
        assertTrue(src.findType("struct list_head").isPresent(), "base types are found through the split BTF");
    }

    @Test
    void rejectsBadInput() {
        byte[] ok = everyKind();
        byte[] badMagic = ok.clone();
        badMagic[0] = 0;
        assertThrows(FormatException.class, () -> Btf.parse(ByteSource.of("t", badMagic)));
        byte[] bigEndian = ok.clone();
        bigEndian[0] = (byte) 0xeb;
        bigEndian[1] = (byte) 0x9f;
        assertTrue(assertThrows(FormatException.class, () -> Btf.parse(ByteSource.of("t", bigEndian)))
                .getMessage().contains("big-endian"));
        assertThrows(FormatException.class, () -> Btf.parse(ByteSource.of("t", java.util.Arrays.copyOf(ok, ok.length - 3))));
        BtfWriter w = new BtfWriter();
        w.typedef("a", 2);
        w.typedef("b", 1);
        BtfTypeSource loop = new BtfTypeSource(Btf.parse(ByteSource.of("t", w.build())), "t");
        assertThrows(FormatException.class, () -> loop.findType("a"));
        BtfWriter dangling = new BtfWriter();
        dangling.ptr(7);
        Btf lazy = Btf.parse(ByteSource.of("t", dangling.build()));
        assertEquals(BtfKind.PTR, lazy.kindOf(1), "a record is checked when decoded");
        assertTrue(assertThrows(FormatException.class, () -> lazy.type(1)).getMessage().contains("type id 7"));
    }

    @Test
    void answersKindsAndNamesWithoutDecoding() {
        Btf btf = Btf.parse(ByteSource.of("test", everyKind()));
        assertEquals(BtfKind.STRUCT, btf.kindOf(6));
        assertEquals(BtfKind.ENUM64, btf.kindOf(11));
        assertEquals("node", btf.nameOf(6));
        assertEquals("", btf.nameOf(5));
        assertTrue(btf.named(6));
        assertFalse(btf.named(8), "anonymous union");
        byte[] node = "node".getBytes(StandardCharsets.UTF_8);
        assertEquals(Btf.hash(node), btf.nameHash(6));
        assertTrue(btf.nameEquals(6, node));
        assertFalse(btf.nameEquals(6, "nod".getBytes(StandardCharsets.UTF_8)));
        assertFalse(btf.nameEquals(6, "nodes".getBytes(StandardCharsets.UTF_8)));
        assertTrue(btf.sameName(6, 6));
        assertFalse(btf.sameName(6, 10));
        assertArrayEquals(new int[] {6, 8}, btf.idsOf(EnumSet.of(BtfKind.STRUCT, BtfKind.UNION)));
        assertArrayEquals(new int[0], btf.idsOf(Set.of()));
        assertEquals(26, btf.ownTypes().size());
        assertEquals(btf.type(6), btf.ownTypes().get(5));
        assertSame(btf.type(6), btf.type(6), "decoded once");
        assertThrows(IllegalArgumentException.class, () -> btf.kindOf(27));
        assertThrows(IllegalArgumentException.class, () -> btf.type(0));
    }

    @Test
    void checksARecordWhenDecoded() {
        BtfWriter w = new BtfWriter();
        w.intType("int", 4, 1, 32);                 // 1, 16 bytes at 24
        w.intType("bad", 0, 0, 8);                  // 2, at 40: an INT of size 0
        w.typedef("t", 1);                          // 3, at 56
        w.typedef("u", 3);                          // 4, at 68
        byte[] blob = w.build();
        Btf btf = Btf.parse(ByteSource.of("t", blob));
        assertEquals(4, btf.lastId());
        assertEquals("bad", btf.nameOf(2));
        FormatException bad = assertThrows(FormatException.class, () -> btf.type(2));
        assertEquals(40, bad.offset());
        assertEquals(new BtfType.Typedef("t", 1), btf.type(3));

        byte[] badName = blob.clone();
        putU32(badName, 68, 9999);                  // name offset of 4 past the strings
        Btf names = Btf.parse(ByteSource.of("t", badName));
        assertEquals(BtfKind.TYPEDEF, names.kindOf(4));
        for (org.junit.jupiter.api.function.Executable e : List.<org.junit.jupiter.api.function.Executable>of(
                () -> names.type(4), () -> names.nameOf(4), () -> names.named(4), () -> names.nameHash(4),
                () -> names.nameEquals(4, new byte[0]), () -> names.sameName(3, 4))) {
            assertEquals(68, assertThrows(FormatException.class, e).offset());
        }
        assertEquals("t", names.nameOf(3));
        BtfTypeSource src = new BtfTypeSource(names, "t");
        assertThrows(FormatException.class, () -> src.findType("t"), "the index reads every type name");
    }

    @Test
    void checksRecordHeadersWhenParsed() {
        byte[] ok = everyKind();
        byte[] unknownKind = ok.clone();
        unknownKind[24 + 7] = 25;
        assertEquals(24, assertThrows(FormatException.class, () -> Btf.parse(ByteSource.of("t", unknownKind))).offset());
        byte[] cut = ok.clone();
        putU32(cut, 12, dev.vmcore.util.ByteCursor.getInt(ok, 12) - 4); // type_len 4 short: the last record cut
        assertThrows(FormatException.class, () -> Btf.parse(ByteSource.of("t", cut)));
        BtfWriter w = new BtfWriter();
        w.struct("s", false, 4, "a", 0, 0, 0);
        byte[] longVlen = w.build();
        longVlen[24 + 4] = 2;                         // vlen 2: the second member runs past the section
        assertThrows(FormatException.class, () -> Btf.parse(ByteSource.of("t", longVlen)));
    }

    @Test
    void splitBtfAnswersNamesOfBaseTypes() {
        BtfWriter bw = new BtfWriter();
        int i32 = bw.intType("int", 4, 1, 32);
        int head = bw.struct("list_head", false, 16, "next", bw.ptr(3), 0, 0, "prev", 2, 64, 0);
        Btf base = Btf.parse(ByteSource.of("vmlinux", bw.build()));
        BtfWriter mw = new BtfWriter(base.lastId(), bw.stringSize());
        int fwd = mw.fwd("list_head", false);       // names in the module's strings, equal to base names
        int td = mw.typedef("int", i32);
        Btf split = Btf.parse(ByteSource.of("mod.ko", mw.build()), base);
        assertEquals(BtfKind.STRUCT, split.kindOf(head));
        assertEquals("list_head", split.nameOf(fwd));
        assertTrue(split.sameName(head, fwd));
        assertTrue(split.sameName(i32, td));
        assertFalse(split.sameName(head, td));
        assertEquals(split.nameHash(head), split.nameHash(fwd));
        byte[] shared = mw.build();
        putU32(shared, 24 + 12, 1);                 // the typedef named by the base's "int" (offset 1)
        Btf sharing = Btf.parse(ByteSource.of("mod.ko", shared), base);
        assertEquals("int", sharing.nameOf(td));
        assertTrue(sharing.sameName(i32, td));
        assertTrue(sharing.nameEquals(td, "int".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(new int[] {head, fwd}, split.idsOf(EnumSet.of(BtfKind.STRUCT, BtfKind.FWD)));
        assertEquals(List.of(split.type(fwd), split.type(td)), split.ownTypes());
        BtfTypeSource src = new BtfTypeSource(split, "split");
        assertSame(src.type(head), src.findType("struct list_head").orElseThrow(), "the definition wins over the FWD");
        assertSame(src.type(head), src.type(fwd), "the FWD is the full struct");
    }

    @Test
    void nameIndexPrefersFirstIdsAndDefinitions() {
        BtfWriter w = new BtfWriter();
        w.fwd("s", false);                          // 1
        w.intType("int", 4, 1, 32);                 // 2
        w.struct("s", false, 4, "a", 2, 0, 0);      // 3: the definition wins over the earlier FWD
        w.struct("s", false, 8, "b", 2, 0, 0);      // 4: a later definition does not
        w.typedef("t", 2);                          // 5
        w.typedef("t", 3);                          // 6: the first typedef wins
        w.intType("long unsigned int", 8, 0, 64);   // 7: also "unsigned long"
        w.typedef("unsigned long", 2);              // 8: later than the integer's canonical name
        w.fwd("u", true);                           // 9
        w.var("v", 2, 1);                           // 10
        w.func("v", w.funcProto(2), 1);             // 11 proto, 12: a function of the same name loses
        w.func("f", 11, 1);                         // 13
        BtfTypeSource src = new BtfTypeSource(Btf.parse(ByteSource.of("t", w.build())), "t");
        assertSame(src.type(3), src.findType("struct s").orElseThrow());
        assertSame(src.type(3), src.findType("s").orElseThrow(), "a bare tag");
        assertSame(src.type(3), src.type(1), "a FWD is the definition");
        assertSame(src.type(5), src.findType("t").orElseThrow());
        assertSame(src.type(7), src.findType("unsigned long").orElseThrow());
        assertSame(src.type(7), src.findType("long  unsigned int ").orElseThrow());
        assertFalse(((StructType) src.findType("union u").orElseThrow()).complete());
        assertTrue(src.findType("struct u").isEmpty());
        assertTrue(src.findType("enum s").isEmpty());
        assertTrue(src.findType("struct ").isEmpty());
        assertSame(src.type(2), src.findVariable("v").orElseThrow().type());
        assertSame(src.type(11), src.findVariable("f").orElseThrow().type());
        assertTrue(src.findVariable("s").isEmpty());
        assertEquals(Set.of("struct s", "int", "t", "long unsigned int", "unsigned long", "union u"),
                Set.copyOf(src.typeNames()));
    }

    private static void putU32(byte[] b, int at, int v) {
        for (int k = 0; k < 4; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
    }
}
