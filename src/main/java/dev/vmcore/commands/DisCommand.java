package dev.vmcore.commands;

import dev.vmcore.format.dwarf.SourceLine;
import dev.vmcore.format.x86.AttFormatter;
import dev.vmcore.format.x86.Instruction;
import dev.vmcore.format.x86.IntelFormatter;
import dev.vmcore.format.x86.X86Decoder;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.util.Unsigned;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/** dis: x86-64 disassembly of kernel or module text, in crash's (gdb's AT&T) layout; --intel for Intel syntax. */
final class DisCommand implements Command {
    /** More instructions than any one kernel function has; bounds dis of a corrupt symbol size. */
    private static final int MAX_INSNS = 20000;
    private static final int MAX_INSN = 15;
    private static final java.util.regex.Pattern BARE_TARGET = java.util.regex.Pattern.compile("(?<![0-9a-fx])([0-9a-f]{16}) <");

    @Override
    public String name() {
        return "dis";
    }

    @Override
    public String summary() {
        return "disassemble kernel or module text";
    }

    @Override
    public String help() {
        return """
                NAME
                  dis - disassemble

                SYNOPSIS
                  dis [-r] [-l] [-x] [--intel] ADDRESS | SYMBOL[+OFFSET] [COUNT]

                DESCRIPTION
                  Disassembles x86-64 code from the dump's memory, in AT&T syntax as crash (gdb)
                  prints it: "0xADDRESS <function+offset>:<TAB>instruction". A function name alone
                  disassembles the whole function; an address, COUNT instructions (default 1).
                  Call and jump targets and rip-relative operands show the symbol they reach.

                    -r  from the start of the function up to and including ADDRESS.
                    -l  the source file and line before the instructions of each new line
                        (needs the vmlinux or the module's debuginfo, see mod -s).
                    -x  offsets in hexadecimal.
                    --intel  Intel syntax (objdump -M intel's, gdb's "set disassembly-flavor
                        intel"): destination first, "QWORD PTR [rdi+0x8]".
                  --json gives "instructions": address, symbol, offset, length, bytes, text.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-r", "-l", "-x", "--intel"));
        List<String> args = o.positional();
        if (args.isEmpty() || args.size() > 2) {
            throw new CommandException("dis: usage: dis [-r] [-l] [-x] [--intel] ADDRESS|SYMBOL [COUNT]");
        }
        SymbolTable symbols = call.session().symbols();
        long address = Addresses.resolve(call, name(), args.get(0));
        Optional<Symbol> fn = symbols.containing(address).filter(Symbol::isText);
        boolean wholeFunction = args.size() == 1 && fn.isPresent() && fn.get().address() == address
                && !args.get(0).matches("(0x)?[0-9a-fA-F]+");
        long start = address;
        long end = -1;
        int count = 1;
        if (args.size() == 2) {
            try {
                count = Integer.parseInt(args.get(1));
            } catch (NumberFormatException e) {
                throw new CommandException("dis: invalid count: " + args.get(1));
            }
            if (count <= 0 || count > MAX_INSNS) {
                throw new CommandException("dis: count must be 1 to " + MAX_INSNS + ": " + args.get(1));
            }
        }
        if (o.has("-r")) {
            start = fn.orElseThrow(() -> new CommandException("dis: -r needs an address inside a function: "
                    + args.get(0))).address();
            end = address;
            count = MAX_INSNS;
        } else if (wholeFunction) {
            end = functionEnd(symbols, fn.get()) - 1;
            count = MAX_INSNS;
        }
        List<Instruction> insns = decode(call, start, end, count);
        print(call, insns, o.has("-l"), o.has("-x"), o.has("--intel"));
    }

    /** Instructions from {@code start}: {@code count} of them, or up to the one covering {@code end} (when >= 0). */
    private static List<Instruction> decode(Invocation call, long start, long end, int count) {
        List<Instruction> out = new ArrayList<>();
        long at = start;
        while (out.size() < count) {
            byte[] b;
            try {
                b = call.session().kernelMemory().readBytes(at, MAX_INSN);
            } catch (VmcoreException e) {
                if (out.isEmpty()) {
                    throw new CommandException(String.format("dis: cannot read %x: %s", at, e.getMessage()));
                }
                break;
            }
            Instruction i = X86Decoder.decode(b, 0, at);
            out.add(i);
            at += i.length();
            if (end != -1 && Unsigned.lessThan(end, at)) {
                break;
            }
        }
        return out;
    }

    private static void print(Invocation call, List<Instruction> insns, boolean lines, boolean hexOffsets,
            boolean intel) {
        SymbolTable symbols = call.session().symbols();
        Printer out = call.out();
        if (out.isJson()) {
            out.json().beginArray("instructions");
        }
        String lastLine = null;
        for (Instruction i : insns) {
            String where = symbolic(symbols, i.address(), hexOffsets);
            String text = text(i, a -> Optional.of(symbolic(symbols, a, hexOffsets)).filter(s -> !s.startsWith("0x")),
                    intel);
            if (out.isJson()) {
                StringBuilder hex = new StringBuilder();
                for (byte b : i.bytes()) {
                    hex.append(String.format("%02x", b & 0xff));
                }
                out.json().beginObject().hex("address", i.address()).field("symbol", where).field("length", i.length())
                        .field("bytes", hex.toString()).field("text", text).end();
                continue;
            }
            if (lines) {
                Optional<SourceLine> l = line(call, i.address());
                String shown = l.map(x -> x.file() + ": " + x.line()).orElse(null);
                if (shown != null && !shown.equals(lastLine)) {
                    out.println(shown);
                    lastLine = shown;
                }
            }
            out.println(String.format("0x%016x <%s>:\t%s", i.address(), where, text));
        }
        if (out.isJson()) {
            out.json().end();
        }
    }

    /**
     * An instruction as gdb prints it: objdump's text (AT&T, or Intel with {@code intel}) with
     * 0x before the addresses objdump leaves bare, a bare mnemonic padded as one with operands.
     */
    static String text(Instruction i, LongFunction<Optional<String>> symbolizer, boolean intel) {
        String text = intel ? IntelFormatter.format(i, symbolizer) : AttFormatter.format(i, symbolizer);
        // gdb writes the addresses objdump leaves bare (branch targets, "# target") with 0x.
        text = BARE_TARGET.matcher(text).replaceAll("0x$1 <");
        if (!text.contains(" ")) {
            text = String.format("%-6s ", text); // gdb pads a bare mnemonic as it pads one with operands
        }
        return text;
    }

    private static Optional<SourceLine> line(Invocation call, long address) {
        try {
            return call.session().sourceLine(address);
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }

    /**
     * Where a function ends: its size when the symbols have one (the vmlinux, modules), else where
     * the next symbol starts (kallsyms has no sizes).
     */
    static long functionEnd(SymbolTable symbols, Symbol fn) {
        if (fn.size() > 0) {
            return fn.address() + fn.size();
        }
        List<Symbol> all = symbols.all();
        int lo = 0;
        int hi = all.size() - 1;
        long next = fn.address() + MAX_INSN;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Unsigned.lessOrEqual(all.get(mid).address(), fn.address())) {
                lo = mid + 1;
            } else {
                next = all.get(mid).address();
                hi = mid - 1;
            }
        }
        return next;
    }

    /** "function+offset" as gdb writes it (decimal offset; hex with -x), or the bare address. */
    static String symbolic(SymbolTable symbols, long address, boolean hexOffsets) {
        return symbols.containing(address).filter(Symbol::isText).map(s -> {
            long off = address - s.address();
            return off == 0 ? s.name() : s.name() + "+" + (hexOffsets ? "0x" + Long.toHexString(off) : Long.toString(off));
        }).orElse(String.format("0x%x", address));
    }
}
