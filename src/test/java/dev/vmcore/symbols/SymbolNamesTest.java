package dev.vmcore.symbols;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names kept in a string table behave as the decoded Strings would, in a table and its name index. */
class SymbolNamesTest {
    /** "\0panic\0panic_cpu\0\u00e9t\u00e9\0": offsets 1, 7, 17. */
    private static final byte[] STRINGS = "\0panic\0panic_cpu\0\u00e9t\u00e9\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final SymbolNames NAMES = new SymbolNames.InTable(STRINGS, new int[] {7, 1, 17, 1});

    @Test
    void namesDecodeAndHashAsStrings() {
        List<String> expected = List.of("panic_cpu", "panic", "\u00e9t\u00e9", "panic");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), NAMES.get(i));
            assertEquals(expected.get(i).hashCode(), NAMES.hash(i), "hash of " + expected.get(i));
            assertTrue(NAMES.is(i, expected.get(i)));
        }
    }

    @Test
    void aPrefixOrALongerNameIsNotTheName() {
        assertFalse(NAMES.is(0, "panic"));
        assertFalse(NAMES.is(1, "panic_cpu"));
        assertFalse(NAMES.is(2, "\u00e9t\u00e9x"));
        assertTrue(NAMES.same(1, 3));
        assertFalse(NAMES.same(0, 1));
    }

    @Test
    void reorderingKeepsTheStringTable() {
        SymbolNames r = NAMES.reordered(new int[] {2, 0}, 2);
        assertEquals(2, r.size());
        assertEquals("\u00e9t\u00e9", r.get(0));
        assertEquals("panic_cpu", r.get(1));
        assertEquals(List.of("panic_cpu", "panic"), List.of(NAMES.reordered(null, 2).get(0), NAMES.reordered(null, 2).get(1)));
    }

    @Test
    void aTableOverAStringTableFindsByNameAndAddress() {
        SortedSymbolTable t = SortedSymbolTable.ofStringTable("test", new long[] {0x3000, 0x1000, 0x2000, 0x1000},
                new long[] {0x10, 0x10, 0x10, 0}, new char[] {'D', 'T', 'T', 't'}, STRINGS, new int[] {7, 1, 17, 1}, 4);
        assertEquals(0x3000, t.find("panic_cpu").orElseThrow().address());
        assertEquals(2, t.findAll("panic").size());
        assertEquals("\u00e9t\u00e9", t.containing(0x2008).orElseThrow().name());
        assertEquals("panic", t.containing(0x1004).orElseThrow().name());
        assertTrue(t.find("panic_cp").isEmpty());
        assertEquals(List.of(0x1000L, 0x1000L, 0x2000L, 0x3000L), t.all().stream().map(Symbol::address).toList());
    }
}
