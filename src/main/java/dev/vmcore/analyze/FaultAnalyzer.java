package dev.vmcore.analyze;

import dev.vmcore.format.x86.AttFormatter;
import dev.vmcore.format.x86.Instruction;
import dev.vmcore.format.x86.Operand;
import dev.vmcore.format.x86.X86Decoder;
import dev.vmcore.kernel.BugTable;
import dev.vmcore.kernel.Panic;
import dev.vmcore.kernel.TaskBacktrace;
import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.program.Session;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.unwind.Frame;
import dev.vmcore.unwind.PtRegs;
import dev.vmcore.unwind.KernelStacks;
import dev.vmcore.unwind.StackTrace;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;
import dev.vmcore.types.VoidType;
import dev.vmcore.types.Variable;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Classifies the panic task's fault the way the seed article teaches it by hand: take the oops's
 * registers, decode the instruction at RIP, find its memory operand and the register the address
 * came from, then read the value: NULL plus a small offset, a slab poison pattern, a list poison,
 * a non-canonical or user address, a stack guard page; a {@code ud2} is a BUG(). The kernel's own
 * header lines are quoted as evidence and cross-checked against the computed address.
 */
public final class FaultAnalyzer {
    /** An instruction is at most 15 bytes. */
    private static final int MAX_INSN = 15;
    /** How far back from RIP the function is decoded to find where the bad pointer was loaded. */
    private static final long MAX_BACKTRACK = 4096;

    private final Session session;
    private final AddressSpace mem;
    private final SymbolTable symbols;

    public FaultAnalyzer(Session session) {
        this.session = session;
        this.mem = session.kernelMemory();
        this.symbols = session.symbols();
    }

    /** The verdict for the panic task; a VmcoreException with one line when there is none to give. */
    public Verdict analyze() {
        List<String> log = DumpLog.text(session);
        Optional<OopsLines> oops = OopsLines.find(log);
        // KASAN reports from kasan_report() before the access, with no fault and no registers to read (and the
        // panic that follows may come in an interrupt, whose entry frame must not be taken for the fault's).
        Optional<KasanReport> kasan = oops.filter(o -> o.headline().contains("BUG: KASAN: ")).flatMap(o -> KasanReport.find(log));
        if (kasan.isPresent()) {
            return KasanClassifier.verdict(kasan.get(), this::sourceOf);
        }
        Tasks tasks = Tasks.read(session);
        TaskInfo task = Panic.panicTask(session, tasks.all())
                .orElseThrow(() -> new VmcoreException("analyze: no panic task (no panic_cpu, no oops task line): nothing"
                        + " to analyze"));
        StackTrace trace = new TaskBacktrace(session).of(task, true);
        // A watchdog, the OOM killer or SysRq calls panic() itself, often from an interrupt or an
        // NMI whose entry frame is on the stack too: that frame is no fault, the panic line says why.
        Optional<PanicReason.Reason> reason = PanicReason.of(log);
        boolean called = reason.filter(r -> r.kind() != FaultKind.UNKNOWN && r.kind() != FaultKind.WARNING).isPresent();
        int at = called ? -1 : oopsFrame(trace);
        if (at < 0) {
            return withoutRegisters(task, trace, reason, oops);
        }
        Frame entry = trace.frames().get(at);
        PtRegs regs = entry.exception().orElseThrow();
        long rip = regs.get("ip").orElse(0);
        List<String> evidence = new ArrayList<>();
        oops.ifPresent(o -> evidence.add("the kernel said: " + o.headline().strip()));
        Optional<Instruction> insn = decodeAt(rip);
        insn.ifPresent(i -> evidence.add("faulting instruction: " + describe(i)));
        if (insn.isEmpty()) {
            evidence.add(String.format("the instruction at %x could not be read from the dump", rip));
        }
        String location = symbolic(rip);
        Optional<String> caller = at + 1 < trace.frames().size()
                ? Optional.of(symbolic(trace.frames().get(at + 1).ip())) : Optional.empty();
        String context = context(trace, at);
        Optional<BugTable.Entry> bug = insn.filter(FaultAnalyzer::isUd2).flatMap(i -> BugTable.find(session, rip));
        Optional<String> bugAt = bug.map(BugTable.Entry::where).or(() -> oops.flatMap(OopsLines::bugAt));
        Optional<String> source = sourceLine(rip).or(() -> bugAt);

        if (insn.isPresent() && isUd2(insn.get()) || oops.flatMap(OopsLines::bugAt).isPresent()) {
            return bugVerdict(bug, oops, location, source, caller, context, evidence);
        }
        Optional<Operand.Mem> operand = insn.flatMap(FaultAnalyzer::memoryOperand);
        OptionalLong computed = operand.isPresent() ? effectiveAddress(operand.get(), regs, insn.get()) : OptionalLong.empty();
        OptionalLong reported = oops.map(OopsLines::address).orElse(OptionalLong.empty());
        OptionalLong address = computed.isPresent() ? computed : reported;
        Optional<String> register = operand.map(m -> m.base() != null && !m.base().equals("rip") ? m.base()
                : m.index()).map(r -> r.toUpperCase(Locale.ROOT));
        long pointer = operand.filter(m -> m.base() != null && !m.base().equals("rip"))
                .map(m -> value(regs, m.base()).orElse(0L)).orElse(address.orElse(0));
        if (operand.isPresent() && computed.isPresent()) {
            Operand.Mem m = operand.get();
            evidence.add(String.format("its memory operand %s computes %s", operandText(m, regs), hex(computed.getAsLong())));
            if (reported.isPresent() && reported.getAsLong() == computed.getAsLong()) {
                evidence.add("which is the address the kernel reported");
            }
            Optional<FunctionCode> code = codeBefore(rip);
            code.flatMap(c -> loadOf(c, m)).ifPresent(evidence::add);
            Optional<AccessPath.Value> access = code.flatMap(c -> accessOf(c, m));
            access.ifPresent(v -> evidence.add(String.format("in C, the faulting access is `%s` (%s), traced from the"
                    + " arguments of %s", v.expression(), TypeNames.name(v.type()), code.get().function().name())));
            access.flatMap(v -> passedBy(code.get(), v, trace, at)).ifPresent(evidence::add);
        }
        oops.flatMap(OopsLines::access).ifPresent(a -> evidence.add("#PF: " + a
                + oops.flatMap(OopsLines::errorCode).map(e -> ", " + e).orElse("")));
        long stackStart = new KernelStacks(session).taskStack(task.address()).map(r -> r.start()).orElse(0L);
        FaultClassifier.Classified c = FaultClassifier.classify(new FaultClassifier.Facts(address, pointer, rip,
                oops.map(OopsLines::lines).orElse(List.of()), stackStart, session.paging().fiveLevel()));
        evidence.addAll(c.evidence());
        if (location.startsWith("sysrq_handle_crash+")) {
            // Before 6.x SysRq-c crashed by writing through NULL; the fault is the request, not a bug.
            evidence.add("sysrq_handle_crash is SysRq-c (echo c > /proc/sysrq-trigger): a crash requested on purpose");
            return new Verdict(FaultKind.DELIBERATE_CRASH, "the machine was crashed on purpose with SysRq-c: nothing failed",
                    location, source, caller, context, address, register, evidence);
        }
        String summary = location + " " + c.what();
        return new Verdict(c.kind(), summary, location, source, caller, context, address, register, evidence);
    }

    /**
     * A ud2 trap: the bug table names its site (what the kernel printed, read from the dump, not
     * the log) and says whether it is a BUG() or a WARN() that panic_on_warn made fatal.
     */
    private static Verdict bugVerdict(Optional<BugTable.Entry> bug, Optional<OopsLines> oops, String location,
                                      Optional<String> source, Optional<String> caller, String context,
                                      List<String> evidence) {
        Optional<String> logged = oops.flatMap(OopsLines::bugAt);
        bug.ifPresent(b -> evidence.add("the kernel's bug table has this ud2 as a " + (b.warning() ? "WARN()" : "BUG()")
                + " at " + b.where() + logged.filter(b.where()::equals).map(l -> ", as the log says").orElse("")));
        if (bug.isEmpty()) {
            logged.ifPresent(b -> evidence.add("the BUG() is at " + b + " (from the log; no bug table entry for this address)"));
        }
        Optional<String> at = bug.map(BugTable.Entry::where).or(() -> logged);
        if (bug.isPresent() && bug.get().warning()) {
            return new Verdict(FaultKind.WARNING, "a WARN() fired in " + location + " (" + bug.get().where()
                    + ") and panic_on_warn made it fatal", location, source, caller, context, OptionalLong.empty(),
                    Optional.empty(), evidence);
        }
        return new Verdict(FaultKind.BUG, "a BUG()/BUG_ON() assertion failed in " + location
                + at.map(b -> " (" + b + ")").orElse("")
                + ": the code checked a condition it treats as impossible and stopped the kernel",
                location, source, caller, context, OptionalLong.empty(), Optional.empty(), evidence);
    }

    /**
     * A panic with no CPU exception behind it: panic() was called, by a watchdog, the OOM killer,
     * SysRq or the code itself. The log's panic line and the report before it say why; the panic
     * task's trace says who called panic().
     */
    private Verdict withoutRegisters(TaskInfo task, StackTrace trace, Optional<PanicReason.Reason> reason,
                                     Optional<OopsLines> oops) {
        List<String> evidence = new ArrayList<>();
        reason.ifPresentOrElse(r -> evidence.addAll(r.evidence()),
                () -> oops.ifPresent(o -> evidence.add("the kernel said: " + o.headline().strip())));
        evidence.add("no exception frame on the panic task's stack: panic() was called, not reached from a CPU fault");
        Optional<String> caller = panicCaller(trace);
        caller.ifPresent(c -> evidence.add("panic() was called from " + c));
        String context = "task " + task.pid() + " \"" + task.comm() + "\"";
        return new Verdict(reason.map(PanicReason.Reason::kind).orElse(FaultKind.UNKNOWN),
                reason.map(PanicReason.Reason::what).orElse("panic without a CPU exception and without a panic line in the log"),
                caller.orElse(""), Optional.empty(), Optional.empty(), context, OptionalLong.empty(), Optional.empty(),
                evidence);
    }

    /** The first frame below panic()/vpanic() on the panic task's trace. */
    private Optional<String> panicCaller(StackTrace trace) {
        List<Frame> frames = trace.frames();
        for (int i = 0; i + 1 < frames.size(); i++) {
            Optional<String> name = symbols.containing(frames.get(i).ip()).map(Symbol::name);
            if (name.filter(n -> n.equals("panic") || n.equals("vpanic")).isPresent()) {
                Frame below = frames.get(i + 1);
                Optional<String> next = symbols.containing(below.ip()).map(Symbol::name);
                if (next.filter(n -> !n.equals("panic") && !n.equals("vpanic")).isPresent()) {
                    return Optional.of(symbolic(below.ip()));
                }
            }
        }
        return Optional.empty();
    }

    /** The frame holding the oops's registers: the first kernel-mode exception frame of the trace. */
    private static int oopsFrame(StackTrace trace) {
        for (int i = 0; i < trace.frames().size(); i++) {
            Optional<PtRegs> r = trace.frames().get(i).exception();
            if (r.isPresent() && r.get().full() && !r.get().userMode() && trace.frames().get(i).hasSlot()) {
                return i;
            }
        }
        return -1;
    }

    private String context(StackTrace trace, int at) {
        Frame f = trace.frames().get(at);
        List<String> below = trace.frames().subList(at, trace.frames().size()).stream()
                .map(x -> symbols.containing(x.hasSlot() ? x.ip() - 1 : x.ip()).map(Symbol::name).orElse("")).toList();
        boolean softirq = below.stream().anyMatch(n -> n.equals("handle_softirqs") || n.equals("__do_softirq"));
        boolean timer = below.stream().anyMatch(n -> n.equals("call_timer_fn"));
        String stack = f.stack() == null ? "an unknown stack" : f.stack().isTask() ? "the task's stack" : "the " + f.stack().name() + " stack";
        if (softirq) {
            return "softirq" + (timer ? " (a timer callback)" : "") + " on " + stack + ": no process context, must not sleep";
        }
        if (f.stack() != null && !f.stack().isTask()) {
            return "interrupt context on " + stack;
        }
        return "process context";
    }

    private Optional<Instruction> decodeAt(long address) {
        try {
            byte[] b = mem.readBytes(address, MAX_INSN);
            Instruction i = X86Decoder.decode(b, 0, address);
            return i.isBad() ? Optional.empty() : Optional.of(i);
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    private static boolean isUd2(Instruction i) {
        return i.mnemonic().equals("ud2");
    }

    /** The instruction's memory operand that addresses data (not rip-relative, not lea's). */
    static Optional<Operand.Mem> memoryOperand(Instruction i) {
        if (i.mnemonic().startsWith("lea") || i.mnemonic().startsWith("nop")) {
            return Optional.empty();
        }
        return i.operands().stream().filter(o -> o instanceof Operand.Mem).map(o -> (Operand.Mem) o)
                .filter(m -> m.base() != null && !m.base().equals("rip") || m.index() != null).findFirst();
    }

    private static OptionalLong effectiveAddress(Operand.Mem m, PtRegs regs, Instruction i) {
        long a = m.displacement();
        if (m.base() != null) {
            Optional<Long> b = value(regs, m.base());
            if (b.isEmpty()) {
                return OptionalLong.empty();
            }
            a += b.get();
        }
        if (m.index() != null) {
            Optional<Long> x = value(regs, m.index());
            if (x.isEmpty()) {
                return OptionalLong.empty();
            }
            a += x.get() * m.scale();
        }
        return OptionalLong.of(a);
    }

    /** A 64- or 32-bit general register's value from pt_regs ("rdi" -> di, "r8d" -> r8's low half). */
    static Optional<Long> value(PtRegs regs, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        boolean low32 = n.startsWith("e") || n.matches("r\\d+d");
        String key;
        if (n.matches("r\\d+d?")) {
            key = n.replaceAll("d$", "");
        } else {
            key = n.substring(1);
        }
        OptionalLong v = regs.get(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(low32 ? v.getAsLong() & 0xffffffffL : v.getAsLong());
    }

    private String operandText(Operand.Mem m, PtRegs regs) {
        StringBuilder b = new StringBuilder();
        if (m.displacement() != 0) {
            b.append(m.displacement() < 0 ? "-" : "").append("0x").append(Long.toHexString(Math.abs(m.displacement())));
        }
        b.append("(");
        if (m.base() != null) {
            b.append("%").append(m.base());
        }
        if (m.index() != null) {
            b.append(",%").append(m.index()).append(",").append(m.scale());
        }
        b.append(")");
        List<String> values = new ArrayList<>();
        if (m.base() != null) {
            value(regs, m.base()).ifPresent(v -> values.add(m.base().toUpperCase(Locale.ROOT) + " = " + hex(v)));
        }
        if (m.index() != null) {
            value(regs, m.index()).ifPresent(v -> values.add(m.index().toUpperCase(Locale.ROOT) + " = " + hex(v)));
        }
        return b + (values.isEmpty() ? "" : " with " + String.join(", ", values));
    }

    /** A function's instructions from its start up to, not including, the faulting one. */
    private record FunctionCode(Symbol function, List<Instruction> before) {
    }

    /** The function holding {@code rip}, decoded linearly from its start; empty when it cannot be. */
    private Optional<FunctionCode> codeBefore(long rip) {
        Optional<Symbol> fn = symbols.containing(rip);
        if (fn.isEmpty() || rip - fn.get().address() > MAX_BACKTRACK) {
            return Optional.empty();
        }
        long start = fn.get().address();
        byte[] code;
        try {
            code = mem.readBytes(start, (int) (rip - start));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
        List<Instruction> insns = new ArrayList<>();
        int off = 0;
        while (off < code.length) {
            Instruction i = X86Decoder.decode(code, off, start + off);
            if (i.isBad()) {
                return Optional.empty();
            }
            insns.add(i);
            off += i.length();
        }
        return Optional.of(new FunctionCode(fn.get(), insns));
    }

    /**
     * Where the bad pointer came from: the last instruction before RIP in the same function that
     * loaded the operand's base register from memory.
     */
    private Optional<String> loadOf(FunctionCode code, Operand.Mem m) {
        if (m.base() == null || m.base().equals("rip")) {
            return Optional.empty();
        }
        List<Instruction> insns = code.before();
        int last = -1;
        for (int k = 0; k < insns.size(); k++) {
            if (writes(insns.get(k), m.base())) {
                last = k;
            }
        }
        if (last < 0 || memoryOperand(insns.get(last)).isEmpty() || !insns.get(last).mnemonic().startsWith("mov")) {
            return Optional.empty();
        }
        Operand.Mem from = memoryOperand(insns.get(last)).get();
        String object = from.base() == null ? "?" : from.base().toUpperCase(Locale.ROOT);
        String text = String.format("%s was loaded by %s: the pointer came from offset 0x%x of the object %s points to",
                m.base().toUpperCase(Locale.ROOT), describe(insns.get(last)), from.displacement(), object);
        int argument = AccessPath.ARGUMENT_REGISTERS.indexOf(from.base());
        boolean untouched = argument >= 0 && insns.subList(0, last).stream().noneMatch(i -> writes(i, from.base()));
        if (untouched) {
            text += memberOfArgument(code.function(), argument, from.displacement())
                    .map(d -> "; " + object + " is " + d).orElse("");
        }
        return Optional.of(text);
    }

    /**
     * The faulting access as C ({@code obj->target->value}), by carrying the argument types of the
     * function's prototype through its code up to the fault; empty without a prototype.
     */
    private Optional<AccessPath.Value> accessOf(FunctionCode code, Operand.Mem m) {
        Optional<FunctionType> proto = prototype(code.function());
        if (proto.isEmpty()) {
            return Optional.empty();
        }
        try {
            return AccessPath.lvalue(m, AccessPath.registersAfter(code.before(), proto.get(), this::global));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /**
     * How the caller passed the argument the faulting access starts from: its code up to the call,
     * read as {@link #accessOf} reads the faulting function's ("passed by oops_null_poke as
     * {@code bad_ptr}"). Empty when the access does not start from an argument, or the caller's
     * argument register cannot be traced.
     */
    private Optional<String> passedBy(FunctionCode code, AccessPath.Value access, StackTrace trace, int at) {
        Optional<FunctionType> proto = prototype(code.function());
        String root = AccessPath.root(access.expression());
        int argument = -1;
        for (int i = 0; proto.isPresent() && i < proto.get().params().size(); i++) {
            if (root.equals(proto.get().params().get(i).name())) {
                argument = i;
            }
        }
        if (argument < 0 || argument >= AccessPath.ARGUMENT_REGISTERS.size() || at + 1 >= trace.frames().size()) {
            return Optional.empty();
        }
        long returnAddress = trace.frames().get(at + 1).ip();
        Optional<FunctionCode> caller = codeBefore(returnAddress);
        // Only a direct call of the faulting function: after a tail call (jmp) the frame below is
        // the caller's caller, whose last call went elsewhere.
        if (caller.isEmpty() || caller.get().before().isEmpty()
                || !caller.get().before().getLast().mnemonic().startsWith("call")
                || !caller.get().before().getLast().branchTarget().equals(Optional.of(code.function().address()))) {
            return Optional.empty();
        }
        List<Instruction> upToCall = caller.get().before().subList(0, caller.get().before().size() - 1);
        FunctionType callerProto = prototype(caller.get().function())
                .orElse(new FunctionType(VoidType.INSTANCE, List.of(), false));
        String register = AccessPath.ARGUMENT_REGISTERS.get(argument);
        int n = argument + 1;
        try {
            return Optional.ofNullable(AccessPath.registersAfter(upToCall, callerProto, this::global).get(register))
                    .filter(v -> !v.expression().equals(root))
                    .map(v -> String.format("`%s` (argument %d) was passed by %s as `%s`", root, n,
                            caller.get().function().name(), v.expression()));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /**
     * The global variable (or member of one) at {@code address}, as a C lvalue with its type, when
     * the types describe a variable of the symbol's name there; for a RIP-relative load or lea.
     */
    private Optional<AccessPath.Value> global(long address) {
        // Kernel and module data are in the top half; low "addresses" are constants or per-CPU offsets.
        Optional<Symbol> sym = address < 0 ? symbols.containing(address).filter(s -> !s.isText()) : Optional.empty();
        if (sym.isEmpty()) {
            return Optional.empty();
        }
        long offset = address - sym.get().address();
        try {
            Optional<Variable> v = session.findVariable(sym.get());
            if (v.isEmpty() || Types.strip(v.get().type()) instanceof FunctionType) {
                return Optional.empty();
            }
            return within(sym.get().name(), v.get().type(), offset);
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /** The lvalue {@code offset} bytes into a variable: itself, a member, an element, or a member of an element. */
    private static Optional<AccessPath.Value> within(String name, Type type, long offset) {
        if (offset == 0) {
            return Optional.of(new AccessPath.Value(name, type));
        }
        if (Types.strip(type) instanceof ArrayType array) {
            long size = Types.sizeof(array.element());
            if (size <= 0 || offset / size >= array.length() && !array.flexible()) {
                return Optional.empty();
            }
            return within(name + "[" + offset / size + "]", array.element(), offset % size);
        }
        return Types.asStruct(type).flatMap(t -> AccessPath.member(t, offset))
                .map(x -> new AccessPath.Value(name + "." + x.path(), x.type()));
    }

    private Optional<FunctionType> prototype(Symbol function) {
        try {
            return session.findVariable(function).map(v -> Types.strip(v.type()))
                    .filter(t -> t instanceof FunctionType).map(t -> (FunctionType) t);
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /**
     * "argument 1 of fn, {@code struct oops_record *rec}, and offset 0x8 is its member {@code next}",
     * from the function's prototype in the types (BTF FUNC records, or DWARF), when they have it.
     */
    private Optional<String> memberOfArgument(Symbol function, int argument, long offset) {
        Optional<FunctionType> proto = prototype(function);
        if (proto.isEmpty() || argument >= proto.get().params().size()) {
            return Optional.empty();
        }
        try {
            FunctionType.Param p = proto.get().params().get(argument);
            String declared = TypeNames.declaration(p.type(), p.name() == null ? "" : p.name()).strip();
            String head = String.format("argument %d of %s, `%s`", argument + 1, function.name(), declared);
            if (!(Types.strip(p.type()) instanceof PointerType ptr)) {
                return Optional.of(head);
            }
            Optional<AccessPath.MemberAt> member = Types.asStruct(ptr.target()).flatMap(t -> AccessPath.member(t, offset));
            return Optional.of(head + member.map(x -> String.format(", and offset 0x%x is its member `%s` (%s)", offset,
                    x.path(), x.declaration())).orElse(""));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code i} writes register {@code reg} as its destination (AT&T order: the last operand). */
    private static boolean writes(Instruction i, String reg) {
        if (i.operands().isEmpty()) {
            return false;
        }
        Operand dest = i.operands().get(i.operands().size() - 1);
        return dest instanceof Operand.Reg r && r.name().equals(reg);
    }

    private String describe(Instruction i) {
        return String.format("%x <%s>: %s", i.address(), symbolic(i.address()),
                AttFormatter.format(i, a -> symbols.containing(a).map(s -> s.name() + (a == s.address() ? "" : "+0x" + Long.toHexString(a - s.address())))));
    }

    /**
     * The source line of a frame the log printed as {@code func+off [mod]}, from the dump's symbols. The
     * offset is a return address (KASAN's too: the return from __asan_loadN), so the call is a byte before.
     */
    private Optional<String> sourceOf(OopsLine.FrameRef f) {
        return symbols.findAll(f.function()).stream().filter(s -> s.isText() && s.module().equals(f.module()))
                .findFirst().flatMap(s -> sourceLine(s.address() + f.offset() - (f.offset() > 0 ? 1 : 0)));
    }

    private Optional<String> sourceLine(long address) {
        try {
            return session.sourceLine(address).map(l -> l.file() + ": " + l.line());
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    private String symbolic(long address) {
        return symbols.containing(address).filter(Symbol::isText)
                .map(s -> s.name() + (address == s.address() ? "" : "+0x" + Long.toHexString(address - s.address()))
                        + s.module().map(m -> " [" + m + "]").orElse(""))
                .orElse(hex(address));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
