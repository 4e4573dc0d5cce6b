package dev.vmcore.commands;

import dev.vmcore.analyze.FaultAnalyzer;
import dev.vmcore.analyze.Verdict;

/** analyze: why the machine died, as a verdict with its evidence. */
final class AnalyzeCommand implements Command {
    @Override
    public String name() {
        return "analyze";
    }

    @Override
    public String summary() {
        return "classify the fault that killed the machine, with the evidence";
    }

    @Override
    public String help() {
        return """
                NAME
                  analyze - why did it crash

                SYNOPSIS
                  analyze

                DESCRIPTION
                  Takes the panic task's oops registers (its first exception frame), decodes the
                  faulting instruction, finds the address it touched and the register that held
                  the pointer, and names the kind of fault: NULL pointer dereference, use-after-
                  free (SLUB's 0x6b poison), uninitialised memory (0x5a/0xa5), red zone (0xbb/0xcc),
                  list corruption (LIST_POISON1/2), a non-canonical (garbage) pointer, a user
                  address touched from kernel mode, a stack overflow (guard page), a BUG()/BUG_ON()
                  or a WARN() under panic_on_warn (ud2; FILE:LINE from the kernel's bug table), or
                  execution of non-executable memory. The report says where (function,
                  module, and source line with debuginfo), in which context (process, softirq,
                  interrupt), and lists the evidence: the kernel's own words, the instruction, the
                  register values, where the pointer was loaded from. When the log ends with a
                  KASAN report, the verdict is read from it (use-after-free, out-of-bounds, double
                  or invalid free; the object, its cache, and who allocated and freed it). When
                  panic() was called without a fault, the panic line and the report before it say
                  why: a soft or hard lockup, a hung task, an RCU stall, out of memory, init
                  exiting, SysRq-c, a hardware error, or the message of a plain panic() call.
                  See docs/analysis.md.
                  --json gives the same as fields: kind, summary, location, source, caller,
                  context, address, register, evidence.
                """;
    }

    @Override
    public void run(Invocation call) {
        if (!call.args().isEmpty()) {
            throw new CommandException("analyze: takes no arguments");
        }
        Verdict v = new FaultAnalyzer(call.session()).analyze();
        Printer out = call.out();
        if (out.isJson()) {
            var j = out.json();
            j.field("kind", v.kind().name()).field("summary", v.summary()).field("location", v.location());
            v.source().ifPresent(s -> j.field("source", s));
            v.caller().ifPresent(c -> j.field("caller", c));
            j.field("context", v.context());
            v.address().ifPresent(a -> j.hex("address", a));
            v.register().ifPresent(r -> j.field("register", r));
            j.beginArray("evidence");
            v.evidence().forEach(j::value);
            j.end();
            return;
        }
        out.println("VERDICT:  " + v.kind().words());
        out.println("          " + v.summary());
        if (!v.location().isEmpty()) {
            out.println("WHERE:    " + v.location() + v.source().map(s -> "  " + s).orElse(""));
        }
        v.caller().ifPresent(c -> out.println("          called from " + c));
        out.println("CONTEXT:  " + v.context());
        out.println("EVIDENCE:");
        v.evidence().forEach(e -> out.println("  - " + e));
    }
}
