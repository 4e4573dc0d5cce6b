package dev.vmcore.kernel;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.util.VmcoreException;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Simple kernel globals whose layout is fixed by the C source (no type information needed): the
 * load average, the CPU masks, the CPU clock.
 */
public final class KernelVariables {
    /** include/linux/sched/loadavg.h: FSHIFT = 11, FIXED_1 = 1 << FSHIFT. */
    private static final int FSHIFT = 11;
    private static final long FIXED_1 = 1L << FSHIFT;

    private final SymbolTable symbols;
    private final AddressSpace kernel;

    public KernelVariables(SymbolTable symbols, AddressSpace kernel) {
        this.symbols = symbols;
        this.kernel = kernel;
    }

    /** avenrun[3] as crash prints it: "0.31, 0.07, 0.02". */
    public Optional<String> loadAverage() {
        return read("avenrun", 24).map(b -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                // Rounded as /proc/loadavg does (fs/proc/loadavg.c: get_avenrun(..., FIXED_1/200, 0)).
                long v = dev.vmcore.util.ByteCursor.getLong(b, 8 * i) + FIXED_1 / 200;
                long whole = v >>> FSHIFT;
                long frac = ((v & (FIXED_1 - 1)) * 100) >>> FSHIFT;
                sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%d.%02d", whole, frac));
            }
            return sb.toString();
        });
    }

    /** How many of CPUs 0..cpus-1 are not in __cpu_online_mask (panic() takes the others offline). */
    public OptionalInt offlineCpus(int cpus) {
        if (cpus <= 0 || cpus > 64) {
            return OptionalInt.empty();
        }
        return read("__cpu_online_mask", 8).map(b -> {
            long online = dev.vmcore.util.ByteCursor.getLong(b, 0);
            long mask = cpus == 64 ? -1L : (1L << cpus) - 1;
            return OptionalInt.of(cpus - Long.bitCount(online & mask));
        }).orElse(OptionalInt.empty());
    }

    /** tainted_mask (kernel/panic.c), when it can be read. */
    public Optional<Long> taintedMask() {
        return read("tainted_mask", 8).map(b -> dev.vmcore.util.ByteCursor.getLong(b, 0));
    }

    /** cpu_khz / 1000: the CPU clock in MHz, as crash's MACHINE line shows it. */
    public OptionalInt cpuMhz() {
        return read("cpu_khz", 4).map(b -> OptionalInt.of(dev.vmcore.util.ByteCursor.getInt(b, 0) / 1000))
                .orElse(OptionalInt.empty());
    }

    private Optional<byte[]> read(String name, int len) {
        Optional<Symbol> s = symbols.find(name);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(kernel.readBytes(s.get().address(), len));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }
}
