package dev.vmcore.unwind;

import dev.vmcore.util.Unsigned;

import dev.vmcore.format.orc.OrcEntry;
import dev.vmcore.format.orc.OrcFormat;
import dev.vmcore.format.orc.OrcTable;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.symbols.ModuleKallsyms;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.Type;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ORC tables of a running kernel, read in place from its memory: the kernel's own
 * ({@code __start_orc_unwind_ip} .. {@code __stop_orc_unwind_ip}, {@code __start_orc_unwind}) and
 * each module's ({@code struct module.arch.{num_orcs, orc_unwind_ip, orc_unwind}}), so a dump
 * without its vmlinux unwinds as well as one with it.
 */
public final class KernelOrc implements OrcLookup {
    /** More entries than any kernel has (6.12 cloud: ~380,000); a larger count means corrupt symbols. */
    private static final int MAX_ENTRIES = 4_000_000;
    private static final int MAX_MODULE_ENTRIES = 1_000_000;

    private final Session session;
    private final AddressSpace mem;
    private final SymbolTable symbols;
    private final OrcTable kernel;
    private final long[] kernelText;
    private final Map<String, Optional<OrcTable>> modules = new ConcurrentHashMap<>();
    private final String source;

    private KernelOrc(Session session, OrcTable kernel, long[] kernelText, String source) {
        this.source = source;
        this.session = session;
        this.mem = session.kernelMemory();
        this.symbols = session.symbols();
        this.kernel = kernel;
        this.kernelText = kernelText;
    }

    /**
     * The kernel's tables: from the vmlinux's .orc_unwind_ip / .orc_unwind sections when a vmlinux
     * was given (mapped, no dump pages to decompress), else in place from kernel memory; a
     * VmcoreException naming what is missing when the kernel has no ORC data.
     */
    public static KernelOrc of(Session session) {
        SymbolTable k = session.kernelSymbols();
        long[] text = textRanges(k);
        var ipSection = session.vmlinuxSection(".orc_unwind_ip");
        var entrySection = session.vmlinuxSection(".orc_unwind");
        if (ipSection.isPresent() && entrySection.isPresent()) {
            long count = ipSection.get().getKey().size() / 4;
            if (count > 0 && count <= MAX_ENTRIES && entrySection.get().getKey().size() >= count * OrcTable.ENTRY_SIZE) {
                BufferSource entries = new BufferSource("vmlinux .orc_unwind", entrySection.get().getValue());
                OrcFormat format = detectFormat(session.vmlinuxSection(".orc_header").isPresent()
                        || k.find("__start_orc_header").isPresent(), entries, (int) count);
                long ips = ipSection.get().getKey().addr() + session.kaslrOffset();
                return new KernelOrc(session, new OrcTable("vmlinux ORC",
                        new BufferSource("vmlinux .orc_unwind_ip", ipSection.get().getValue()), ips, entries, (int) count,
                        format), text, "vmlinux .orc_unwind");
            }
        }
        return fromMemory(session);
    }

    /** The kernel's text: [_stext, _etext) and [_sinittext, _einittext). */
    private static long[] textRanges(SymbolTable k) {
        return new long[] {address(k, "_stext"), address(k, "_etext"),
            k.find("_sinittext").map(Symbol::address).orElse(0L), k.find("_einittext").map(Symbol::address).orElse(0L)};
    }

    /** The kernel's tables in place in kernel memory (what a dump alone offers), even with a vmlinux. */
    public static KernelOrc fromMemory(Session session) {
        SymbolTable k = session.kernelSymbols();
        long[] text = textRanges(k);
        long ips = address(k, "__start_orc_unwind_ip");
        long ipsEnd = address(k, "__stop_orc_unwind_ip");
        long entries = address(k, "__start_orc_unwind");
        long count = (ipsEnd - ips) / 4;
        if (count <= 0 || count > MAX_ENTRIES) {
            throw new VmcoreException(String.format("ORC: __start_orc_unwind_ip %x .. __stop_orc_unwind_ip %x is not a table",
                    ips, ipsEnd));
        }
        AddressSpace mem = session.kernelMemory();
        MemorySource entryBytes = new MemorySource("kernel ORC entries", mem, entries, count * OrcTable.ENTRY_SIZE);
        OrcFormat format = detectFormat(k.find("__start_orc_header").isPresent(), entryBytes, (int) count);
        OrcTable table = new OrcTable("kernel ORC", new MemorySource("kernel ORC ips", mem, ips, count * 4), ips,
                entryBytes, (int) count, format);
        return new KernelOrc(session, table, text, "kernel memory");
    }

    private static long address(SymbolTable symbols, String name) {
        return symbols.find(name).map(Symbol::address)
                .orElseThrow(() -> new VmcoreException("ORC: no symbol " + name + " (a kernel without ORC unwind data?)"));
    }

    /**
     * The entry layout: kernels with {@code .orc_header} (6.4 on) use the typed layout; among those,
     * the register renumbering of 7.1 shows in the data: nearly every function's entry computes
     * the caller's sp from SP, numbered 5 before and 3 after.
     */
    static OrcFormat detectFormat(boolean hasHeader, dev.vmcore.util.ByteSource entries, int count) {
        if (!hasHeader) {
            return OrcFormat.END_BIT;
        }
        int oldSp = 0;
        int newSp = 0;
        int samples = Math.min(count, 512);
        for (int i = 0; i < samples; i++) {
            long index = (long) i * count / samples;
            byte[] b = entries.readBytes(index * OrcTable.ENTRY_SIZE, OrcTable.ENTRY_SIZE);
            int reg = b[4] & 0xf;
            if (reg == 5) {
                oldSp++;
            } else if (reg == 3) {
                newSp++;
            }
        }
        return newSp > oldSp ? OrcFormat.TYPED_RENUMBERED : OrcFormat.TYPED;
    }

    /** Where the kernel's own table is read from: "vmlinux .orc_unwind" or "kernel memory". */
    public String source() {
        return source;
    }

    /** The kernel's own table (for tests and tools). */
    public OrcTable kernelTable() {
        return kernel;
    }

    public OrcFormat format() {
        return kernel.format();
    }

    @Override
    public boolean isText(long ip) {
        if (inKernelText(ip)) {
            return true;
        }
        return symbols.containing(ip).filter(s -> s.module().isPresent() && s.isText()).isPresent();
    }

    private boolean inKernelText(long ip) {
        return between(ip, kernelText[0], kernelText[1]) || between(ip, kernelText[2], kernelText[3]);
    }

    private static boolean between(long x, long start, long end) {
        return Unsigned.lessOrEqual(start, x) && Unsigned.lessThan(x, end);
    }

    @Override
    public Optional<OrcEntry> find(long ip) {
        if (inKernelText(ip)) {
            return kernel.find(ip);
        }
        Optional<String> module = symbols.containing(ip).flatMap(Symbol::module);
        if (module.isEmpty()) {
            return Optional.empty();
        }
        Optional<OrcTable> table = modules.computeIfAbsent(module.get(), this::moduleTable);
        return table.flatMap(t -> t.indexOf(ip) < 0 ? Optional.empty() : t.find(ip));
    }

    /** A module's table from its struct module; empty when the module has none (or it cannot be read). */
    private Optional<OrcTable> moduleTable(String name) {
        Optional<ModuleKallsyms.LoadedModule> m = session.modules().stream().filter(x -> x.name().equals(name)).findFirst();
        Optional<Type> module = session.kernelTypes().findType("struct module");
        if (m.isEmpty() || module.isEmpty()) {
            return Optional.empty();
        }
        Optional<Long> num = Types.offsetOf(module.get(), "arch.num_orcs");
        Optional<Long> ipsOff = Types.offsetOf(module.get(), "arch.orc_unwind_ip");
        Optional<Long> entriesOff = Types.offsetOf(module.get(), "arch.orc_unwind");
        if (num.isEmpty() || ipsOff.isEmpty() || entriesOff.isEmpty()) {
            return Optional.empty();
        }
        try {
            long struct = m.get().struct();
            long count = Integer.toUnsignedLong(mem.readInt(struct + num.get()));
            long ips = mem.readLong(struct + ipsOff.get());
            long entries = mem.readLong(struct + entriesOff.get());
            if (count == 0 || count > MAX_MODULE_ENTRIES || ips == 0 || entries == 0) {
                return Optional.empty();
            }
            return Optional.of(new OrcTable("ORC of module " + name,
                    new MemorySource("ORC ips of " + name, mem, ips, count * 4), ips,
                    new MemorySource("ORC entries of " + name, mem, entries, count * OrcTable.ENTRY_SIZE),
                    (int) count, kernel.format()));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }
}
