package dev.vmcore.types;

import dev.vmcore.format.elf.ElfSymbol;
import dev.vmcore.format.elf.ElfSymbols;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The real vmlinux files: globals a header declares with an incomplete array type and a .c file
 * defines by a DIE with DW_AT_specification and no name get the definition's complete type, as in
 * gdb and crash ({@code whatis linux_banner}: {@code const char linux_banner[220];} on 6.12). The
 * expected length is the ELF symbol's size over the element size (the crash references have no
 * whatis of these).
 */
class RealSpecifiedVariablesTest {
    private static long symbolSize(String kernel, String name) {
        try (ElfSymbols elf = ElfSymbols.open(RealKernelTypes.require("kernels/" + kernel + "/vmlinux"))) {
            return elf.symbols().stream().filter(s -> s.name().equals(name) && s.type() == ElfSymbol.STT_OBJECT)
                    .mapToLong(ElfSymbol::size).findFirst().orElseThrow(() -> new AssertionError("no symbol " + name));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.1", "6.12"})
    void arraysDefinedThroughASpecificationHaveTheirLength(String kernel) {
        RealKernelTypes.Kernel k = RealKernelTypes.kernel(kernel);
        long banner = symbolSize(kernel, "linux_banner"); // 204 on 6.1, 220 on 6.12
        Variable v = k.dwarf().findVariable("linux_banner").orElseThrow();
        ArrayType a = assertInstanceOf(ArrayType.class, Types.strip(v.type())); // const (const char)[]: GCC's DWARF
        assertFalse(a.flexible());
        assertEquals("const char linux_banner[" + banner + "]", TypeNames.declaration(v.type(), v.name()));
        assertEquals(banner, Types.sizeof(v.type()));

        long table = symbolSize(kernel, "sys_call_table"); // 451 and 463 entries
        Variable s = k.dwarf().findVariable("sys_call_table").orElseThrow();
        assertEquals("const sys_call_ptr_t sys_call_table[" + table / 8 + "]",
                TypeNames.declaration(s.type(), s.name()));
        assertEquals(table, Types.sizeof(s.type()));
    }
}
