package dev.vmcore.types;

import dev.vmcore.format.dwarf.Dw;
import org.junit.jupiter.api.Test;

import static dev.vmcore.types.DwarfBuilder.ATE_SIGNED;
import static dev.vmcore.types.DwarfBuilder.ATE_SIGNED_CHAR;
import static dev.vmcore.types.DwarfBuilder.ATE_UNSIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Variables defined after a declaration, as GCC writes them for {@code extern const char
 * linux_banner[];} in a header and {@code const char linux_banner[] = "...";} in the .c file: the
 * declaration is named and has the incomplete type, the definition has no name, a
 * DW_AT_specification referring to the declaration, its own (complete) type and a location. As in
 * the 6.1 and 6.12 kernels, a weak definition in one unit (init/version.c) may carry no type of its
 * own while the strong one (init/version-timestamp.c) has the complete type.
 */
class DwarfSpecificationTest {
    private static final byte[] LOCATION = {0x03, 0, 0x10, 0, 0, 0, 0, 0, 0}; // DW_OP_addr 0x1000

    /** An {@code extern const char name[];} declaration in {@code u}. */
    private static DwarfBuilder.Node externCharArray(DwarfBuilder.Unit u, String name) {
        var ch = u.base("char", 1, ATE_SIGNED_CHAR);
        var index = u.base("long unsigned int", 8, ATE_UNSIGNED);
        var cch = u.die(Dw.TAG_CONST_TYPE).type(ch);
        var open = u.die(Dw.TAG_ARRAY_TYPE).type(cch);
        open.child(Dw.TAG_SUBRANGE_TYPE).type(index);
        return u.die(Dw.TAG_VARIABLE).name(name).type(open).attr(Dw.AT_EXTERNAL, Dw.FORM_FLAG_PRESENT, null)
                .declaration();
    }

    /** An unnamed definition of {@code declaration}, with {@code type} when not null. */
    private static void define(DwarfBuilder.Unit u, DwarfBuilder.Node declaration, DwarfBuilder.Node type) {
        var def = u.die(Dw.TAG_VARIABLE).attr(Dw.AT_SPECIFICATION, Dw.FORM_REF4, declaration);
        if (type != null) {
            def.type(type);
        }
        def.attr(Dw.AT_LOCATION, Dw.FORM_EXPRLOC, LOCATION);
    }

    private static DwarfTypeSource sample() {
        DwarfBuilder b = new DwarfBuilder();
        // init/version.c: the weak definition, no type of its own
        DwarfBuilder.Unit version = b.compileUnit(4);
        define(version, externCharArray(version, "linux_banner"), null);
        // init/version-timestamp.c: the definition with the complete type
        DwarfBuilder.Unit timestamp = b.compileUnit(5);
        var decl = externCharArray(timestamp, "linux_banner");
        var ch = timestamp.base("char", 1, ATE_SIGNED_CHAR);
        var index = timestamp.base("long unsigned int", 8, ATE_UNSIGNED);
        define(timestamp, decl, timestamp.array(timestamp.die(Dw.TAG_CONST_TYPE).type(ch), index, 220));
        // only a definition without a type: the declaration's type
        DwarfBuilder.Unit other = b.compileUnit(4);
        var i32 = other.base("int", 4, ATE_SIGNED);
        var ints = other.die(Dw.TAG_ARRAY_TYPE).type(i32);
        ints.child(Dw.TAG_SUBRANGE_TYPE).type(i32);
        var table = other.die(Dw.TAG_VARIABLE).name("table").type(ints).declaration();
        define(other, table, null);
        // a definition of a scalar
        var counter = other.die(Dw.TAG_VARIABLE).name("counter").type(i32).declaration();
        define(other, counter, i32);
        return new DwarfTypeSource(b.open(), "DWARF from test");
    }

    @Test
    void theDefinitionsOwnTypeIsTheVariablesType() {
        DwarfTypeSource ts = sample();
        Variable v = ts.findVariable("linux_banner").orElseThrow();
        ArrayType a = assertInstanceOf(ArrayType.class, v.type());
        assertEquals(220, a.length());
        assertEquals("const char linux_banner[220]", TypeNames.declaration(v.type(), v.name()));
        assertEquals(220, Types.sizeof(v.type()));
        assertEquals("int", TypeNames.name(ts.findVariable("counter").orElseThrow().type()));
    }

    @Test
    void aDefinitionWithoutATypeHasTheDeclarations() {
        DwarfTypeSource ts = sample();
        ArrayType a = assertInstanceOf(ArrayType.class, ts.findVariable("table").orElseThrow().type());
        assertTrue(a.flexible());
        assertEquals("int table[]", TypeNames.declaration(a, "table"));
    }
}
