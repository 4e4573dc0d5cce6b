package dev.vmcore.symbols;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.symbols.KallsymsReader.Encoding;
import dev.vmcore.symbols.KallsymsWriter.Image;
import dev.vmcore.symbols.KallsymsWriter.Layout;
import dev.vmcore.symbols.KallsymsWriter.Sym;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KallsymsReaderTest {
    static final long TEXT = 0xffffffff81000000L;

    /** A kernel-like symbol list: per-CPU symbols at small addresses (optional), _text/_stext, functions, data. */
    static List<Sym> kernelSymbols(int count, boolean percpu, long seed) {
        Random r = new Random(seed);
        String[] words = {"sched", "task", "vfs", "read", "write", "lock", "unlock", "init", "exit", "page", "alloc",
            "free", "irq", "handler", "timer", "net", "dev", "queue", "work", "mutex", "spin", "rcu", "slab", "kmem"};
        List<Sym> syms = new ArrayList<>();
        if (percpu) {
            syms.add(new Sym("__per_cpu_start", 'D', 0));
            syms.add(new Sym("fixed_percpu_data", 'D', 0));
            syms.add(new Sym("irq_stack_backing_store", 'D', 0x2000));
            syms.add(new Sym("runqueues", 'D', 0x2f000));
        }
        syms.add(new Sym("_text", 'T', TEXT));
        syms.add(new Sym("_stext", 'T', TEXT));
        long addr = TEXT + 0x10;
        for (int i = 0; i < count; i++) {
            String name = words[r.nextInt(words.length)] + "_" + words[r.nextInt(words.length)]
                    + (r.nextBoolean() ? "_" + words[r.nextInt(words.length)] : "") + (r.nextInt(4) == 0 ? "." + i : "");
            char type = "TtTtDdBRrW".charAt(r.nextInt(10));
            syms.add(new Sym(name, type, addr));
            addr += 1 + r.nextInt(0x400);
        }
        return syms;
    }

    static void assertDecoded(List<Sym> written, SortedSymbolTable t) {
        assertEquals(written.size(), t.size());
        List<Sym> sorted = new ArrayList<>(written);
        sorted.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        for (int i = 0; i < sorted.size(); i++) {
            Symbol s = t.symbol(i);
            assertEquals(sorted.get(i).name(), s.name(), "name " + i);
            assertEquals(sorted.get(i).address(), s.address(), "address of " + s.name());
            assertEquals(sorted.get(i).type(), s.type(), "type of " + s.name());
        }
        assertEquals(KallsymsReader.SOURCE, t.source());
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void decodesEveryAddressEncoding(Encoding e) {
        boolean percpu = e == Encoding.ABSOLUTE_PERCPU || e == Encoding.ABSOLUTE;
        List<Sym> syms = kernelSymbols(3000, percpu, 1);
        for (Layout layout : Layout.values()) {
            Image img = new KallsymsWriter(syms, e, true, true, layout).build();
            KallsymsReader.Result r = KallsymsReader.decode(img.memory(), img.locations());
            assertEquals(e, r.encoding(), layout.toString());
            assertDecoded(syms, r.table());
        }
    }

    @Test
    void readsInFewLargeReads() {
        List<Sym> syms = kernelSymbols(20000, true, 2);
        Image img = new KallsymsWriter(syms, Encoding.ABSOLUTE_PERCPU, true, true, Layout.OFFSETS_FIRST).build();
        FakeKernelMemory mem = img.memory();
        assertDecoded(syms, KallsymsReader.read(mem, img.locations()));
        assertTrue(mem.reads <= 10, "reads: " + mem.reads);
    }

    @Test
    void uncompressedTablesDecodeToo() {
        List<Sym> syms = kernelSymbols(200, false, 3);
        Image img = new KallsymsWriter(syms, Encoding.BASE_RELATIVE, false, false, Layout.NAMES_FIRST).build();
        assertDecoded(syms, KallsymsReader.read(img.memory(), img.locations()));
    }

    @Test
    void bigSymbolLengths() {
        List<Sym> syms = kernelSymbols(100, false, 4);
        StringBuilder rust = new StringBuilder("_RNvXs0_NtNtCs");
        Random r = new Random(5);
        while (rust.length() < 480) {
            rust.append((char) ('!' + r.nextInt(94)));
        }
        syms.add(new Sym(rust.toString(), 't', TEXT + 0x8));
        for (boolean compress : new boolean[] {false, true}) {
            Image img = new KallsymsWriter(syms, Encoding.BASE_RELATIVE, true, compress, Layout.NAMES_FIRST).build();
            SortedSymbolTable t = KallsymsReader.read(img.memory(), img.locations());
            assertDecoded(syms, t);
            assertEquals(TEXT + 0x8, t.find(rust.toString()).orElseThrow().address());
        }
        // The same bytes read without the two-byte form go wrong: an error, or other names.
        Image img = new KallsymsWriter(syms, Encoding.BASE_RELATIVE, true, false, Layout.NAMES_FIRST).build();
        KallsymsLocations l = img.locations();
        KallsymsLocations old = new KallsymsLocations(l.names(), l.numSyms(), l.tokenTable(), l.tokenIndex(),
                l.offsets(), l.relativeBase(), l.addresses(), l.stext(), false);
        try {
            SortedSymbolTable wrong = KallsymsReader.read(img.memory(), old);
            assertTrue(wrong.find(rust.toString()).isEmpty());
        } catch (FormatException expected) {
            // fine: the misread lengths ran off the table
        }
    }

    @Test
    void stextPicksTheEncodingWhenSeveralTablesAreGiven() {
        List<Sym> syms = kernelSymbols(500, false, 6);
        for (Encoding e : List.of(Encoding.BASE_RELATIVE, Encoding.ABSOLUTE_PERCPU, Encoding.PLACE_RELATIVE)) {
            Image img = new KallsymsWriter(syms, e, true, true, Layout.NAMES_FIRST).build();
            KallsymsLocations l = img.locations();
            // Give every table the kernel might have: offsets, a relative base (for place-relative, the
            // word after the offsets), and an absolute table pointing at the offsets.
            long relBase = l.relativeBase().orElse(l.offsets().getAsLong() + 4L * syms.size());
            KallsymsLocations all = new KallsymsLocations(l.names(), l.numSyms(), l.tokenTable(), l.tokenIndex(),
                    l.offsets(), OptionalLong.of(relBase), l.offsets(), l.stext(), true);
            KallsymsReader.Result r = KallsymsReader.decode(img.memory(), all);
            assertEquals(e, r.encoding());
            assertDecoded(syms, r.table());
        }
    }

    @Test
    void wrongStextIsAFormatErrorNamingTheCandidates() {
        List<Sym> syms = kernelSymbols(50, false, 7);
        Image img = new KallsymsWriter(syms, Encoding.BASE_RELATIVE, true, true, Layout.NAMES_FIRST).build();
        KallsymsLocations l = img.locations();
        KallsymsLocations wrong = new KallsymsLocations(l.names(), l.numSyms(), l.tokenTable(), l.tokenIndex(),
                l.offsets(), l.relativeBase(), l.addresses(), l.stext() + 0x1000, true);
        FormatException e = assertThrows(FormatException.class, () -> KallsymsReader.read(img.memory(), wrong));
        assertTrue(e.getMessage().contains("_stext"), e.getMessage());
        assertTrue(e.getMessage().contains("base_relative 0xffffffff81000000"), e.getMessage());
    }

    @Test
    void missingStextIsAFormatError() {
        List<Sym> syms = new ArrayList<>(kernelSymbols(50, false, 8));
        syms.removeIf(s -> s.name().equals("_stext"));
        syms.add(new Sym("_stexu", 'T', TEXT));
        Image img = new KallsymsWriter(syms, Encoding.BASE_RELATIVE, true, true, Layout.NAMES_FIRST).build();
        assertThrows(FormatException.class, () -> KallsymsReader.read(img.memory(), img.locations()));
    }

    @Test
    void absurdCountsAreFormatErrors() {
        List<Sym> syms = kernelSymbols(50, false, 9);
        Image img = new KallsymsWriter(syms, Encoding.BASE_RELATIVE, true, true, Layout.NAMES_FIRST).build();
        int at = (int) (img.locations().numSyms() - img.base());
        for (long n : new long[] {0, 2_000_001, 0xffffffffL, 1_999_999}) {
            byte[] b = img.bytes().clone();
            System.arraycopy(KallsymsWriter.u32(n), 0, b, at, 4);
            FakeKernelMemory m = new FakeKernelMemory(img.base(), b);
            FormatException e = assertThrows(FormatException.class, () -> KallsymsReader.read(m, img.locations()));
            assertTrue(e.getMessage().contains("0xffffffff"), e.getMessage());
        }
    }

    @Test
    void tablesOutsideMemoryAreMemoryFaults() {
        List<Sym> syms = kernelSymbols(50, false, 10);
        Image img = new KallsymsWriter(syms, Encoding.BASE_RELATIVE, true, true, Layout.NAMES_FIRST).build();
        KallsymsLocations l = img.locations();
        KallsymsLocations away = new KallsymsLocations(l.names(), 0xffffffff90000000L, l.tokenTable(), l.tokenIndex(),
                l.offsets(), l.relativeBase(), l.addresses(), l.stext(), true);
        assertThrows(MemoryFault.class, () -> KallsymsReader.read(img.memory(), away));
    }
}
