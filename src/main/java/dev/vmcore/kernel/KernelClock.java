package dev.vmcore.kernel;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's clocks as crash reads them: the uptime from jiffies_64 and the wall-clock time of
 * the crash from the timekeeper.
 */
public final class KernelClock {
    /** crash x86_64_init: machdep->hz = 1000 for 2.6+ kernels unless task_init found better. */
    static final int CRASH_DEFAULT_HZ = 1000;
    private static final long NSEC_PER_SEC = 1_000_000_000L;
    private static final List<String> DEADLINE_INIT = List.of("dd_init_queue", "dd_init_sched", "deadline_init_queue");
    /** Seconds between 2000-01-01 and 2200-01-01: a timekeeper outside is not the wall clock. */
    private static final long MIN_EPOCH = 946_684_800L;
    private static final long MAX_EPOCH = 7_258_118_400L;
    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy", Locale.ROOT);

    private final SymbolTable symbols;
    private final AddressSpace mem;
    private final TypeSource types;

    public KernelClock(SymbolTable symbols, AddressSpace mem, TypeSource types) {
        this.symbols = symbols;
        this.mem = mem;
        this.types = types;
    }

    /**
     * HZ as crash 8 derives it (task.c task_init): in the scope of mq-deadline's init function
     * (dd_init_queue, dd_init_sched or deadline_init_queue) gdb evaluates {@code write_expire}
     * (5 * HZ) and HZ is a fifth of it; without that function crash keeps its default 1000. The
     * constant itself is in DWARF only, so the kernel's HZ comes from tick_nsec
     * (kernel/time/ntp.c: TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ) when the function exists.
     */
    public int hz() {
        boolean crashFindsWriteExpire = DEADLINE_INIT.stream().anyMatch(n -> symbols.find(n).isPresent());
        if (!crashFindsWriteExpire) {
            return CRASH_DEFAULT_HZ;
        }
        OptionalLong writeExpire = readInt("write_expire");
        if (writeExpire.isPresent() && writeExpire.getAsLong() >= 5) {
            return (int) (writeExpire.getAsLong() / 5);
        }
        OptionalLong tick = readLong("tick_nsec");
        if (tick.isPresent() && tick.getAsLong() > 0 && tick.getAsLong() <= NSEC_PER_SEC) {
            return (int) Math.round((double) NSEC_PER_SEC / tick.getAsLong());
        }
        return CRASH_DEFAULT_HZ;
    }

    /**
     * Jiffies since boot as crash's get_uptime counts them: jiffies_64 less INITIAL_JIFFIES
     * (include/linux/jiffies.h: (unsigned long)(unsigned int)(-300 * HZ)), with crash's wrap rule.
     */
    public OptionalLong uptimeJiffies(int hz) {
        Optional<Symbol> s = symbols.find("jiffies_64");
        if (s.isEmpty()) {
            return OptionalLong.empty();
        }
        long j;
        try {
            j = mem.readLong(s.get().address());
        } catch (VmcoreException e) {
            return OptionalLong.empty();
        }
        long wrapped = j & 0xffff_ffff_0000_0000L;
        if (wrapped != 0) {
            wrapped -= 0x1_0000_0000L;
            j = (j & 0xffff_ffffL) | wrapped;
            j += 300L * hz;
        } else {
            j -= Integer.toUnsignedLong(-300 * hz);
        }
        return OptionalLong.of(j);
    }

    /** The uptime in crash's format (convert_time): "HH:MM:SS" or "N days, HH:MM:SS". */
    public Optional<String> uptime() {
        int hz = hz();
        OptionalLong j = uptimeJiffies(hz);
        return j.isPresent() ? Optional.of(formatSeconds(Long.divideUnsigned(j.getAsLong(), hz))) : Optional.empty();
    }

    static String formatSeconds(long total) {
        long days = total / 86_400;
        long rest = total % 86_400;
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", rest / 3600, rest % 3600 / 60, rest % 60);
        return days > 0 ? days + " days, " + hms : hms;
    }

    /**
     * The wall-clock seconds at the crash: tk_core.timekeeper.xtime_sec
     * (kernel/time/timekeeping.c), tk_core being { seqcount_raw_spinlock_t seq; struct timekeeper ... }.
     */
    public OptionalLong crashTimeSeconds() {
        Optional<Symbol> tk = symbols.find("tk_core");
        Optional<Type> keeper = types.findType("struct timekeeper");
        if (tk.isEmpty() || keeper.isEmpty()) {
            return OptionalLong.empty();
        }
        Optional<Long> xtime = Types.offsetOf(keeper.get(), "xtime_sec");
        if (xtime.isEmpty()) {
            return OptionalLong.empty();
        }
        // The timekeeper follows a 4-byte seqcount; struct tk_data (6.13+) names the same layout.
        long base = types.findType("struct tk_data").flatMap(t -> Types.offsetOf(t, "timekeeper")).orElse(8L);
        try {
            long sec = mem.readLong(tk.get().address() + base + xtime.get());
            return sec >= MIN_EPOCH && sec < MAX_EPOCH ? OptionalLong.of(sec) : OptionalLong.empty();
        } catch (VmcoreException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The wall-clock seconds of the crash as crash's kt->date: VMCOREINFO's CRASHTIME when the dump
     * has it, else the timekeeper's xtime_sec ({@link #crashTimeSeconds()}).
     */
    public OptionalLong crashDate(Optional<VmcoreInfo> info) {
        Optional<String> crashTime = info.flatMap(v -> v.get("CRASHTIME"));
        if (crashTime.isPresent()) {
            try {
                return OptionalLong.of(Long.parseLong(crashTime.get().strip()));
            } catch (NumberFormatException e) {
                // fall back on the timekeeper
            }
        }
        return crashTimeSeconds();
    }

    /**
     * The boot time as crash's kt->boot_date (task.c task_init): the crash date less the uptime in
     * whole seconds, jiffies over crash's HZ ({@link #hz()}, so crash's uptime, right or not).
     */
    public OptionalLong bootDate(Optional<VmcoreInfo> info) {
        OptionalLong date = crashDate(info);
        int hz = hz();
        OptionalLong jiffies = uptimeJiffies(hz);
        if (date.isEmpty() || jiffies.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(date.getAsLong() - Long.divideUnsigned(jiffies.getAsLong(), hz));
    }

    /** crash's ctime_tz in UTC: ctime's layout (day of month space-padded) with the zone, no newline. */
    public static String ctime(long epochSeconds) {
        return CTIME.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC));
    }

    private OptionalLong readLong(String name) {
        Optional<Symbol> s = symbols.find(name);
        if (s.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(mem.readLong(s.get().address()));
        } catch (VmcoreException e) {
            return OptionalLong.empty();
        }
    }

    private OptionalLong readInt(String name) {
        Optional<Symbol> s = symbols.find(name);
        if (s.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(mem.readInt(s.get().address()));
        } catch (VmcoreException e) {
            return OptionalLong.empty();
        }
    }
}
