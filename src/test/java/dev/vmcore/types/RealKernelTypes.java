package dev.vmcore.types;

import dev.vmcore.format.btf.Btf;
import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.dwarf.DwarfSections;
import dev.vmcore.format.elf.ElfSection;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Assumptions;

import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The real kernels' types for the tests, BTF and DWARF side by side: from the debug vmlinux of
 * kernels/K/ and from a test module (.ko) of a case. Loaded once per kernel and kept while memory
 * allows (the DWARF name index of a vmlinux is some hundred MB); a missing file skips the calling
 * test, and fails it under CI=true.
 */
public final class RealKernelTypes {
    /** Where a relocatable module's sections are placed: section i at i * MODULE_BASE, as RealDwarfTest does. */
    public static final long MODULE_BASE = 0x100000;

    private static final Map<String, SoftReference<Kernel>> KERNELS = new HashMap<>();

    private RealKernelTypes() {
    }

    /** A vmlinux's BTF (its .BTF section) and DWARF. */
    public record Kernel(String version, BtfTypeSource btf, DwarfTypeSource dwarf) {
    }

    /**
     * A module's DWARF, and its split BTF when the .ko has a .BTF section: over the .ko's distilled
     * base BTF (.BTF.base) when it has one, else over the kernel's.
     */
    public record Module(Path ko, DwarfTypeSource dwarf, Optional<BtfTypeSource> btf) {
    }

    /** {@code rel} under the test-dump root; skips (or, under CI, fails) when it is missing. */
    public static Path require(String rel) {
        Path p = TestDumps.root().resolve(rel);
        if (!Files.isRegularFile(p)) {
            if (TestDumps.underCi()) {
                throw new AssertionError("missing under CI (run scripts/make-testdumps): " + p);
            }
            Assumptions.abort("missing " + p);
        }
        return p;
    }

    /** The kernel's types, for kernel "6.1" or "6.12" (a "-la57" suffix names the same kernel). */
    public static synchronized Kernel kernel(String version) {
        String v = version.replace("-la57", "");
        Path vmlinux = require("kernels/" + v + "/vmlinux");
        SoftReference<Kernel> ref = KERNELS.get(v);
        Kernel k = ref == null ? null : ref.get();
        if (k == null) {
            k = load(v, vmlinux);
            KERNELS.put(v, new SoftReference<>(k));
        }
        return k;
    }

    private static Kernel load(String version, Path vmlinux) {
        // Not closed: the DWARF reads mapped slices of the file for as long as the types live.
        ElfSymbols elf = ElfSymbols.open(vmlinux);
        ElfSection btfSection = elf.section(".BTF").orElseThrow(() -> new AssertionError(vmlinux + " has no .BTF"));
        BtfTypeSource btf = new BtfTypeSource(Btf.parse(elf.contents(btfSection)), "BTF from vmlinux");
        DwarfTypeSource dwarf = new DwarfTypeSource(openDwarf(elf), "DWARF from vmlinux");
        return new Kernel(version, btf, dwarf);
    }

    /** A vmlinux's DWARF, its sections mapped. */
    public static Dwarf openDwarf(ElfSymbols vmlinux) {
        return Dwarf.open(vmlinux::sectionBuffer);
    }

    /** A case's module: DWARF relocated as RealDwarfTest does, and split BTF on the kernel's when present. */
    public static Module module(TestDumps.Case c) {
        Path ko = require("cases/" + c.kernel() + "/" + c.name() + "/" + c.module() + ".ko");
        Kernel k = kernel(c.kernel());
        try (ElfSymbols elf = ElfSymbols.open(ko)) {
            Map<String, byte[]> debug = new HashMap<>();
            for (ElfSection s : elf.sections()) {
                if (s.name().startsWith(".debug_")) {
                    elf.sectionData(s.name(), sec -> sec.isAlloc() ? MODULE_BASE * sec.index() : 0)
                            .ifPresent(b -> debug.put(s.name(), b));
                }
            }
            // Since 6.11 a module's split BTF may be over a distilled base (.BTF.base: the few vmlinux
            // types it uses, by name and size) that the loader relocates onto vmlinux's BTF; ids and
            // string offsets count from that base, not from vmlinux's BTF.
            Btf base = elf.section(".BTF.base").map(s -> Btf.parse(elf.contents(s))).orElse(k.btf().btf());
            Optional<BtfTypeSource> btf = elf.section(".BTF").map(s -> new BtfTypeSource(
                    Btf.parse(elf.contents(s), base), "BTF of " + c.module()));
            return new Module(ko, new DwarfTypeSource(Dwarf.open(DwarfSections.of(debug)), "DWARF of " + c.module()), btf);
        }
    }
}
