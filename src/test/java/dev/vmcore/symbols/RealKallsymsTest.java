package dev.vmcore.symbols;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.util.Unsigned;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kallsyms decoded from each real dump against the vmlinux symbol table moved by the dump's KASLR
 * offset: every text symbol of the vmlinux should be in kallsyms under the same name and address.
 */
class RealKallsymsTest {
    @TestFactory
    Stream<DynamicTest> kallsymsAgreesWithVmlinux() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private static void check(TestDumps.Case c) throws IOException {
        TestDumps.require(c);
        JsonNode facts = new ObjectMapper().readTree(c.dir().resolve("facts.json").toFile());
        long kaslr = Long.parseUnsignedLong(facts.get("kaslrOffset").asText().substring(2), 16);
        Path vmlinux = c.kernelDir().resolve("vmlinux");
        try (Session s = Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.elf")), Optional.empty(),
                List.of()))) {
            KallsymsLocations loc = s.kallsymsLocations().orElseThrow();
            AddressSpace mem = s.kernelMemory();
            long t0 = System.nanoTime();
            KallsymsReader.Result first = KallsymsReader.decode(mem, loc);
            long coldMs = (System.nanoTime() - t0) / 1_000_000;
            long warmMs = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t = System.nanoTime();
                KallsymsReader.decode(mem, loc);
                warmMs = Math.min(warmMs, (System.nanoTime() - t) / 1_000_000);
            }
            SortedSymbolTable kallsyms = first.table();
            long ti = System.nanoTime();
            kallsyms.find("_stext");
            long indexMs = (System.nanoTime() - ti) / 1_000_000;

            long t1 = System.nanoTime();
            SortedSymbolTable elf = VmlinuxSymbols.load(vmlinux, kaslr);
            long elfMs = (System.nanoTime() - t1) / 1_000_000;

            Report r = compare(elf, kallsyms);
            System.out.printf("%s: kallsyms %d symbols (%s) decoded in %d ms cold, %d ms warm; vmlinux symtab %d symbols"
                            + " loaded in %d ms; vmlinux text symbols %d, same name+address in kallsyms %d,"
                            + " missing %d, other address %d%n",
                    c, kallsyms.size(), first.encoding(), coldMs, warmMs, elf.size(), elfMs, r.text, r.agree,
                    r.missing.size(), r.moved.size());
            System.out.println("  missing by prefix: " + byPrefix(r.missing));
            System.out.println("  missing sample: " + r.missing.stream().limit(15).toList());
            System.out.println("  other address sample: " + r.moved.stream().limit(15).toList());
            System.out.println("  kallsyms name index built in " + indexMs + " ms (on first lookup by name)");
            System.out.println("  all types: " + allTypes(elf, kallsyms));
            assertEquals(loc.stext(), kallsyms.find("_stext").orElseThrow().address());
            // The vmlinux's banner is the running kernel's: the check a vmlinux/dump mismatch test will make.
            try (ElfSymbols file = ElfSymbols.open(vmlinux)) {
                String banner = file.linuxBanner().orElseThrow();
                long at = kallsyms.find("linux_banner").orElseThrow().address();
                assertEquals(banner, new String(mem.readBytes(at, banner.length()), StandardCharsets.ISO_8859_1));
                assertEquals(facts.path("buildId").asText(file.buildId().orElseThrow()), file.buildId().orElseThrow());
            }
            assertEquals(loc.stext(), elf.find("_stext").orElseThrow().address());
            assertTrue(r.agree >= r.text * 0.99, "agreement " + r.agree + "/" + r.text);
            assertTrue(r.moved.size() <= 10, "symbols at another address: " + r.moved);
        }
    }

    private record Report(int text, int agree, List<String> missing, List<String> moved) {
    }

    private static Report compare(SortedSymbolTable elf, SortedSymbolTable kallsyms) {
        int text = 0;
        int agree = 0;
        List<String> missing = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (Symbol s : elf.all()) {
            if (!s.isText()) {
                continue;
            }
            text++;
            List<Symbol> k = kallsyms.findAll(s.name());
            if (k.stream().anyMatch(x -> x.address() == s.address())) {
                agree++;
            } else if (k.isEmpty()) {
                missing.add(s.name() + "@" + Unsigned.hex(s.address()));
            } else {
                moved.add(s.name() + "@" + Unsigned.hex(s.address()) + " kallsyms "
                        + k.stream().map(x -> Unsigned.hex(x.address())).toList());
            }
        }
        return new Report(text, agree, missing, moved);
    }

    /** Every symbol, whatever its type, both ways, with the missing ones counted by type letter. */
    private static String allTypes(SortedSymbolTable elf, SortedSymbolTable kallsyms) {
        Map<Character, Integer> notInKallsyms = new TreeMap<>();
        List<String> vmlinuxOnly = new ArrayList<>();
        Map<Character, Integer> notInElf = new TreeMap<>();
        List<String> notInElfSample = new ArrayList<>();
        int agree = 0;
        for (Symbol s : elf.all()) {
            if (kallsyms.findAll(s.name()).stream().anyMatch(x -> x.address() == s.address())) {
                agree++;
            } else {
                notInKallsyms.merge(s.type(), 1, Integer::sum);
                vmlinuxOnly.add(s.name());
            }
        }
        for (Symbol s : kallsyms.all()) {
            if (elf.findAll(s.name()).stream().noneMatch(x -> x.address() == s.address())) {
                notInElf.merge(s.type(), 1, Integer::sum);
                if (notInElfSample.size() < 10) {
                    notInElfSample.add(s.type() + " " + s.name() + "@" + Unsigned.hex(s.address()));
                }
            }
        }
        return "vmlinux " + elf.size() + ", agree " + agree + ", vmlinux-only by type " + notInKallsyms
                + ", kallsyms-only by type " + notInElf + " e.g. " + notInElfSample + "; vmlinux-only by prefix "
                + top(byPrefix(vmlinuxOnly));
    }

    private static String top(Map<String, Integer> m) {
        return m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(12).toList().toString();
    }

    private static Map<String, Integer> byPrefix(List<String> names) {
        Map<String, Integer> m = new TreeMap<>();
        for (String n : names) {
            String p = n.contains(".") ? "*" + n.substring(n.indexOf('.')).replaceAll("[0-9]+", "N")
                    : n.replaceAll("^(_*[A-Za-z0-9]+_?).*", "$1");
            m.merge(p, 1, Integer::sum);
        }
        return m;
    }
}
