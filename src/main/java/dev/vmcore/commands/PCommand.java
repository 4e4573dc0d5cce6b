package dev.vmcore.commands;

import dev.vmcore.util.Similar;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.program.Session;
import dev.vmcore.program.Value;
import dev.vmcore.program.expr.Evaluator;
import dev.vmcore.program.expr.ExpressionException;
import dev.vmcore.program.expr.PerCpu;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.Variable;
import dev.vmcore.types.VoidType;
import dev.vmcore.util.Lazy;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * p: print the value of an expression as crash does (crash hands it to gdb's print): "$N = VALUE"
 * with gdb's formatting and crash's settings, "NAME = $N = ..." when the expression starts with a
 * symbol, per-CPU variables by crash's NAME:CPU. p/x, p/d and p/u are gdb's print formats; p -x
 * and p -d are crash's output radix. The value history ($N) lives as long as this command object,
 * which the registry of one session holds.
 */
final class PCommand implements Command {
    /** History values kept at most; later ones are printed but not numbered further back than this. */
    private static final int MAX_HISTORY = 100_000;

    private final List<Value> history = new ArrayList<>();

    @Override
    public String name() {
        return "p";
    }

    @Override
    public List<String> aliases() {
        return List.of("print", "p/x", "p/d", "p/u", "print/x", "print/d", "print/u");
    }

    @Override
    public String summary() {
        return "print the value of an expression";
    }

    @Override
    public String help() {
        return """
                NAME
                  p - print the value of an expression

                SYNOPSIS
                  p [-x|-d] EXPRESSION
                  p/x EXPRESSION   p/d EXPRESSION   p/u EXPRESSION
                  p SYMBOL[:CPUSPEC]

                DESCRIPTION
                  Evaluates a C expression over the kernel's variables and prints its value as
                  crash (gdb) does, numbered in the value history: $1 = ..., or NAME = $1 = ...
                  when the expression starts with a symbol.
                    globals         init_task, jiffies, nr_cpu_ids (types from BTF or DWARF)
                    members         init_task.comm, ptr->member, a.b.c
                    pointers        *ptr, &var, ptr[i], ptr + n (scaled by the target's size)
                    casts           (struct list_head *)0xffff888012345678, (unsigned long)x
                    arithmetic      + - * / % << >> & | ^ ~ ! == != < > <= >= && ||, sizeof
                    constants       42, 0x1f, 017, 'a'
                    history         $ (last), $N, $$ (one before), $$N
                    per-CPU         NAME:CPU anywhere in an expression (runqueues:1.nr_running)
                  A per-CPU variable alone shows its type and each CPU's address; with :CPUSPEC
                  (a CPU, a list 0,2-3, or "a" for all) each CPU's value.
                    -x  integers in hexadecimal (crash's radix: symbols, strings, enum names kept)
                    -d  integers in decimal
                  p/x, p/d, p/u apply gdb's print format to every scalar: bare numbers, no
                  symbols or strings.
                  With BTF alone only per-CPU variables and functions have types; give the
                  vmlinux (DWARF) for the other globals, or cast: p (unsigned long)jiffies.
                """;
    }

    @Override
    public void run(Invocation call) {
        ValueFormatter.Radix format = formatOf(call.name());
        ValueFormatter.Radix radix = format;
        List<String> words = new ArrayList<>();
        String flag = null;
        for (String a : call.args()) {
            if (a.equals("-x") || a.equals("-h") || a.equals("-d")) {
                String f = a.equals("-d") ? "-d" : "-x";
                if (flag != null && !flag.equals(f)) {
                    throw new CommandException("p: -d and -x are mutually exclusive");
                }
                if (format != ValueFormatter.Radix.DEFAULT) {
                    throw new CommandException("p: " + a + " does not go with " + call.name() + " (use one of them)");
                }
                flag = f;
                radix = f.equals("-d") ? ValueFormatter.Radix.DECIMAL : ValueFormatter.Radix.HEX;
            } else if (a.equals("-u")) {
                throw new CommandException("p: -u (user virtual addresses) is not supported");
            } else {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            throw new CommandException("p: usage: p [-x|-d] EXPRESSION | p/x EXPRESSION | p SYMBOL[:CPUSPEC]");
        }
        String expression = String.join(" ", words);
        try {
            print(call, words, radix, format != ValueFormatter.Radix.DEFAULT);
        } catch (ExpressionException e) {
            throw new CommandException(explain(call, expression, e));
        } catch (MemoryFault f) {
            throw new CommandException(String.format(Locale.ROOT, "p: cannot access %s memory at 0x%x: %s", f.space(),
                    f.address(), f.problem()));
        }
    }

    private static ValueFormatter.Radix formatOf(String invokedAs) {
        int slash = invokedAs.indexOf('/');
        if (slash < 0) {
            return ValueFormatter.Radix.DEFAULT;
        }
        return switch (invokedAs.substring(slash + 1)) {
            case "x" -> ValueFormatter.Radix.FORMAT_HEX;
            case "d" -> ValueFormatter.Radix.FORMAT_DECIMAL;
            case "u" -> ValueFormatter.Radix.FORMAT_UNSIGNED;
            default -> throw new CommandException("p: unsupported print format: " + invokedAs);
        };
    }

    /** What gdb is asked to print, and what crash puts around it. */
    private record Request(String expression, String leader, String warning) {
    }

    /** crash's cmd_p: a per-CPU symbol alone is shown per CPU; otherwise gdb prints, with a leader when the text starts with a symbol. */
    private void print(Invocation call, List<String> words, ValueFormatter.Radix radix, boolean gdbFormat) {
        Session session = call.session();
        SymbolTable symbols = session.symbols();
        Lazy<Optional<PerCpu>> perCpu = Lazy.of(() -> PerCpu.of(session));
        ExpressionPrinter printer = new ExpressionPrinter(session.kernelMemory(), Addresses.symbolsIfAny(call), radix);
        Request request = gdbFormat ? new Request(String.join(" ", words), null, null)
                : crashRules(call, printer, symbols, perCpu, words);
        if (request == null) {
            return;
        }
        Evaluator evaluator = new Evaluator(session.types(), symbols, session.kernelMemory(), perCpu, history);
        Value v = evaluator.evaluate(request.expression());
        String shown = printer.text(v);
        int n = remember(v);
        Printer out = call.out();
        if (out.isJson()) {
            JsonOut j = out.json().field("expression", request.expression()).field("history", n)
                    .field("type", TypeNames.name(v.type()));
            if (request.leader() != null) {
                j.field("symbol", request.leader());
            }
            if (request.warning() != null) {
                j.field("warning", request.warning());
            }
            if (v.isLvalue()) {
                j.hex("address", v.address());
            }
            printer.json(j, v);
            return;
        }
        if (request.warning() != null) {
            out.println(request.warning());
        }
        ExpressionPrinter.lines(request.leader(), "$" + n + " = " + shown).forEach(out::println);
    }

    /**
     * crash's reading of the first word: SYMBOL[:CPUSPEC] of a per-CPU variable alone is shown here
     * (null returned); a first word that is a symbol becomes the leader, its CPU spec dropped with a
     * warning when the symbol is not per-CPU.
     */
    private Request crashRules(Invocation call, ExpressionPrinter printer, SymbolTable symbols,
                               Lazy<Optional<PerCpu>> perCpu, List<String> words) {
        String first = words.get(0);
        int colon = first.lastIndexOf(':');
        String name = colon >= 0 ? first.substring(0, colon) : first;
        String spec = colon >= 0 ? first.substring(colon + 1) : null;
        Optional<Symbol> sym = symbols.find(name);
        // crash asks for a data symbol (d, D, V in the vmlinux symtab); kallsyms calls per-CPU ones absolute (A).
        boolean perCpuSymbol = sym.isPresent() && "dDVA".indexOf(sym.get().type()) >= 0
                && perCpu.get().isPresent() && perCpu.get().get().contains(sym.get());
        if (perCpuSymbol && words.size() == 1 && (spec == null || spec.matches("a|all|[0-9,-]*"))) {
            perCpuVariable(call, printer, perCpu.get().get(), sym.get(), spec);
            return null;
        }
        String expression = String.join(" ", words);
        if (sym.isEmpty() || (perCpuSymbol && colon >= 0)) {
            // Not crash (which would warn, or refuse the CPU spec): NAME:CPU inside an expression is evaluated.
            return new Request(expression, null, null);
        }
        if (colon < 0) {
            return new Request(expression, sym.get().name(), null);
        }
        List<String> rest = new ArrayList<>(words);
        rest.set(0, name);
        return new Request(String.join(" ", rest), sym.get().name(), "WARNING: " + name + " is not percpu; cpuspec ignored.");
    }

    /** crash's display_per_cpu_info: the type and each CPU's address, or with a CPU spec each CPU's value. */
    private void perCpuVariable(Invocation call, ExpressionPrinter printer, PerCpu perCpu, Symbol sym, String cpuSpec) {
        Optional<Type> type = call.session().types().findVariable(sym.name()).map(Variable::type);
        Printer out = call.out();
        JsonOut json = out.isJson() ? out.json().field("expression", sym.name() + (cpuSpec == null ? "" : ":" + cpuSpec))
                .field("variable", sym.name()) : null;
        if (json != null && type.isPresent()) {
            json.field("type", TypeNames.name(type.get()));
        }
        if (cpuSpec == null) {
            String decl = type.map(t -> ExpressionPrinter.declaration(sym.name(), t))
                    .orElse("[undetermined type] " + sym.name() + ";");
            if (json != null) {
                json.field("declaration", decl).beginArray("cpus");
                for (int c = 0; c < perCpu.cpus(); c++) {
                    json.beginObject().field("cpu", c).hex("address", perCpu.address(sym, c)).end();
                }
                json.end();
                return;
            }
            List<String> lines = new ArrayList<>(List.of("PER-CPU DATA TYPE:", "  " + decl, "PER-CPU ADDRESSES:"));
            for (int c = 0; c < perCpu.cpus(); c++) {
                lines.add(String.format(Locale.ROOT, "  [%d]: %x", c, perCpu.address(sym, c)));
            }
            lines.forEach(out::println);
            return;
        }
        BitSet cpus = cpus(cpuSpec, perCpu.cpus());
        if (json != null) {
            json.beginArray("cpus");
        }
        for (int c = cpus.nextSetBit(0); c >= 0; c = cpus.nextSetBit(c + 1)) {
            long address = perCpu.address(sym, c);
            Value v = type.isPresent() ? Value.at(call.session().kernelMemory(), type.get(), address)
                    : Value.ofLong(call.session().kernelMemory(), PointerType.to(VoidType.INSTANCE, Value.POINTER_SIZE), address);
            String leader = (type.isPresent() ? "" : "&") + "per_cpu(" + sym.name() + ", " + c + ")";
            String shown = printer.text(v);
            int n = remember(v);
            if (json != null) {
                json.beginObject().field("cpu", c).hex("address", address).field("history", n);
                printer.json(json, v);
                json.end();
            } else {
                ExpressionPrinter.lines(leader, "$" + n + " = " + shown).forEach(out::println);
            }
        }
        if (json != null) {
            json.end();
        }
    }

    /** crash's make_cpumask: "a" or "all", or a list of CPUs and ranges ("0,2-3"), each below {@code count}. */
    static BitSet cpus(String spec, int count) {
        BitSet set = new BitSet();
        if (spec.equals("a") || spec.equals("all")) {
            set.set(0, count);
            return set;
        }
        if (spec.isEmpty()) {
            throw new CommandException("p: name the CPU after ':' (0-" + (count - 1) + ", a list such as 0,1, or a for all)");
        }
        for (String part : spec.split(",", -1)) {
            String[] range = part.split("-", -1);
            try {
                int lo = Integer.parseInt(range[0]);
                int hi = range.length == 2 ? Integer.parseInt(range[1]) : lo;
                if (range.length > 2 || lo < 0 || hi < lo || hi >= count) {
                    throw new NumberFormatException();
                }
                set.set(lo, hi + 1);
            } catch (NumberFormatException e) {
                throw new CommandException("p: invalid cpu specification: " + spec + " (the dump has " + count + " CPU"
                        + (count == 1 ? "" : "s") + ": 0-" + (count - 1) + ")");
            }
        }
        return set;
    }

    /** Adds the value to the history and returns its number. Memory-backed values are kept without their contents. */
    private int remember(Value v) {
        Value kept = v.isLvalue() && !v.isBitfield() ? Value.at(v.memory(), v.type(), v.address()) : v;
        if (history.size() >= MAX_HISTORY) {
            history.remove(0);
        }
        history.add(kept);
        return history.size();
    }

    /** One line for an expression that failed, with the way out when there is one. */
    private static String explain(Invocation call, String expression, ExpressionException e) {
        return switch (e) {
            case ExpressionException.UnknownSymbol u -> {
                List<String> similar = similarSymbols(call.session().symbols(), u.name());
                yield "p: no symbol \"" + u.name() + "\"" + (similar.isEmpty() ? ""
                        : " (did you mean " + String.join(", ", similar) + "?)");
            }
            case ExpressionException.NoTypeInformation n -> noTypeInformation(call, n.symbol());
            case ExpressionException.UnknownMember m -> "p: no member \"" + m.member() + "\" in "
                    + TypeNames.tagName(m.struct()) + (m.similar().isEmpty() ? ""
                    : " (did you mean " + String.join(", ", m.similar()) + "?)");
            case ExpressionException.Syntax s -> "p: syntax error at column " + s.column() + " of \"" + expression + "\": "
                    + s.getMessage();
            default -> "p: " + e.getMessage() + (e.column() > 0 ? " (column " + e.column() + " of \"" + expression + "\")" : "");
        };
    }

    /** Close symbol names (Addresses.similar) without the export-table twins (__ksymtab_x, __crc_x...) of each name. */
    private static List<String> similarSymbols(SymbolTable symbols, String name) {
        return Similar.names(symbols.all().stream().map(Symbol::name).filter(n -> !isNoise(n)).toList(), name,
                Addresses.MAX_SUGGESTIONS);
    }

    private static boolean isNoise(String name) {
        return name.startsWith("__ksymtab_") || name.startsWith("__kstrtab") || name.startsWith("__crc_")
                || name.startsWith("__pfx_") || name.startsWith("__cfi_") || name.startsWith("__SCK__")
                || name.startsWith("__SCT__") || name.startsWith("__tracepoint_") || name.startsWith("__traceiter_")
                || name.startsWith("__export_symbol_");
    }

    /** The symbol has an address but no type: say why, how to proceed, and what is there as a raw 64-bit value. */
    static String noTypeInformation(Invocation call, Symbol sym) {
        Session session = call.session();
        String name = sym.name();
        String source = session.types().description();
        String why = sym.module().isPresent() ? source + " does not describe module " + sym.module().get()
                : source.contains("BTF") ? "BTF has types only for per-CPU variables and functions"
                : source + " has no type for it";
        String raw = "";
        try {
            raw = String.format(Locale.ROOT, ", first 64 bits %016x", session.kernelMemory().readLong(sym.address()));
        } catch (VmcoreException e) {
            raw = "";
        }
        String ways = "name the type: p (TYPE)" + name + ", struct TYPE " + name + " / rd " + name;
        if (session.inputs().vmlinux().isEmpty() && sym.module().isEmpty()) {
            ways = "give the vmlinux, or " + ways;
        }
        return String.format(Locale.ROOT, "p: %s: no type information for this variable (%s); %s [%016x (%c)%s]", name,
                why, ways, sym.address(), sym.type(), raw);
    }
}
