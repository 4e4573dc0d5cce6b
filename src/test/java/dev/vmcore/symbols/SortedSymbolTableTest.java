package dev.vmcore.symbols;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SortedSymbolTableTest {
    private static SortedSymbolTable table() {
        return SortedSymbolTable.builder("test", null)
                .add("high", 0xffffffff81002000L, 0x100, 'T')
                .add("percpu_var", 0x2000, 8, 'D')
                .add("start", 0xffffffff81000000L, 0, 'T')
                .add("alias_b", 0xffffffff81001000L, 0x40, 'T')
                .add("alias_a", 0xffffffff81001000L, 0x80, 't')
                .add("dup", 0xffffffff81003000L, 0x10, 't')
                .add("dup", 0xffffffff81000800L, 0x10, 't')
                .add("user", 0x00007fff00000000L, 0, 'T')
                .build();
    }

    @Test
    void sortsUnsignedAndStably() {
        List<String> names = table().all().stream().map(Symbol::name).toList();
        assertEquals(List.of("percpu_var", "user", "start", "dup", "alias_b", "alias_a", "high", "dup"), names);
    }

    @Test
    void containingUsesHighestAtOrBelowAndSizes() {
        SortedSymbolTable t = table();
        assertEquals("start", t.containing(0xffffffff81000000L).orElseThrow().name());
        assertEquals("start", t.containing(0xffffffff810007ffL).orElseThrow().name());
        assertEquals("dup", t.containing(0xffffffff81000805L).orElseThrow().name());
        // past a symbol's size (padding before the next one) the address is still named after it, as crash does
        assertEquals("dup", t.containing(0xffffffff81000810L).orElseThrow().name(), "past dup's size");
        // two symbols at one address: the first that covers the address wins
        assertEquals("alias_b", t.containing(0xffffffff81001010L).orElseThrow().name());
        assertEquals("alias_a", t.containing(0xffffffff81001050L).orElseThrow().name());
        assertTrue(List.of("alias_a", "alias_b").contains(t.containing(0xffffffff81001080L).orElseThrow().name()));
        assertEquals("high", t.containing(0xffffffff810020ffL).orElseThrow().name());
        assertEquals(Optional.empty(), t.containing(0x1000));
        assertEquals("percpu_var", t.containing(0x2007).orElseThrow().name());
        assertEquals("user", t.containing(0x7fffffffffffffffL).orElseThrow().name(), "unsized: extends to the next");
        assertEquals(Optional.empty(), t.containing(-1L), "past the last sized symbol");
    }

    @Test
    void findsByNameIncludingDuplicates() {
        SortedSymbolTable t = table();
        assertEquals(0xffffffff81000800L, t.find("dup").orElseThrow().address(), "the lowest address first");
        assertEquals(List.of(0xffffffff81000800L, 0xffffffff81003000L),
                t.findAll("dup").stream().map(Symbol::address).toList());
        assertEquals(List.of(), t.findAll("nothing"));
        assertTrue(t.find("nothing").isEmpty());
        assertEquals('t', t.find("alias_a").orElseThrow().type());
        assertEquals(0x80, t.find("alias_a").orElseThrow().size());
    }

    @Test
    void emptyTable() {
        SortedSymbolTable t = SortedSymbolTable.builder("empty", null).build();
        assertEquals(0, t.size());
        assertTrue(t.containing(0).isEmpty());
        assertTrue(t.find("x").isEmpty());
        assertEquals(List.of(), t.all());
    }

    @Test
    void agreesWithALinearScanOnRandomTables() {
        Random r = new Random(42);
        for (int round = 0; round < 50; round++) {
            SortedSymbolTable.Builder b = SortedSymbolTable.builder("random", "mod");
            int n = 1 + r.nextInt(300);
            long[] addr = new long[n];
            for (int i = 0; i < n; i++) {
                addr[i] = r.nextInt(4) == 0 ? r.nextLong() : 0xffffffff80000000L + r.nextInt(1 << 16);
                b.add("s" + i, addr[i], 0, 'T');
            }
            SortedSymbolTable t = b.build();
            for (int q = 0; q < 200; q++) {
                long a = r.nextBoolean() ? r.nextLong() : 0xffffffff80000000L + r.nextInt(1 << 16);
                long best = 0;
                boolean found = false;
                for (long x : addr) {
                    if (Long.compareUnsigned(x, a) <= 0 && (!found || Long.compareUnsigned(x, best) > 0)) {
                        best = x;
                        found = true;
                    }
                }
                long highest = java.util.Arrays.stream(addr).reduce((x, y) -> Long.compareUnsigned(x, y) >= 0 ? x : y)
                        .getAsLong();
                if (found && ((best ^ a) < 0 || (best == highest && a != best))) {
                    found = false; // other half of the address space, or past the unsized last symbol
                }
                Optional<Symbol> s = t.containing(a);
                assertEquals(found, s.isPresent());
                if (found) {
                    assertEquals(best, s.get().address());
                    assertEquals(Optional.of("mod"), s.get().module());
                }
            }
        }
    }

    @Test
    void compositeFindsInOrderAndContainsByClosestAddress() {
        SortedSymbolTable kernel = table();
        SortedSymbolTable mod = SortedSymbolTable.builder("module symtab", "oops_uaf")
                .add("oops_uaf_init", 0xffffffffc0a00000L, 0x40, 't')
                .add("start", 0xffffffffc0a01000L, 0x10, 't')
                .build();
        CompositeSymbolTable c = new CompositeSymbolTable(List.of(kernel, mod));
        assertEquals(Optional.empty(), c.find("start").orElseThrow().module());
        assertEquals(2, c.findAll("start").size());
        Symbol s = c.containing(0xffffffffc0a00015L).orElseThrow();
        assertEquals("oops_uaf_init", s.name());
        assertEquals(Optional.of("oops_uaf"), s.module());
        assertEquals("high", c.containing(0xffffffff81002010L).orElseThrow().name());
        assertEquals("oops_uaf_init", c.containing(0xffffffffc0a00040L).orElseThrow().name(), "padding after a symbol");
        assertTrue(c.containing(0xffffffffc0a01010L).isEmpty(), "past the last symbol's size");
        assertEquals(kernel.size() + mod.size(), c.all().size());
        assertEquals("percpu_var", c.all().get(0).name());
        assertEquals("start", c.all().get(c.all().size() - 1).name());
        assertEquals("test + module symtab", c.source());
    }
}
