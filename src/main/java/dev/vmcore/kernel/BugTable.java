package dev.vmcore.kernel;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.symbols.ModuleKallsyms;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.Unsigned;
import dev.vmcore.util.VmcoreException;

import java.util.Optional;

/**
 * The kernel's bug table (lib/bug.c find_bug): one {@code struct bug_entry} per BUG() and WARN()
 * site, in the kernel's {@code __bug_table} section and in each module's {@code struct module.bug_table}.
 * It is what the kernel itself reads to print "kernel BUG at FILE:LINE!", so a dump answers that
 * question even when the log is gone and no debuginfo is at hand.
 *
 * <p>x86-64 builds use GENERIC_BUG_RELATIVE_POINTERS: the address and the file are 32-bit
 * displacements from the field that holds them. The layout comes from the types when they have
 * {@code struct bug_entry}; otherwise from include/asm-generic/bug.h as built with
 * DEBUG_BUGVERBOSE, which every distribution kernel sets.
 */
public final class BugTable {
    /** include/asm-generic/bug.h BUGFLAG_WARNING: the site is a WARN(), not a BUG(). */
    private static final int BUGFLAG_WARNING = 1;
    /** A bound on entries read: the largest kernels have about 40,000. */
    private static final long MAX_ENTRIES = 1 << 20;
    /** How many entries one read covers. */
    private static final int CHUNK_ENTRIES = 4096;
    /** PATH_MAX bounds the file name. */
    private static final int MAX_FILE = 4096;

    /**
     * One site.
     *
     * @param address the ud2 the BUG()/WARN() compiled to
     * @param file    the source file the kernel prints (as the compiler saw it)
     * @param line    its line
     * @param warning true for a WARN() site
     */
    public record Entry(long address, String file, int line, boolean warning) {
        /** "FILE:LINE", as "kernel BUG at" prints it. */
        public String where() {
            return file + ":" + line;
        }
    }

    /** struct bug_entry's layout: size and the offsets of its four fields. */
    private record Layout(int size, int addr, int file, int line, int flags) {
        static final Layout VERBOSE_RELATIVE = new Layout(12, 0, 4, 8, 10);

        static Layout from(TypeSource types) {
            Optional<Type> t;
            try {
                t = types.findType("struct bug_entry");
            } catch (VmcoreException e) {
                t = Optional.empty();
            }
            if (t.isEmpty()) {
                return VERBOSE_RELATIVE;
            }
            Optional<Long> addr = Types.offsetOf(t.get(), "bug_addr_disp");
            Optional<Long> file = Types.offsetOf(t.get(), "file_disp");
            Optional<Long> line = Types.offsetOf(t.get(), "line");
            Optional<Long> flags = Types.offsetOf(t.get(), "flags");
            if (addr.isEmpty() || file.isEmpty() || line.isEmpty() || flags.isEmpty()) {
                throw new VmcoreException("struct bug_entry has no relative bug_addr_disp/file_disp/line/flags:"
                        + " not an x86-64 kernel with DEBUG_BUGVERBOSE");
            }
            return new Layout((int) Types.sizeof(t.get()), addr.get().intValue(), file.get().intValue(),
                    line.get().intValue(), flags.get().intValue());
        }
    }

    private BugTable() {
    }

    /**
     * The entry for the BUG()/WARN() at {@code address}, from the kernel's table or the table of
     * the module whose text holds it; empty when there is none (or the table cannot be read).
     */
    public static Optional<Entry> find(Session session, long address) {
        AddressSpace mem = session.kernelMemory();
        Layout layout;
        try {
            layout = Layout.from(session.kernelTypes());
        } catch (VmcoreException e) {
            return Optional.empty();
        }
        Optional<Symbol> start = session.symbols().find("__start___bug_table");
        Optional<Symbol> stop = session.symbols().find("__stop___bug_table");
        try {
            if (start.isPresent() && stop.isPresent()) {
                long count = (stop.get().address() - start.get().address()) / layout.size();
                Optional<Entry> e = search(mem, layout, start.get().address(), count, address);
                if (e.isPresent()) {
                    return e;
                }
            }
            Optional<ModuleKallsyms.LoadedModule> module = session.modules().stream()
                    .filter(m -> Unsigned.lessOrEqual(m.base(), address) && Unsigned.lessThan(address, m.base() + m.size()))
                    .findFirst()
                    .or(() -> session.symbols().containing(address).flatMap(Symbol::module)
                            .flatMap(n -> session.modules().stream().filter(m -> m.name().equals(n)).findFirst()));
            if (module.isPresent()) {
                return moduleTable(session, module.get(), layout, address);
            }
        } catch (VmcoreException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Entry> moduleTable(Session session, ModuleKallsyms.LoadedModule module, Layout layout,
                                               long address) {
        Optional<Type> struct = session.kernelTypes().findType("struct module");
        Optional<Long> table = struct.flatMap(t -> Types.offsetOf(t, "bug_table"));
        Optional<Long> num = struct.flatMap(t -> Types.offsetOf(t, "num_bugs"));
        if (table.isEmpty() || num.isEmpty()) {
            return Optional.empty();
        }
        AddressSpace mem = session.kernelMemory();
        long entries = mem.readLong(module.struct() + table.get());
        long count = Integer.toUnsignedLong(mem.readInt(module.struct() + num.get()));
        if (entries == 0) {
            return Optional.empty();
        }
        return search(mem, layout, entries, count, address);
    }

    /** {@link #search(AddressSpace, Layout, long, long, long)} with the DEBUG_BUGVERBOSE layout. */
    static Optional<Entry> search(AddressSpace mem, long table, long count, long address) {
        return search(mem, Layout.VERBOSE_RELATIVE, table, count, address);
    }

    /** lib/bug.c find_bug: a linear search, the table is in link order, not sorted. */
    private static Optional<Entry> search(AddressSpace mem, Layout layout, long table, long count, long address) {
        if (count < 0 || count > MAX_ENTRIES) {
            throw new VmcoreException(String.format("bug table at %x: %d entries is not plausible", table, count));
        }
        for (long first = 0; first < count; first += CHUNK_ENTRIES) {
            int n = (int) Math.min(CHUNK_ENTRIES, count - first);
            long base = table + first * layout.size();
            byte[] b = mem.readBytes(base, n * layout.size());
            for (int i = 0; i < n; i++) {
                int at = i * layout.size();
                long field = base + at + layout.addr();
                long site = field + ByteCursor.getInt(b, at + layout.addr());
                if (site == address) {
                    long fileField = base + at + layout.file();
                    String file = mem.readCString(fileField + ByteCursor.getInt(b, at + layout.file()), MAX_FILE);
                    int line = u16(b, at + layout.line());
                    int flags = u16(b, at + layout.flags());
                    return Optional.of(new Entry(site, file, line, (flags & BUGFLAG_WARNING) != 0));
                }
            }
        }
        return Optional.empty();
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }
}
