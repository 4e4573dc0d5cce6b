package dev.vmcore.program.expr;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.program.Session;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.util.Unsigned;
import dev.vmcore.util.VmcoreException;

import java.util.Optional;

/**
 * Where each CPU's copy of a per-CPU variable is: the variable's symbol address (an offset into
 * the per-CPU section, which x86_64 links at 0) plus {@code __per_cpu_offset[cpu]}, an array of
 * 8-byte offsets (mm/percpu.c, setup_per_cpu_areas). As crash, a symbol is per-CPU when it lies in
 * [{@code __per_cpu_start}, {@code __per_cpu_end}).
 */
public final class PerCpu {
    /** NR_CPUS is at most 8192 on x86_64 (arch/x86/Kconfig); a larger count means a corrupt dump. */
    public static final int MAX_CPUS = 8192;
    /** Without __per_cpu_start/__per_cpu_end: per-CPU symbols are small offsets from 0 on x86_64. */
    private static final long ZERO_BASED_LIMIT = 1L << 32;

    private final AddressSpace memory;
    private final long offsets;
    private final long start;
    private final long end;
    private final int cpus;

    /**
     * @param offsets address of {@code __per_cpu_offset}
     * @param start {@code __per_cpu_start}, or 0 when unknown
     * @param end {@code __per_cpu_end}, or 0 when unknown
     * @param cpus how many CPUs the dump has
     */
    public PerCpu(AddressSpace memory, long offsets, long start, long end, int cpus) {
        this.memory = memory;
        this.offsets = offsets;
        this.start = start;
        this.end = end;
        this.cpus = Math.max(1, Math.min(cpus, MAX_CPUS));
    }

    /** The per-CPU layout from the kernel's symbols; empty when there is no {@code __per_cpu_offset} (UP kernels). */
    public static Optional<PerCpu> find(SymbolTable kernelSymbols, AddressSpace memory, int cpus) {
        Optional<Symbol> offsets = kernelSymbols.find("__per_cpu_offset");
        if (offsets.isEmpty()) {
            return Optional.empty();
        }
        long start = kernelSymbols.find("__per_cpu_start").map(Symbol::address).orElse(0L);
        long end = kernelSymbols.find("__per_cpu_end").map(Symbol::address).orElse(0L);
        return Optional.of(new PerCpu(memory, offsets.get().address(), start, end, cpus));
    }

    /**
     * For a session: the CPU count is the kernel's {@code nr_cpu_ids} when it can be read, else the
     * number of CPU register notes in the dump.
     */
    public static Optional<PerCpu> of(Session session) {
        SymbolTable kernel = session.kernelSymbols();
        int cpus = 0;
        Optional<Symbol> nr = kernel.find("nr_cpu_ids");
        if (nr.isPresent()) {
            try {
                int v = session.kernelMemory().readInt(nr.get().address());
                cpus = v > 0 && v <= MAX_CPUS ? v : 0;
            } catch (MemoryFault e) {
                cpus = 0;
            }
        }
        if (cpus == 0) {
            cpus = session.dump().cpuCount();
        }
        return find(kernel, session.kernelMemory(), cpus);
    }

    public int cpus() {
        return cpus;
    }

    /** True when {@code s} is a per-CPU variable of the kernel image. */
    public boolean contains(Symbol s) {
        if (s.isText() || s.module().isPresent()) {
            return false;
        }
        if (start != 0 || end != 0) {
            return Unsigned.lessOrEqual(start, s.address()) && Unsigned.lessThan(s.address(), end);
        }
        return Unsigned.lessThan(s.address(), ZERO_BASED_LIMIT);
    }

    /** {@code __per_cpu_offset[cpu]}. */
    public long offset(int cpu) {
        if (cpu < 0 || cpu >= cpus) {
            throw new VmcoreException("invalid cpu " + cpu + " (the dump has " + cpus + " CPU" + (cpus == 1 ? "" : "s")
                    + ": 0-" + (cpus - 1) + ")");
        }
        return memory.readLong(offsets + 8L * cpu);
    }

    /** The address of {@code cpu}'s copy of the per-CPU variable {@code s}. */
    public long address(Symbol s, int cpu) {
        return s.address() + offset(cpu);
    }
}
