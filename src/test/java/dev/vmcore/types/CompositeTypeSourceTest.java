package dev.vmcore.types;

import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositeTypeSourceTest {
    /** A source answering from a map, counting lookups, or failing as corrupt debug information does. */
    private static final class MapSource implements TypeSource {
        final Map<String, Type> types;
        final String name;
        final boolean corrupt;
        int lookups;

        MapSource(String name, Map<String, Type> types, boolean corrupt) {
            this.name = name;
            this.types = types;
            this.corrupt = corrupt;
        }

        @Override
        public Optional<Type> findType(String n) {
            lookups++;
            if (corrupt) {
                throw new FormatException(".debug_info", 0x1234, "abbreviation code 99 is not in the table");
            }
            return Optional.ofNullable(types.get(n));
        }

        @Override
        public Optional<Variable> findVariable(String n) {
            return findType(n).map(t -> new Variable(n, t));
        }

        @Override
        public String description() {
            return name;
        }
    }

    private static final IntType INT = new IntType("int", 4, true, false);
    private static final IntType LONG = new IntType("long", 8, true, false);

    @Test
    void theFirstSourceThatKnowsANameAnswersAndLaterSuppliersAreNotForced() {
        MapSource btf = new MapSource("BTF", Map.of("int", INT), false);
        int[] forced = {0};
        Supplier<List<TypeSource>> dwarf = () -> {
            forced[0]++;
            return List.of(new MapSource("DWARF", Map.of("int", LONG, "long", LONG), false));
        };
        CompositeTypeSource c = new CompositeTypeSource(List.of(() -> List.of(btf), dwarf), "both");
        assertSame(INT, c.findType("int").orElseThrow());
        assertEquals(0, forced[0], "DWARF loaded although BTF answered");
        assertSame(LONG, c.findType("long").orElseThrow());
        assertEquals(1, forced[0]);
        assertTrue(c.findType("char").isEmpty());
        assertEquals("both", c.description());
    }

    @Test
    void aSourceThatTurnsOutCorruptIsReportedOnceAndSkipped() {
        MapSource bad = new MapSource("DWARF from vmlinux", Map.of(), true);
        MapSource good = new MapSource("BTF of module m", Map.of("int", INT), false);
        List<String> warnings = new ArrayList<>();
        CompositeTypeSource c = new CompositeTypeSource(List.of(() -> List.of(bad), () -> List.of(good)), "x",
                warnings::add);
        assertSame(INT, c.findType("int").orElseThrow());
        assertSame(INT, c.findVariable("int").orElseThrow().type());
        assertEquals(1, bad.lookups, "a broken source is not asked again");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("DWARF from vmlinux not used any more: "), warnings.get(0));
        assertTrue(warnings.get(0).contains(".debug_info") && warnings.get(0).contains("1234"), warnings.get(0));
    }
}
