package dev.vmcore.format.dwarf;

import dev.vmcore.testdumps.Tools;
import dev.vmcore.format.elf.ElfSymbol;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader on the real vmlinux and .ko files, checked against readelf and addr2line run here. */
class RealDwarfTest {
    private static Path file(String rel) {
        Path p = TestDumps.root().resolve(rel);
        Assumptions.assumeTrue(Files.isRegularFile(p), "missing " + p);
        return p;
    }



    /** Members (name -> offset) of the first depth-1 struct called {@code name} in readelf's dump, with its DIE offset. */
    static Map<String, Long> readelfStruct(List<String> dump, String name, long[] dieOffset) {
        Map<String, Long> members = new LinkedHashMap<>();
        boolean inStruct = false;
        boolean pendingStruct = false;
        long pendingOffset = -1;
        String memberName = null;
        for (String line : dump) {
            String t = line.trim();
            if (t.startsWith("<") && t.contains("Abbrev Number")) {
                int depth = Integer.parseInt(t.substring(1, t.indexOf('>')));
                if (inStruct && depth <= 1) {
                    return members;
                }
                if (depth == 1 && t.contains("DW_TAG_structure_type")) {
                    pendingStruct = true;
                    pendingOffset = Long.parseLong(t.substring(t.indexOf("><") + 2, t.indexOf(">:")), 16);
                } else {
                    pendingStruct = false;
                }
                memberName = null;
                continue;
            }
            if (t.startsWith("<") && t.contains("DW_AT_name")) {
                String v = t.substring(t.lastIndexOf(": ") + 2).trim();
                if (pendingStruct && v.equals(name)) {
                    inStruct = true;
                    pendingStruct = false;
                    dieOffset[0] = pendingOffset;
                } else if (inStruct) {
                    memberName = v;
                }
            }
            if (inStruct && t.contains("DW_AT_data_member_location") && memberName != null) {
                String v = t.substring(t.lastIndexOf(": ") + 2).trim();
                members.put(memberName, Long.decode(v.split("\\s+")[0]));
            }
            if (t.contains("DW_AT_declaration") && pendingStruct) {
                pendingStruct = false;
            }
        }
        return members;
    }

    static Map<String, Long> ourStruct(Dwarf d, String name, long[] dieOffset) {
        IndexEntry e = d.index().find(name, Dw.TAG_STRUCTURE_TYPE).stream().filter(x -> !x.declaration())
                .findFirst().orElseThrow();
        dieOffset[0] = e.dieOffset();
        Map<String, Long> members = new LinkedHashMap<>();
        for (Die m : d.die(e.dieOffset()).children()) {
            if (m.tag() == Dw.TAG_MEMBER && m.name().isPresent() && m.has(Dw.AT_DATA_MEMBER_LOCATION)) {
                members.put(m.name().get(), m.unsigned(Dw.AT_DATA_MEMBER_LOCATION).orElse(-1));
            }
        }
        return members;
    }

    private void checkModule(String kernel) throws Exception {
        Path ko = file("cases/" + kernel + "/uaf/oops_uaf.ko");
        try (ElfSymbols elf = ElfSymbols.open(ko)) {
            // lay the sections out at distinct addresses, as the module loader would
            Dwarf d = Dwarf.open(n -> elf.sectionBuffer(n, sec -> sec.isAlloc() ? MODULE_BASE * sec.index() : 0));
            long[] ours = new long[1];
            Map<String, Long> members = ourStruct(d, "oops_record", ours);
            assertEquals(0L, members.get("magic"));
            assertEquals(8L, members.get("name"));
            if (Tools.onPath("readelf")) {
                long[] theirs = new long[1];
                List<String> dump = Tools.lines(List.of("readelf", "--debug-dump=info", ko.toString()));
                assertEquals(readelfStruct(dump, "oops_record", theirs), members);
                assertEquals(theirs[0], ours[0]);
                assertEquals(readelfStruct(dump, "list_head", theirs), ourStruct(d, "list_head", ours));
                assertEquals(theirs[0], ours[0]);
            }
            assertFalse(d.index().find("oops_uaf_record").isEmpty() && d.index().find("oops_record").isEmpty());
            if (Tools.onPath("addr2line")) {
                compareWithAddr2line(d, elf, ko, 200, kernel + " module", true);
            }
        }
    }

    static final long MODULE_BASE = 0x100000;

    @Test
    void module61() throws Exception {
        checkModule("6.1");
    }

    @Test
    void module612() throws Exception {
        checkModule("6.12");
    }

    @Test
    void vmlinux61() throws Exception {
        Path vmlinux = file("kernels/6.1/vmlinux");
        try (ElfSymbols elf = ElfSymbols.open(vmlinux)) {
            long t0 = System.nanoTime();
            Dwarf d = Dwarf.open(elf::sectionBuffer);
            long t1 = System.nanoTime();
            NameIndex idx = d.index();
            long t2 = System.nanoTime();
            System.out.printf("6.1 vmlinux: open (map sections) %d ms, %d units, index %d ms: %d names, %d entries%n",
                    (t1 - t0) / 1_000_000, d.units().size(), (t2 - t1) / 1_000_000, idx.names(), idx.size());
            long[] ours = new long[1];
            Map<String, Long> lh = ourStruct(d, "list_head", ours);
            assertEquals(Map.of("next", 0L, "prev", 8L), lh);
            assertFalse(idx.find("init_task", Dw.TAG_VARIABLE).isEmpty());
            assertFalse(idx.find("task_struct", Dw.TAG_STRUCTURE_TYPE).isEmpty());
            long t3 = System.nanoTime();
            ElfSymbol start = elf.symbols().stream().filter(s -> s.name().equals("schedule")).findFirst().orElseThrow();
            List<Frame> f = d.symbolize(start.value() + 4);
            long t4 = System.nanoTime();
            System.out.printf("first symbolize (address map + line table + DIE walk) %d ms: %s%n",
                    (t4 - t3) / 1_000_000, f);
            assertFalse(f.isEmpty());
            if (Tools.onPath("addr2line")) {
                compareWithAddr2line(d, elf, vmlinux, 200, "6.1 vmlinux", false);
            }
        }
    }

    /** .debug_aranges, with the root DIEs of the units it does not list, find the unit the root DIEs alone do. */
    private void checkAranges(String kernel) {
        Path vmlinux = file("kernels/" + kernel + "/vmlinux");
        try (ElfSymbols elf = ElfSymbols.open(vmlinux)) {
            Dwarf d = Dwarf.open(elf::sectionBuffer);
            AddressMap aranges = AddressMap.fromAranges(d);
            long t0 = System.nanoTime();
            AddressMap scan = AddressMap.scan(d);
            long t1 = System.nanoTime();
            long compileUnits = d.units().stream().filter(u -> u.unitType() == Dw.UT_COMPILE).count();
            System.out.printf("%s: .debug_aranges lists %d of %d compile units (%d ranges); root DIEs %d ranges"
                    + " in %d ms%n", kernel, aranges.units(), compileUnits, aranges.size(), scan.size(),
                    (t1 - t0) / 1_000_000);
            assertTrue(aranges.units() > compileUnits * 9 / 10, "the kernel's .debug_aranges covers its units");
            List<Long> addresses = new ArrayList<>();
            Random rnd = new Random(11);
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (ElfSymbol s : elf.symbols()) {
                if (s.type() == ElfSymbol.STT_FUNC && s.isDefined() && s.size() > 0) {
                    addresses.add(s.value());
                    addresses.add(s.value() + rnd.nextLong(s.size()));
                    addresses.add(s.value() + s.size());
                    lo = Math.min(lo, s.value());
                    hi = Math.max(hi, s.value() + s.size());
                }
            }
            for (int i = 0; i < 20_000; i++) {
                addresses.add(lo + rnd.nextLong(hi - lo + 0x10000) - 0x8000);
            }
            addresses.add(0L);
            addresses.add(-1L);
            int found = 0;
            for (long a : addresses) {
                long expected = scan.find(a);
                long got = d.unitForAddress(a).map(Unit::offset).orElse(-1L);
                assertEquals(expected, got, "unit of 0x" + Long.toHexString(a));
                found += got >= 0 ? 1 : 0;
            }
            System.out.printf("%s: %d addresses, %d in a unit, the same unit both ways%n", kernel, addresses.size(),
                    found);
            assertTrue(found > addresses.size() / 2);
        }
    }

    @Test
    void aranges61() {
        checkAranges("6.1");
    }

    @Test
    void aranges612() {
        checkAranges("6.12");
    }

    /** File sections are mapped, not copied; a module's relocated .debug_info is built in the heap. */
    @Test
    void sectionsAreMappedNotCopied() {
        try (ElfSymbols elf = ElfSymbols.open(file("kernels/6.12/vmlinux"))) {
            Dwarf d = Dwarf.open(elf::sectionBuffer);
            assertTrue(d.info().isDirect());
            assertTrue(d.section(".debug_str").isDirect());
            assertTrue(d.section(".debug_line").isDirect());
            assertEquals(elf.section(".debug_info").orElseThrow().size(), d.info().size());
        }
        try (ElfSymbols elf = ElfSymbols.open(file("cases/6.12/uaf/oops_uaf.ko"))) {
            Dwarf d = Dwarf.open(n -> elf.sectionBuffer(n, sec -> sec.isAlloc() ? MODULE_BASE * sec.index() : 0));
            assertFalse(d.info().isDirect(), ".rela.debug_info applies to it");
            assertTrue(d.section(".debug_str").isDirect(), "nothing relocates it");
        }
    }

    /** Every unit repeats task_struct: the index keeps its first definition (and first declaration). */
    @Test
    void indexKeepsTheDefinition() {
        try (ElfSymbols elf = ElfSymbols.open(file("kernels/6.12/vmlinux"))) {
            Dwarf d = Dwarf.open(elf::sectionBuffer);
            List<IndexEntry> ts = d.index().find("task_struct", Dw.TAG_STRUCTURE_TYPE);
            assertTrue(ts.size() <= 2, ts.toString());
            assertFalse(ts.get(0).declaration());
            Die def = d.die(ts.get(0).dieOffset());
            assertTrue(def.children().stream().anyMatch(m -> m.name().orElse("").equals("pid")));
            assertTrue(d.index().find("jiffies", Dw.TAG_VARIABLE).size() <= NameIndex.VARIABLE_DEFINITIONS + 1);
            // the same entries whatever the thread count, for a sample of names
            NameIndex one = NameIndex.build(d, 1);
            NameIndex two = NameIndex.build(d, 3);
            assertEquals(one.names(), two.names());
            assertEquals(one.size(), two.size());
            Random rnd = new Random(5);
            List<ElfSymbol> syms = elf.symbols();
            for (int i = 0; i < 2000; i++) {
                String n = syms.get(rnd.nextInt(syms.size())).name();
                assertEquals(one.find(n), two.find(n), n);
            }
            for (String n : List.of("list_head", "task_struct", "page", "u64", "int", "jiffies", "init_task")) {
                assertEquals(one.find(n), two.find(n), n);
                assertEquals(one.find(n), d.index().find(n), n);
            }
        }
    }

    /** Random addresses inside FUNC symbols: our frames against {@code addr2line -i -f}. */
    static void compareWithAddr2line(Dwarf d, ElfSymbols elf, Path file, int samples, String what, boolean relocatable)
            throws Exception {
        List<ElfSymbol> funcs = elf.symbols().stream()
                .filter(s -> s.type() == ElfSymbol.STT_FUNC && s.size() > 0 && s.isDefined()).toList();
        Random rnd = new Random(42);
        Map<Integer, List<Long>> bySection = new java.util.TreeMap<>();
        for (int i = 0; i < samples && !funcs.isEmpty(); i++) {
            ElfSymbol s = funcs.get(rnd.nextInt(funcs.size()));
            bySection.computeIfAbsent(relocatable ? s.sectionIndex() : -1, k -> new ArrayList<>())
                    .add(s.value() + rnd.nextLong(s.size()));
        }
        Map<Long, List<String>> expected = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Long>> sec : bySection.entrySet()) {
            List<String> cmd = new ArrayList<>(List.of("addr2line", "-e", file.toString(), "-i", "-f", "-a"));
            long base = 0;
            if (relocatable) {
                cmd.add("-j");
                cmd.add(elf.sections().get(sec.getKey()).name());
                base = MODULE_BASE * sec.getKey();
            }
            sec.getValue().forEach(a -> cmd.add("0x" + Long.toHexString(a)));
            List<String> cur = null;
            int k = 0;
            for (String line : Tools.lines(cmd)) {
                if (line.startsWith("0x") && !line.contains(":")) {
                    cur = new ArrayList<>();
                    expected.put(base + sec.getValue().get(k++), cur);
                } else if (cur != null) {
                    cur.add(line);
                }
            }
        }
        int mismatches = 0;
        int fileMismatches = 0;
        StringBuilder report = new StringBuilder();
        for (Map.Entry<Long, List<String>> e : expected.entrySet()) {
            List<String> exp = normalize(e.getValue());
            List<String> got = new ArrayList<>();
            for (Frame f : d.symbolize(e.getKey())) {
                got.add(f.function());
                got.add(base(f.file()) + ":" + (f.line() == 0 ? "?" : f.line()));
            }
            if (got.isEmpty()) {
                got = List.of("??", "??:?");
            }
            if (exp.equals(List.of("??", "??:?")) || exp.size() == 2 && exp.get(1).equals("??:?") && got.size() == 2
                    && got.get(0).equals("??")) {
                continue; // no DWARF for it (assembler stubs): addr2line names it from the symbol table
            }
            if (got.get(0).equals("??") && exp.get(0).startsWith("__pfx_")) {
                continue; // function padding before a function: no subprogram covers it, addr2line uses the symtab
            }
            if (!exp.equals(got)) {
                if (functionsAndLines(exp).equals(functionsAndLines(got))) {
                    fileMismatches++;
                    report.append(String.format("(file only) 0x%x %s / %s%n", e.getKey(), exp, got));
                    continue;
                }
                mismatches++;
                if (mismatches <= 10) {
                    report.append(String.format("0x%x%n  addr2line %s%n  ours      %s%n", e.getKey(), exp, got));
                }
            }
        }
        System.out.printf("%s: %d addresses, %d differ from addr2line in function or line, %d in a file name only%n%s",
                what, expected.size(), mismatches, fileMismatches, report);
        assertFalse(expected.isEmpty());
        assertTrue(mismatches <= samples / 100, report.toString());
        assertTrue(fileMismatches <= samples / 20, report.toString());
    }

    private static List<String> functionsAndLines(List<String> frames) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            String l = frames.get(i);
            out.add(i % 2 == 1 ? l.substring(l.lastIndexOf(':') + 1) : l);
        }
        return out;
    }

    private static List<String> normalize(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (i % 2 == 1) {
                int k = l.indexOf(" (discriminator");
                if (k >= 0) {
                    l = l.substring(0, k);
                }
                int c = l.lastIndexOf(':');
                String f = base(l.substring(0, c));
                String n = l.substring(c + 1);
                l = f + ":" + (n.equals("0") ? "?" : n);
            }
            out.add(l);
        }
        return out;
    }

    private static String base(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
