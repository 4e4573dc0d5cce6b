package dev.vmcore.commands;

import dev.vmcore.util.Unsigned;

import dev.vmcore.format.dwarf.SourceLine;
import dev.vmcore.kernel.Panic;
import dev.vmcore.kernel.TaskBacktrace;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.unwind.Backtracer;
import dev.vmcore.unwind.Frame;
import dev.vmcore.unwind.PtRegs;
import dev.vmcore.unwind.StackLayout;
import dev.vmcore.unwind.StackRegion;
import dev.vmcore.unwind.StackScan;
import dev.vmcore.unwind.StackTrace;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** bt: a task's kernel backtrace through exception frames and across stacks, in crash's layout. */
final class BtCommand implements Command {
    private static final String FLAGS = "aflpsTte";
    /** At most this many scanned words after a failed unwind (a 16 KiB stack has 2048). */
    private static final int MAX_SCAN_LINES = 64;

    @Override
    public String name() {
        return "bt";
    }

    @Override
    public String summary() {
        return "backtrace of a task's kernel stack";
    }

    @Override
    public String help() {
        return """
                NAME
                  bt - backtrace

                SYNOPSIS
                  bt [-a|-c cpu[,cpu]|-p] [-f] [-l] [-s] [-t|-T|-e] [pid | taskp] ...

                DESCRIPTION
                  The kernel stack of the current context's task (see set), or of each task named
                  by PID or task_struct address. A task running on a CPU is unwound from that
                  CPU's registers in the dump, any other task from the frame the scheduler saved.
                  The unwind follows the kernel's ORC data (read from the dump's memory, for the
                  kernel and each module), passes through exception and interrupt frames (printed
                  as "[exception RIP: ...]" with the saved registers) and across the IRQ and
                  exception stacks ("--- <IRQ stack> ---"). Each frame reads
                  "#N [STACK ADDRESS] FUNCTION at RETURN ADDRESS [MODULE]", where STACK ADDRESS is
                  the slot holding the return address. The panic task's trace starts at panic,
                  as crash's does. When the unwind cannot go on, a last line says why.

                    -a  the task running on each CPU.
                    -c  the task running on each listed CPU.
                    -p  the panic task.
                    -f  also the stack words of each frame.
                    -l  also each frame's source file and line (needs the vmlinux or -m debuginfo).
                    -s  FUNCTION+OFFSET instead of FUNCTION.
                    -t  the text addresses on the stack from the first frame up, each with its
                        slot (for when an unwind goes wrong: what the stack holds, not a trace).
                    -T  the same from the bottom of the task's stack.
                    -e  the exception frames (pt_regs) found anywhere on the task's stack.
                  --json gives "tasks", each with "frames": level, sp, address, function, offset,
                  module, and for exception frames their registers.
                """;
    }

    /** The parsed command line. */
    record Request(Set<Character> flags, List<Integer> cpus, List<String> targets) {
        boolean has(char c) {
            return flags.contains(c);
        }
    }

    static Request parse(List<String> args) {
        Set<Character> flags = new LinkedHashSet<>();
        List<Integer> cpus = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-") || a.length() < 2) {
                targets.add(a);
                continue;
            }
            if (a.equals("-c")) {
                if (i + 1 >= args.size()) {
                    throw new CommandException("bt: -c needs a CPU list, e.g. -c 0,1");
                }
                cpus.addAll(cpuList(args.get(++i)));
                continue;
            }
            for (char c : a.substring(1).toCharArray()) {
                if (FLAGS.indexOf(c) < 0) {
                    throw new CommandException("bt: invalid option: -" + c);
                }
                flags.add(c);
            }
        }
        if (flags.contains('c')) {
            throw new CommandException("bt: -c needs a CPU list, e.g. -c 0,1");
        }
        return new Request(flags, cpus, targets);
    }

    private static List<Integer> cpuList(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                String[] range = part.split("-", 2);
                int from = Integer.parseInt(range[0].strip());
                int to = range.length == 2 ? Integer.parseInt(range[1].strip()) : from;
                if (from < 0 || to < from || to - from > 8192) {
                    throw new NumberFormatException();
                }
                for (int c = from; c <= to; c++) {
                    out.add(c);
                }
            } catch (NumberFormatException e) {
                throw new CommandException("bt: invalid CPU list: " + text);
            }
        }
        return out;
    }

    @Override
    public void run(Invocation call) {
        Request req = parse(call.args());
        if (req.flags().stream().noneMatch(f -> f == 'a' || f == 'p') && req.cpus().isEmpty() && req.targets().isEmpty()
                && call.session().contextTask().isEmpty()) {
            // The first question: the panic task, read on its own (no walk of every task).
            var cpu = Panic.panicCpu(call.session().symbols(), call.session().kernelMemory());
            Optional<TaskInfo> panic = cpu.isPresent() ? Tasks.running(call.session(), cpu.getAsInt()) : Optional.empty();
            if (panic.isPresent()) {
                print(call, req, List.of(panic.get()), panic);
                return;
            }
        }
        Tasks tasks = Tasks.read(call.session());
        Optional<TaskInfo> panic = Panic.panicTask(call.session(), tasks.all());
        print(call, req, choose(call, req, tasks, panic), panic);
    }

    /** The backtraces of {@code chosen}, one after another (also for foreach). */
    static void print(Invocation call, Request req, List<TaskInfo> chosen, Optional<TaskInfo> panic) {
        TaskBacktrace backtraces = new TaskBacktrace(call.session());
        Printer out = call.out();
        if (out.isJson()) {
            out.json().beginArray("tasks");
        }
        boolean first = true;
        for (TaskInfo t : chosen) {
            boolean isPanic = panic.isPresent() && panic.get().address() == t.address();
            StackTrace trace;
            try {
                trace = backtraces.of(t, isPanic);
            } catch (VmcoreException e) {
                if (out.isJson()) {
                    out.json().beginObject().field("pid", t.pid()).hex("task", t.address()).field("error", e.getMessage()).end();
                } else {
                    if (!first) {
                        out.println("");
                    }
                    out.println(TaskCommand.header(t));
                    out.println("bt: " + e.getMessage());
                }
                first = false;
                continue;
            }
            if (out.isJson()) {
                new BtJson(call, out.json()).task(t, trace);
            } else {
                if (!first) {
                    out.println("");
                }
                BtText text = new BtText(call, req, out, backtraces.backtracer());
                if (req.has('e')) {
                    text.exceptionFrames(t);
                } else if (req.has('t') || req.has('T')) {
                    text.textSymbols(t, trace);
                } else {
                    text.task(t, trace);
                }
            }
            first = false;
        }
        if (out.isJson()) {
            out.json().end();
        }
    }

    private static List<TaskInfo> choose(Invocation call, Request req, Tasks tasks, Optional<TaskInfo> panic) {
        if (req.has('a') || !req.cpus().isEmpty()) {
            List<TaskInfo> active = tasks.all().stream().filter(TaskInfo::active)
                    .sorted(java.util.Comparator.comparingInt(TaskInfo::cpu)).toList();
            if (req.has('a')) {
                return active;
            }
            List<TaskInfo> out = new ArrayList<>();
            for (int cpu : req.cpus()) {
                out.add(active.stream().filter(t -> t.cpu() == cpu).findFirst()
                        .orElseThrow(() -> new CommandException("bt: no task is known running on CPU " + cpu)));
            }
            return out;
        }
        if (req.has('p')) {
            return List.of(panic.orElseThrow(() -> new CommandException("bt: no panic task in this dump")));
        }
        if (req.targets().isEmpty()) {
            return List.of(CurrentContext.current(call.session(), tasks)
                    .orElseThrow(() -> new CommandException("bt: no current context (no panic task found; use set)")));
        }
        List<String> errors = new ArrayList<>();
        List<TaskInfo> out = new ArrayList<>();
        for (String target : req.targets()) {
            List<TaskInfo> hits = PsCommand.select(tasks.all(), List.of(target), errors);
            if (hits.isEmpty()) {
                throw new CommandException("bt: invalid task or pid value: " + target);
            }
            // A PID names the thread group's tasks only through each task; crash shows the first.
            out.add(hits.get(0));
        }
        return out;
    }

    /**
     * The address that names a frame's function: for a return address the call before it (as the
     * kernel's %pB does), since a call to a noreturn function can end its caller, leaving the
     * return address at the start of the next function.
     */
    static long nameAddress(Frame f) {
        return f.hasSlot() ? f.ip() - 1 : f.ip();
    }

    /** The function a frame is in, and the offset; empty for an address no symbol covers. */
    static Optional<Symbol> symbolOf(SymbolTable symbols, long address) {
        return symbols.containing(address).filter(Symbol::isText);
    }

    /** crash's text layout. */
    private static final class BtText {
        private final Invocation call;
        private final Request req;
        private final Printer out;
        private final SymbolTable symbols;
        private final AddressSpace mem;
        private final Backtracer backtracer;

        BtText(Invocation call, Request req, Printer out, Backtracer backtracer) {
            this.backtracer = backtracer;
            this.call = call;
            this.req = req;
            this.out = out;
            this.symbols = call.session().symbols();
            this.mem = call.session().kernelMemory();
        }

        void task(TaskInfo t, StackTrace trace) {
            out.println(TaskCommand.header(t));
            List<Frame> frames = trace.frames();
            int level = 0;
            for (int i = 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                boolean switched = false;
                if (i > 0) {
                    StackRegion prev = frames.get(i - 1).stack();
                    if (prev != null && f.stack() != null && !prev.equals(f.stack())) {
                        out.println("--- <" + prev.name() + " stack> ---");
                        switched = true;
                    }
                }
                if (!f.hasSlot()) {
                    // The starting registers of a task stopped on its CPU: crash shows them as an exception frame.
                    registers(trace.start().regs(), f);
                } else {
                    // crash shows the first frame after a stack switch at its stack pointer (where its
                    // pt_regs begins), not at the return address's slot just below.
                    out.println(frameLine(level++, f, switched ? f.sp() : f.slot()));
                    if (req.has('l')) {
                        line(f.ip());
                    }
                }
                f.exception().ifPresent(r -> {
                    registers(r, null);
                    if (req.has('l') && !r.userMode()) {
                        line(r.get("ip").orElse(0));
                    }
                });
                if (req.has('f') && i + 1 < frames.size()) {
                    words(f, switched ? f.sp() : f.slot(), frames.get(i + 1));
                }
            }
            trace.error().ifPresent(e -> {
                out.println("bt: " + e);
                scanAfter(t, trace);
            });
        }

        /**
         * After an unwind that stopped early: the text addresses the rest of the stack holds, each
         * marked "?" (crash's bt -t view of them); they are what the stack says, not a trace.
         */
        private void scanAfter(TaskInfo t, StackTrace trace) {
            Frame last = trace.frames().get(trace.frames().size() - 1);
            StackRegion region = last.stack();
            if (region == null) {
                return;
            }
            long from = last.hasSlot() ? last.slot() + 8 : last.sp();
            List<StackScan.TextWord> words = backtracer.scan()
                    .textWords(from, region.end());
            if (words.isEmpty()) {
                return;
            }
            out.println("bt: text addresses on the rest of the " + region.name() + " stack (a scan, not a trace):");
            for (StackScan.TextWord w : words.subList(0, Math.min(words.size(), MAX_SCAN_LINES))) {
                Optional<Symbol> s = symbolOf(symbols, w.value());
                out.println(String.format("  [%016x] ? %s at %016x%s", w.slot(), s.map(Symbol::name).orElse("?"),
                        w.value(), s.flatMap(Symbol::module).map(m -> " [" + m + "]").orElse("")));
            }
        }

        /** bt -e: every plausible pt_regs on the task's own stack, lowest first, as crash lists them. */
        void exceptionFrames(TaskInfo t) {
            out.println(TaskCommand.header(t));
            StackLayout stacks = backtracer.stacks(t.address(), t.cpu());
            StackRegion task = stacks.task().orElseThrow(() -> new CommandException("bt: task "
                    + Long.toHexString(t.address()) + " has no readable stack pointer"));
            for (PtRegs r : backtracer.scan().exceptionFrames(task, stacks)) {
                out.println("");
                out.println(String.format("  %s-MODE EXCEPTION FRAME AT: %016x", r.userMode() ? "USER" : "KERNEL", r.address()));
                registers(r, null);
            }
        }

        /**
         * bt -t/-T: the text addresses stored on each stack the unwind went through, from the first
         * frame (-t) or the stack's bottom (-T) up; the trace's exception frames in place.
         */
        void textSymbols(TaskInfo t, StackTrace trace) {
            out.println(TaskCommand.header(t));
            List<Frame> frames = trace.frames();
            Frame first = frames.get(0);
            out.println(String.format("              START: %s at %016x", symbolOf(symbols, nameAddress(first))
                    .map(Symbol::name).orElse(String.format("%x", first.ip())), first.ip()));
            StackLayout stacks = backtracer.stacks(t.address(), t.cpu());
            List<StackRegion> visited = new ArrayList<>();
            for (Frame f : frames) {
                if (f.stack() != null && !visited.contains(f.stack())) {
                    visited.add(f.stack());
                }
            }
            if (visited.isEmpty()) {
                stacks.task().ifPresent(visited::add);
            }
            for (int i = 0; i < visited.size(); i++) {
                StackRegion r = visited.get(i);
                if (i > 0) {
                    out.println("--- <" + visited.get(i - 1).name() + " stack> ---");
                }
                long from = r.start();
                Optional<Frame> entered = frames.stream().filter(f -> r.equals(f.stack())).findFirst();
                if (i > 0 && entered.isPresent() && entered.get().exception().isPresent()) {
                    // As in the trace: the frame entered from the other stack, at its pt_regs, then the
                    // words above them.
                    Frame f = entered.get();
                    out.println(String.format("  [%016x] %s at %016x", f.sp(), symbolOf(symbols, nameAddress(f))
                            .map(Symbol::name).orElse("?"), f.ip()));
                    registers(f.exception().get(), null);
                    from = f.sp() + PtRegs.SIZE;
                } else if (!req.has('T') || !r.isTask()) {
                    from = entered.map(f -> f.hasSlot() ? f.slot() : f.sp()).orElse(r.start());
                }
                long to = r.name().equals("IRQ") ? r.end() - 8 : r.end();
                for (StackScan.TextWord w : backtracer.scan().textWords(from, to)) {
                    Optional<Symbol> s = symbolOf(symbols, w.value());
                    out.println(String.format("  [%016x] %s at %016x%s", w.slot(),
                            s.map(Symbol::name).orElse("?"), w.value(),
                            s.flatMap(Symbol::module).map(m -> " [" + m + "]").orElse("")));
                }
            }
            Frame last = frames.get(frames.size() - 1);
            last.exception().filter(PtRegs::userMode).ifPresent(r -> registers(r, null));
        }

        private String frameLine(int level, Frame f, long shownSlot) {
            Optional<Symbol> s = symbolOf(symbols, nameAddress(f));
            String name = s.map(x -> req.has('s') ? x.name() + "+" + (f.ip() - x.address()) : x.name())
                    .orElse(String.format("%x", f.ip()));
            String module = s.flatMap(Symbol::module).map(m -> " [" + m + "]").orElse("");
            String marker = f.reliable() ? "" : "? ";
            return String.format(Locale.ROOT, "%3s [%016x] %s%s at %016x%s", "#" + level, shownSlot, marker, name, f.ip(),
                    module);
        }

        private void line(long ip) {
            try {
                call.session().sourceLine(ip).ifPresent((SourceLine l) -> out.println("    " + l.file() + ": " + l.line()));
            } catch (VmcoreException e) {
                // corrupt line data: the frame line alone stands
            }
        }

        /** crash's exception frame block; the "[exception RIP: ...]" line only for kernel mode. */
        private void registers(PtRegs r, Frame start) {
            if (r == null) {
                if (start != null) {
                    out.println(String.format("    [exception RIP: %s]", symbolic(start.ip())));
                }
                return;
            }
            long ip = r.get("ip").orElse(0);
            if (!r.userMode()) {
                out.println(String.format("    [exception RIP: %s]", symbolic(ip)));
            }
            if (!r.full()) {
                out.println(String.format("    RIP: %016x  RSP: %016x  RFLAGS: %08x", ip, r.get("sp").orElse(0),
                        r.get("flags").orElse(0)));
                out.println(String.format("    CS: %04x  SS: %04x", r.get("cs").orElse(0), r.get("ss").orElse(0)));
                return;
            }
            out.println(String.format("    RIP: %016x  RSP: %016x  RFLAGS: %08x", ip, v(r, "sp"), v(r, "flags")));
            out.println(String.format("    RAX: %016x  RBX: %016x  RCX: %016x", v(r, "ax"), v(r, "bx"), v(r, "cx")));
            out.println(String.format("    RDX: %016x  RSI: %016x  RDI: %016x", v(r, "dx"), v(r, "si"), v(r, "di")));
            out.println(String.format("    RBP: %016x   R8: %016x   R9: %016x", v(r, "bp"), v(r, "r8"), v(r, "r9")));
            out.println(String.format("    R10: %016x  R11: %016x  R12: %016x", v(r, "r10"), v(r, "r11"), v(r, "r12")));
            out.println(String.format("    R13: %016x  R14: %016x  R15: %016x", v(r, "r13"), v(r, "r14"), v(r, "r15")));
            if (r.address() == -1) {
                // A CPU note's registers: crash shows no ORIG_RAX for them.
                out.println(String.format("    CS: %04x  SS: %04x", v(r, "cs"), v(r, "ss")));
            } else {
                out.println(String.format("    ORIG_RAX: %016x  CS: %04x  SS: %04x", v(r, "orig_ax"), v(r, "cs"),
                        v(r, "ss")));
            }
        }

        private static long v(PtRegs r, String name) {
            return r.get(name).orElse(0);
        }

        private String symbolic(long ip) {
            return symbolOf(symbols, ip).map(s -> s.name() + (ip == s.address() ? "" : "+" + (ip - s.address())))
                    .orElse(String.format("%x", ip));
        }

        /**
         * bt -f: the stack words from above this frame's (shown) slot up to the next frame's slot;
         * when the next frame is on another stack, up to this stack's end (for the IRQ stack, its
         * last word holds the interrupted stack pointer, which crash leaves out).
         */
        private void words(Frame f, long shownSlot, Frame next) {
            long from = f.hasSlot() ? shownSlot + 8 : f.sp();
            long to = next.slot() + 8;
            if (f.stack() != null && !f.stack().contains(next.slot())) {
                to = f.stack().name().equals("IRQ") ? f.stack().end() - 8 : f.stack().end();
            }
            if (!next.hasSlot() || Unsigned.lessOrEqual(to, from) || to - from > 64 * 1024) {
                return;
            }
            StringBuilder line = new StringBuilder();
            for (long a = from; Unsigned.lessThan(a, to); a += 8) {
                if (((a - from) / 8) % 2 == 0) {
                    if (!line.isEmpty()) {
                        out.println(line.toString());
                    }
                    line.setLength(0);
                    line.append(String.format("    %016x: ", a));
                }
                try {
                    line.append(String.format("%016x ", mem.readLong(a)));
                } catch (VmcoreException e) {
                    line.append("???????????????? ");
                }
            }
            if (!line.isEmpty()) {
                out.println(line.toString());
            }
        }
    }

    /** The --json form. */
    private static final class BtJson {
        private final SymbolTable symbols;
        private final JsonOut j;

        BtJson(Invocation call, JsonOut j) {
            this.symbols = call.session().symbols();
            this.j = j;
        }

        void task(TaskInfo t, StackTrace trace) {
            j.beginObject().field("pid", t.pid()).hex("task", t.address()).field("cpu", t.cpu()).field("comm", t.comm());
            j.beginArray("frames");
            int level = 0;
            for (Frame f : trace.frames()) {
                j.beginObject();
                if (f.hasSlot()) {
                    j.field("level", level++).hex("sp", f.slot());
                } else {
                    j.field("level", -1).hex("sp", f.sp());
                }
                j.hex("address", f.ip());
                symbolOf(symbols, nameAddress(f)).ifPresent(s -> {
                    j.field("function", s.name()).field("offset", f.ip() - s.address());
                    s.module().ifPresent(m -> j.field("module", m));
                });
                if (f.stack() != null) {
                    j.field("stack", f.stack().name());
                }
                j.field("reliable", f.reliable());
                f.exception().ifPresent(r -> {
                    j.beginObject("exception");
                    r.values().forEach((k, v) -> j.hex(k, v));
                    j.end();
                });
                j.end();
            }
            j.end();
            trace.error().ifPresent(e -> j.field("error", e));
            j.end();
        }
    }
}
