package dev.vmcore.types;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** C declarations as gdb (and so crash) prints them, where crash's struct -o output showed the way. */
class TypeNamesTest {
    private static final IntType INT = new IntType("int", 4, true, false);

    @Test
    void qualifiedPointersAsGdb() {
        StructType handler = new StructType(StructType.Kind.STRUCT, "xattr_handler", 8, true, List::of);
        Type constHandlerPtr = new QualifiedType(QualifiedType.Qualifier.CONST,
                PointerType.to(new QualifiedType(QualifiedType.Qualifier.CONST, handler), 8));
        // crash 8.0.6 on 6.12, struct -o super_block
        assertEquals("const struct xattr_handler * const *s_xattr",
                TypeNames.declaration(PointerType.to(constHandlerPtr, 8), "s_xattr"));
        Type constCharPtr = new QualifiedType(QualifiedType.Qualifier.CONST, PointerType.to(INT, 8));
        assertEquals("int * const p", TypeNames.declaration(constCharPtr, "p"));
        assertEquals("int * const", TypeNames.name(constCharPtr));
        Type fn = new FunctionType(VoidType.INSTANCE, List.of(), false);
        assertEquals("void (* const f)(void)", TypeNames.declaration(new QualifiedType(QualifiedType.Qualifier.CONST,
                PointerType.to(fn, 8)), "f"));
        assertEquals("const int *p", TypeNames.declaration(PointerType.to(
                new QualifiedType(QualifiedType.Qualifier.CONST, INT), 8), "p"));
    }

    @Test
    void qualifiedArraysQualifyTheirElements() {
        Type constChar = new QualifiedType(QualifiedType.Qualifier.CONST, new IntType("char", 1, true, true));
        // DWARF and BTF of struct filename's "const char iname[]": const (array of (const char))
        Type iname = new QualifiedType(QualifiedType.Qualifier.CONST, new ArrayType(constChar, 0, true));
        assertEquals("const char iname[]", TypeNames.declaration(iname, "iname"));
        Type grid = new QualifiedType(QualifiedType.Qualifier.VOLATILE, new ArrayType(new ArrayType(INT, 3), 2));
        assertEquals("volatile int grid[2][3]", TypeNames.declaration(grid, "grid"));
        assertEquals("volatile int (*p)[2][3]", TypeNames.declaration(PointerType.to(grid, 8), "p"));
    }

    @Test
    void anonymousEnumsListTheirEnumeratorsInsideAStruct() {
        EnumType anon = new EnumType(null, 4, false, List.of(new EnumType.Enumerator("A", 0),
                new EnumType.Enumerator("B", 1), new EnumType.Enumerator("C", 8), new EnumType.Enumerator("D", 9)));
        assertEquals("enum {...} e", TypeNames.declaration(anon, "e"));
        assertEquals("enum {A, B, C = 8, D} e", TypeNames.memberDeclaration(anon, "e"));
        assertEquals("enum {A, B, C = 8, D} *p", TypeNames.memberDeclaration(PointerType.to(anon, 8), "p"));
        EnumType named = new EnumType("pid_type", 4, false, List.of(new EnumType.Enumerator("PIDTYPE_PID", 0)));
        assertEquals("enum pid_type t", TypeNames.memberDeclaration(named, "t"));
        // crash 8.0.6, struct -o net_device
        EnumType rtnl = new EnumType(null, 4, false, List.of(new EnumType.Enumerator("RTNL_LINK_INITIALIZED", 0),
                new EnumType.Enumerator("RTNL_LINK_INITIALIZING", 1)));
        assertEquals("enum {RTNL_LINK_INITIALIZED, RTNL_LINK_INITIALIZING} rtnl_link_state",
                TypeNames.memberDeclaration(rtnl, "rtnl_link_state"));
    }
}
