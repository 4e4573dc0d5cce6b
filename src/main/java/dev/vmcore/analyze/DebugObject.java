package dev.vmcore.analyze;

import dev.vmcore.format.dwarf.Dwarf;
import dev.vmcore.format.dwarf.Frame;
import dev.vmcore.format.elf.ElfHeader;
import dev.vmcore.format.elf.ElfSection;
import dev.vmcore.format.elf.ElfSymbol;
import dev.vmcore.format.elf.ElfSymbols;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One file with symbols and DWARF (the vmlinux, or a module's .ko) as the symbolizer uses it:
 * text symbols by name, and the DWARF at the addresses those symbols have here. A vmlinux's
 * DWARF is at its link addresses; a .ko is relocatable, so its allocated sections are laid out
 * one after another from {@link #MODULE_BASE} (as the module loader would place them, minus the
 * real addresses, which symbol-relative lookups never need) and its debug sections relocated to
 * match. Nothing but the section headers is read before the first lookup.
 */
final class DebugObject implements AutoCloseable {
    /** Where a .ko's first allocated section is placed. */
    static final long MODULE_BASE = 0x1000_0000L;
    private static final long PAGE = 0x1000;

    private final Path file;
    private final ElfSymbols elf;
    private final long[] sectionBase;
    private volatile Map<String, List<ElfSymbol>> textSymbols;
    private volatile Dwarf dwarf;

    private DebugObject(Path file, ElfSymbols elf, long[] sectionBase) {
        this.file = file;
        this.elf = elf;
        this.sectionBase = sectionBase;
    }

    /** Opens {@code file} (a vmlinux or a .ko); reads its section headers only. */
    static DebugObject open(Path file) {
        ElfSymbols elf = ElfSymbols.open(file);
        try {
            long[] base = new long[elf.sections().size()];
            if (elf.header().type() == ElfHeader.ET_REL) {
                long next = MODULE_BASE;
                for (ElfSection s : elf.sections()) {
                    if (s.isAlloc()) {
                        base[s.index()] = next;
                        next = (next + Math.max(s.size(), 1) + PAGE - 1) & -PAGE;
                    }
                }
            }
            return new DebugObject(file, elf, base);
        } catch (RuntimeException e) {
            elf.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    boolean relocatable() {
        return elf.header().type() == ElfHeader.ET_REL;
    }

    boolean hasDwarf() {
        return elf.section(".debug_info").isPresent();
    }

    Optional<String> buildId() {
        return elf.buildId();
    }

    /**
     * The address of {@code function+offset} in this file's DWARF space. Among several text symbols
     * of that name (static functions of different files), the one whose size is {@code length},
     * else the lowest. Empty when no text symbol has the name.
     */
    Optional<Located> locate(String function, long offset, long length) {
        List<ElfSymbol> all = symbols().get(function);
        if (all == null || all.isEmpty()) {
            return Optional.empty();
        }
        ElfSymbol pick = all.stream().filter(s -> s.size() == length).findFirst().orElse(all.get(0));
        long sectionOffset = pick.value() + offset;
        long address = sectionBase[pick.sectionIndex()] + sectionOffset;
        return Optional.of(new Located(pick, address, all.size()));
    }

    /** The inline chain at {@code address} (see {@link Dwarf#symbolize}); empty without DWARF. */
    List<Frame> symbolize(long address) {
        Dwarf d = dwarf();
        return d == null ? List.of() : d.symbolize(address);
    }

    /**
     * A text symbol and the address of the frame in it.
     *
     * @param symbol     the symbol chosen
     * @param address    symbol + offset, where this file's DWARF describes it
     * @param candidates how many text symbols had the name
     */
    record Located(ElfSymbol symbol, long address, int candidates) {
    }

    private Map<String, List<ElfSymbol>> symbols() {
        Map<String, List<ElfSymbol>> m = textSymbols;
        if (m == null) {
            synchronized (this) {
                if (textSymbols == null) {
                    textSymbols = readTextSymbols();
                }
                m = textSymbols;
            }
        }
        return m;
    }

    /** Functions and labels in executable sections, by name, lowest address first (nm's t/T symbols). */
    private Map<String, List<ElfSymbol>> readTextSymbols() {
        List<ElfSection> sections = elf.sections();
        Map<String, List<ElfSymbol>> out = new HashMap<>();
        for (ElfSymbol s : elf.symbols()) {
            int i = s.sectionIndex();
            if (s.name().isEmpty() || i <= 0 || i >= sections.size() || i >= ElfSymbol.SHN_LORESERVE
                    || (s.type() != ElfSymbol.STT_FUNC && s.type() != ElfSymbol.STT_NOTYPE)
                    || (sections.get(i).flags() & ElfSection.SHF_EXECINSTR) == 0) {
                continue;
            }
            out.computeIfAbsent(s.name(), k -> new ArrayList<>(1)).add(s);
        }
        for (List<ElfSymbol> l : out.values()) {
            l.sort(Comparator.comparingLong(ElfSymbol::value));
        }
        return out;
    }

    private Dwarf dwarf() {
        Dwarf d = dwarf;
        if (d == null && hasDwarf()) {
            synchronized (this) {
                if (dwarf == null) {
                    dwarf = relocatable()
                            ? Dwarf.open(name -> elf.sectionBuffer(name, s -> sectionBase[s.index()]))
                            : Dwarf.open(elf::sectionBuffer);
                }
                d = dwarf;
            }
        }
        return d;
    }

    @Override
    public void close() {
        elf.close();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
