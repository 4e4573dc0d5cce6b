package dev.vmcore.analyze;

import dev.vmcore.format.x86.Instruction;
import dev.vmcore.format.x86.Operand;
import dev.vmcore.types.ArrayType;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Types;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The faulting access as C: which expression over the function's arguments each general register
 * holds at the fault ({@code obj->target}), so that the memory operand reads as
 * {@code obj->target->value}. The function's prototype (BTF or DWARF) types the argument registers;
 * the decoded instructions from the function's start to the fault carry those types through
 * register copies, member loads ({@code mov 0x8(%rdi),%rax}) and member addresses ({@code lea}).
 *
 * <p>Without DWARF variable locations this is a straight-line reading of the code: any other write
 * to a register, or a call, forgets what it held. Branches are not followed, so on code with
 * several paths to the fault the expression is the one of the last writes in address order.
 */
final class AccessPath {
    /** System V AMD64: the registers of the first six integer arguments. */
    static final List<String> ARGUMENT_REGISTERS = List.of("rdi", "rsi", "rdx", "rcx", "r8", "r9");
    /** The registers a call may change (System V AMD64 caller-saved). */
    private static final List<String> CALL_CLOBBERED = List.of("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
    /** Instructions that only read their register operands. */
    private static final Set<String> READ_ONLY = Set.of("cmp", "cmpb", "cmpw", "cmpl", "cmpq", "test", "testb", "testw",
            "testl", "testq", "bt", "btl", "btq", "push", "pushq", "prefetcht0", "prefetchw", "nop", "nopl", "nopw");
    /** Instructions that write rax, rcx, rdx, rsi or rdi without naming them as their destination. */
    private static final List<String> IMPLICIT_WRITERS = List.of("rep", "mul", "imul", "div", "idiv", "cmpxchg", "stos",
            "movs", "lods", "scas", "cmps", "rdmsr", "rdtsc", "cpuid", "cltq", "cqto", "cltd", "cwtl", "syscall");
    /** 32-, 16- and 8-bit names of the 64-bit registers, for aliasing writes. */
    private static final Map<String, String> ALIASES = aliases();
    /** How deep member descent and expressions go. */
    private static final int MAX_DEPTH = 8;

    /** A register's content: a C expression and its type. */
    record Value(String expression, Type type) {
    }

    private AccessPath() {
    }

    /**
     * What each 64-bit register holds after {@code code} (the function's instructions from its
     * start up to, not including, the fault), starting from the argument registers typed by
     * {@code prototype}.
     */
    static Map<String, Value> registersAfter(List<Instruction> code, FunctionType prototype) {
        return registersAfter(code, prototype, address -> Optional.empty());
    }

    /**
     * {@link #registersAfter(List, FunctionType)}, also following loads from global variables:
     * {@code globals} names the variable (or its member) a RIP-relative operand addresses, with its type.
     */
    static Map<String, Value> registersAfter(List<Instruction> code, FunctionType prototype,
                                             LongFunction<Optional<Value>> globals) {
        Map<String, Value> regs = new HashMap<>();
        for (int i = 0; i < prototype.params().size() && i < ARGUMENT_REGISTERS.size(); i++) {
            FunctionType.Param p = prototype.params().get(i);
            if (p.name() != null && !p.name().isEmpty()) {
                regs.put(ARGUMENT_REGISTERS.get(i), new Value(p.name(), p.type()));
            }
        }
        for (Instruction insn : code) {
            step(insn, regs, globals);
        }
        return regs;
    }

    private static void step(Instruction insn, Map<String, Value> regs, LongFunction<Optional<Value>> globals) {
        String op = insn.mnemonic();
        List<Operand> ops = insn.operands();
        if (op.startsWith("call")) {
            CALL_CLOBBERED.forEach(regs::remove);
            return;
        }
        if (READ_ONLY.contains(op) || op.startsWith("j") || op.startsWith("ret")) {
            return;
        }
        if ((op.equals("mov") || op.equals("movq")) && ops.size() == 2
                && ops.get(1) instanceof Operand.Reg dst && dst.name().startsWith("r") && ALIASES.get(dst.name()) != null
                && ALIASES.get(dst.name()).equals(dst.name())) {
            Optional<Value> v = switch (ops.get(0)) {
                case Operand.Reg src -> Optional.ofNullable(regs.get(src.name()));
                case Operand.Mem m when m.isRipRelative() && m.segment() == null -> insn.ripTarget().flatMap(globals::apply)
                        .filter(g -> Types.sizeof(g.type()) == 8);
                case Operand.Mem m -> load(m, regs);
                // Module data lies in the top 2 GB, where a sign-extended 32-bit immediate reaches it.
                case Operand.Imm i when i.value() < 0 -> globals.apply(i.value())
                        .map(g -> new Value("&" + g.expression(), PointerType.to(g.type(), 8)));
                default -> Optional.empty();
            };
            set(regs, dst.name(), v);
            return;
        }
        if ((op.equals("lea") || op.equals("leaq")) && ops.size() == 2 && ops.get(0) instanceof Operand.Mem m
                && ops.get(1) instanceof Operand.Reg dst && dst.name().equals(ALIASES.get(dst.name()))) {
            set(regs, dst.name(), m.isRipRelative() && m.segment() == null
                    ? insn.ripTarget().flatMap(globals::apply).map(v -> new Value("&" + v.expression(), PointerType.to(v.type(), 8)))
                    : addressOf(m, regs));
            return;
        }
        // Anything else writes its destination (the last operand); exchanges write both, and
        // string, multiply, divide and sign-extend instructions registers they do not name.
        if (!ops.isEmpty() && ops.get(ops.size() - 1) instanceof Operand.Reg r && ALIASES.containsKey(r.name())) {
            regs.remove(ALIASES.get(r.name()));
        }
        if (op.startsWith("xchg") || op.startsWith("xadd")) {
            ops.stream().filter(o -> o instanceof Operand.Reg r && ALIASES.containsKey(r.name()))
                    .forEach(o -> regs.remove(ALIASES.get(((Operand.Reg) o).name())));
        }
        if (IMPLICIT_WRITERS.stream().anyMatch(op::startsWith)) {
            List.of("rax", "rcx", "rdx", "rsi", "rdi").forEach(regs::remove);
        }
    }

    private static void set(Map<String, Value> regs, String reg, Optional<Value> v) {
        if (v.isPresent()) {
            regs.put(reg, v.get());
        } else {
            regs.remove(reg);
        }
    }

    /** The value {@code mov disp(%base),%reg} loads: a pointer-sized member of what base points to. */
    private static Optional<Value> load(Operand.Mem m, Map<String, Value> regs) {
        return lvalue(m, regs).filter(v -> Types.sizeof(v.type()) == 8);
    }

    /** The value {@code lea disp(%base),%reg} computes: the address of a member of what base points to. */
    private static Optional<Value> addressOf(Operand.Mem m, Map<String, Value> regs) {
        if (m.index() != null || m.base() == null || !regs.containsKey(m.base())) {
            return Optional.empty();
        }
        if (m.displacement() == 0) {
            return Optional.of(regs.get(m.base()));
        }
        Optional<Value> base = Optional.ofNullable(regs.get(m.base()));
        // The outermost member starting there: &item->node, not &item->node.next, though both are the same address.
        return base.filter(b -> Types.strip(b.type()) instanceof PointerType)
                .flatMap(b -> Types.asStruct(((PointerType) Types.strip(b.type())).target())
                        .flatMap(s -> member(s, m.displacement(), false))
                        .map(p -> new Value("&" + (b.expression().startsWith("&") ? b.expression().substring(1) + "."
                                : parenthesised(b.expression()) + "->") + p.path(), PointerType.to(p.type(), 8))));
    }

    /**
     * The memory operand as a C lvalue over the tracked registers: {@code base->member.member},
     * {@code *p} or {@code p[k]}; empty when the base register's content is unknown, or the
     * displacement is not the start of a member.
     */
    static Optional<Value> lvalue(Operand.Mem m, Map<String, Value> regs) {
        if (m.index() != null || m.base() == null) {
            return Optional.empty();
        }
        Value base = regs.get(m.base());
        if (base == null || !(Types.strip(base.type()) instanceof PointerType ptr)) {
            return Optional.empty();
        }
        Type target = ptr.target();
        Optional<StructType> struct = Types.asStruct(target);
        String e = base.expression();
        // (&x)->m is x.m, and *&x is x: keep the expression as a reader would write it.
        boolean addressOf = e.startsWith("&");
        if (struct.isPresent()) {
            return member(struct.get(), m.displacement()).map(p -> new Value(
                    (addressOf ? e.substring(1) + "." : parenthesised(e) + "->") + p.path(), p.type()));
        }
        long size = Types.sizeof(target);
        if (size <= 0 || m.displacement() % size != 0) {
            return Optional.empty();
        }
        long k = m.displacement() / size;
        if (k == 0) {
            return Optional.of(new Value(addressOf ? e.substring(1) : "*" + parenthesised(e), target));
        }
        return Optional.of(new Value(parenthesised(e) + "[" + k + "]", target));
    }

    /** A member path ({@code node.next}) at an offset, and the innermost member's type. */
    record MemberAt(String path, Type type) {
        /** The innermost member's declaration ("struct list_head *next"). */
        String declaration() {
            int dot = path.lastIndexOf('.');
            return TypeNames.declaration(type, path.substring(dot + 1)).strip();
        }
    }

    /**
     * The member at {@code offset} of {@code s}, descending into nested structs to the innermost
     * one that starts there ("node.next"); empty when the offset is inside a member, not at its start.
     */
    static Optional<MemberAt> member(StructType s, long offset) {
        return member(s, offset, true);
    }

    /** {@link #member(StructType, long)}, stopping at the outermost member that starts there unless {@code innermost}. */
    private static Optional<MemberAt> member(StructType s, long offset, boolean innermost) {
        StringBuilder path = new StringBuilder();
        StructType current = s;
        long rest = offset;
        Types.Located found = null;
        for (int depth = 0; depth < MAX_DEPTH && current != null; depth++) {
            long r = rest;
            Optional<Types.Located> m = Types.flatMembers(current).stream()
                    .filter(x -> x.offset() <= r && r < x.offset() + Math.max(1, Types.sizeof(x.member().type()))).findFirst();
            if (m.isEmpty()) {
                break;
            }
            found = m.get();
            path.append(path.isEmpty() ? "" : ".").append(found.member().name());
            rest -= found.offset();
            Type t = Types.strip(found.member().type());
            current = t instanceof ArrayType || rest == 0 && !innermost ? null : Types.asStruct(t).orElse(null);
        }
        if (found == null || rest != 0) {
            return Optional.empty();
        }
        return Optional.of(new MemberAt(path.toString(), found.member().type()));
    }

    /** The variable an expression starts from: {@code obj} of {@code obj->target->value}, {@code p} of {@code *p}. */
    static String root(String expression) {
        int start = 0;
        while (start < expression.length() && "*&(".indexOf(expression.charAt(start)) >= 0) {
            start++;
        }
        int end = start;
        while (end < expression.length() && (Character.isLetterOrDigit(expression.charAt(end)) || expression.charAt(end) == '_')) {
            end++;
        }
        return expression.substring(start, end);
    }

    /** An expression used as a pointer operand: parenthesised when it is not a plain postfix expression. */
    private static String parenthesised(String e) {
        return e.startsWith("*") || e.startsWith("&") ? "(" + e + ")" : e;
    }

    private static Map<String, String> aliases() {
        String[][] legacy = {{"rax", "eax", "ax", "al", "ah"}, {"rcx", "ecx", "cx", "cl", "ch"}, {"rdx", "edx", "dx", "dl", "dh"},
            {"rbx", "ebx", "bx", "bl", "bh"}, {"rsp", "esp", "sp", "spl"}, {"rbp", "ebp", "bp", "bpl"},
            {"rsi", "esi", "si", "sil"}, {"rdi", "edi", "di", "dil"}};
        Map<String, String> m = new HashMap<>();
        for (String[] names : legacy) {
            for (String n : names) {
                m.put(n, names[0]);
            }
        }
        for (int r = 8; r < 16; r++) {
            for (String suffix : List.of("", "d", "w", "b")) {
                m.put("r" + r + suffix, "r" + r);
            }
        }
        return Map.copyOf(m);
    }
}
