package dev.vmcore.format.dwarf;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forms, units, index, ranges, line tables and inline chains on {@link SampleDwarf}. */
class SyntheticDwarfTest {
    private final Dwarf d = Dwarf.open(DwarfWriter.provider(SampleDwarf.build()));

    @Test
    void unitsAndHeaders() {
        List<Unit> units = d.units();
        assertEquals(2, units.size());
        assertEquals(5, units.get(0).version());
        assertEquals(4, units.get(0).offsetSize());
        assertEquals(4, units.get(1).version());
        assertEquals(8, units.get(1).offsetSize());
        assertEquals("cu5.c", units.get(0).name().orElseThrow());
        assertEquals("cu4.c", units.get(1).name().orElseThrow());
    }

    @Test
    void indexAndStructMembers() {
        NameIndex idx = d.index();
        IndexEntry point = idx.find("point", Dw.TAG_STRUCTURE_TYPE).get(0);
        Die s = d.die(point.dieOffset());
        assertEquals(16, s.unsigned(Dw.AT_BYTE_SIZE).orElseThrow());
        List<Die> members = s.children();
        assertEquals(List.of("x", "y"), members.stream().map(m -> m.name().orElseThrow()).toList());
        assertEquals(0, members.get(0).unsigned(Dw.AT_DATA_MEMBER_LOCATION).orElseThrow());
        assertEquals(8, members.get(1).unsigned(Dw.AT_DATA_MEMBER_LOCATION).orElseThrow());
        Die intType = members.get(1).referenced(Dw.AT_TYPE).orElseThrow();
        assertEquals("int", intType.name().orElseThrow());
        assertEquals(1, idx.find("int", Dw.TAG_BASE_TYPE).size());
        assertEquals(1, idx.find("outer", Dw.TAG_SUBPROGRAM).size());
        assertEquals(1, idx.find("main4", Dw.TAG_SUBPROGRAM).size());
        assertEquals(units(1), idx.find("main4").get(0).unitOffset());
        IndexEntry counter = idx.find("counter").get(0);
        assertTrue(counter.declaration());
        assertEquals(Dw.TAG_VARIABLE, counter.tag());
        assertTrue(idx.find("x").isEmpty(), "members are not top-level");
    }

    private long units(int i) {
        return d.units().get(i).offset();
    }

    @Test
    void everyForm() {
        Die grab = d.die(d.index().find("grab_bag").get(0).dieOffset());
        assertArrayEquals(new byte[] {7, 8}, grab.block(Dw.AT_CONST_VALUE).orElseThrow());
        assertEquals(Dw.FORM_LOCLISTX, grab.form(Dw.AT_LOCATION));
        assertEquals(-5, grab.signed(Dw.AT_DECL_LINE).orElseThrow());
        assertEquals("int", grab.referenced(Dw.AT_TYPE).orElseThrow().name().orElseThrow());
        assertEquals(16, grab.block(Dw.AT_UPPER_BOUND).orElseThrow().length);
        assertArrayEquals(new byte[] {9}, grab.block(0x2000).orElseThrow());
        assertEquals(300, grab.unsigned(0x2001).orElseThrow());
        assertEquals(Dw.FORM_UDATA, grab.form(0x2001));
        assertEquals("point", grab.referenced(0x2002).orElseThrow().name().orElseThrow());
        assertEquals(0xbeef, grab.unsigned(0x2003).orElseThrow());
        assertEquals(0x1234, grab.address(0x2004).orElseThrow());
        assertEquals(0x5678, grab.address(0x2005).orElseThrow());
        assertEquals(0x9abc, grab.address(0x2006).orElseThrow());
        assertEquals(0xdef0, grab.address(0x2007).orElseThrow());
        assertEquals("point", grab.string(0x2008).orElseThrow());
        assertEquals("int", grab.referenced(0x2009).orElseThrow().name().orElseThrow());
        assertArrayEquals(new byte[] {1, 2}, grab.block(0x200a).orElseThrow());
        assertTrue(grab.reference(0x200b).isEmpty(), "no type unit has that signature");
        assertEquals("int", grab.string(0x200c).orElseThrow());
        Die counter = d.die(d.index().find("counter").get(0).dieOffset());
        assertArrayEquals(new byte[] {0x03, 0x10, 0x20}, counter.block(Dw.AT_LOCATION).orElseThrow());
        assertEquals("int", counter.referenced(Dw.AT_TYPE).orElseThrow().name().orElseThrow());
        assertEquals(19, grab.attributes().size());
    }

    @Test
    void linesV5AndV4() {
        assertEquals(new SourceLine("/src/main.c", 10, 0, 0), d.lineAt(0x1005).orElseThrow());
        assertEquals("/src/include/inner.h:100", d.lineAt(0x1015).orElseThrow().toString());
        assertEquals("/src/main.c:12", d.lineAt(0x1020).orElseThrow().toString());
        assertEquals("/src/main.c:13", d.lineAt(0x1030).orElseThrow().toString());
        assertTrue(d.lineAt(0x1100).isEmpty());
        assertEquals("/w/a.c:5", d.lineAt(0x2017).orElseThrow().toString());
        assertEquals("/w/lib/b.h:20", d.lineAt(0x2018).orElseThrow().toString());
        assertTrue(d.lineAt(0x3000).isEmpty());
    }

    @Test
    void inlineChains() {
        assertEquals(List.of(new Frame("inner", "/src/include/inner.h", 100, true, d.index().find("outer").get(0)
                        .dieOffset() + frameDelta()), new Frame("outer", "/src/main.c", 42, false,
                        d.index().find("outer").get(0).dieOffset())).stream().map(SyntheticDwarfTest::text).toList(),
                d.symbolize(0x1015).stream().map(SyntheticDwarfTest::text).toList());
        assertEquals(List.of("outer /src/main.c:12"), d.symbolize(0x1020).stream().map(SyntheticDwarfTest::text).toList());
        assertEquals(List.of("inner4 /w/lib/b.h:20", "main4 /w/lib/b.h:77"),
                d.symbolize(0x2018).stream().map(SyntheticDwarfTest::text).toList());
        assertEquals(List.of("main4 /w/a.c:5"), d.symbolize(0x2008).stream().map(SyntheticDwarfTest::text).toList());
        assertTrue(d.symbolize(0x5000).isEmpty());
    }

    private static long frameDelta() {
        return 0;
    }

    private static String text(Frame f) {
        return f.function() + " " + f.file() + ":" + f.line();
    }

    @Test
    void missingSectionsAreEmpty() {
        Map<String, byte[]> m = SampleDwarf.build();
        m.remove(".debug_line");
        Dwarf noLines = Dwarf.open(DwarfWriter.provider(m));
        assertTrue(noLines.lineAt(0x1005).isEmpty());
        assertEquals(1, noLines.index().find("point").size());
    }
}
