package dev.vmcore.analyze;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * analyze's answer: what kind of fault, where, and why we think so.
 *
 * @param kind       the classification
 * @param summary    one sentence saying what happened
 * @param location   "function+off [module]" of the faulting instruction
 * @param source     "file: line" of it, when debug information (or the BUG line) gives one
 * @param caller     the frame below it, "function+off [module]"
 * @param context    "process context", "softirq (timer) on the IRQ stack" and the like
 * @param address    the bad address, when known
 * @param register   the register that held the bad pointer ("RAX"), when found
 * @param evidence   the facts, one line each, in the order they were established
 */
public record Verdict(FaultKind kind, String summary, String location, Optional<String> source, Optional<String> caller,
                      String context, OptionalLong address, Optional<String> register, List<String> evidence) {
    public Verdict {
        evidence = List.copyOf(evidence);
    }
}
