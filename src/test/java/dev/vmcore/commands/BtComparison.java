package dev.vmcore.commands;

import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares our bt text with crash 8.0.6's, task block by task block, allowing exactly the
 * differences that are crash's (each explained in docs/commands.md, "bt and crash"):
 * <ol>
 * <li>crash names a module's init text by its own pseudo-symbol {@code _MODULE_INIT_[TEXT_]START_mod};
 * we name the function, as the oops does (the same slot and address).</li>
 * <li>crash drops a frame whose return address is the first byte of a function: the call was the
 * last instruction of a function that called a noreturn function (panic from oops_end.cold).</li>
 * <li>after {@code mod -s}, crash drops the module's init function frame (foreach bt references).</li>
 * <li>for a CPU stopped by the panic, crash lists stale return addresses found between the stopped
 * registers' RSP and the first real frame.</li>
 * <li>on 6.1 crash cannot read the NMI stack of a CPU stopped by NMI and prints no frames at all.</li>
 * </ol>
 * Everything else must be equal line for line (frame numbers aside, since dropped frames renumber).
 */
final class BtComparison {
    private static final Pattern FRAME = Pattern.compile(
            "^ ?#(\\d+) \\[([0-9a-f]{16})\\] (\\S+) at ([0-9a-f]{16})( \\[(\\S+)\\])?$");
    private static final Pattern START_RSP = Pattern.compile("^    RIP: [0-9a-f]{16}  RSP: ([0-9a-f]{16}) .*");
    private static final Pattern SOURCE_LINE = Pattern.compile("^    (?![0-9a-f]{16}: )\\S+: \\d+$");
    private static final Pattern INIT_PSEUDO = Pattern.compile("_MODULE_INIT_(TEXT_)?START_(\\w+)");

    /** How one task block compared. */
    enum Outcome { EXACT, EQUAL_BUT_CRASH_QUIRKS, CRASH_HAS_NO_FRAMES, DIFFERENT }

    record TaskResult(String header, Outcome outcome, String detail) {
    }

    private final SymbolTable symbols;

    BtComparison(SymbolTable symbols) {
        this.symbols = symbols;
    }

    /** Splits bt output into task blocks, each starting at its "PID: " line; blank lines dropped. */
    static List<List<String>> blocks(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("PID: ")) {
                out.add(new ArrayList<>());
            }
            if (!out.isEmpty() && !line.isBlank()) {
                out.get(out.size() - 1).add(line);
            }
        }
        return out;
    }

    List<TaskResult> compare(String ours, String crash) {
        List<List<String>> a = blocks(ours);
        List<List<String>> b = blocks(crash);
        List<TaskResult> out = new ArrayList<>();
        if (a.size() != b.size()) {
            out.add(new TaskResult("(all)", Outcome.DIFFERENT, "we show " + a.size() + " tasks, crash " + b.size()));
            return out;
        }
        for (int i = 0; i < a.size(); i++) {
            out.add(compareBlock(a.get(i), b.get(i)));
        }
        return out;
    }

    private TaskResult compareBlock(List<String> ours, List<String> crash) {
        String header = ours.get(0);
        if (!header.equals(crash.get(0))) {
            return new TaskResult(header, Outcome.DIFFERENT, "header: crash has " + crash.get(0));
        }
        if (ours.equals(crash)) {
            return new TaskResult(header, Outcome.EXACT, "");
        }
        if (crash.stream().noneMatch(l -> FRAME.matcher(l).matches()) && crash.stream().noneMatch(l -> l.contains("RIP:"))) {
            return new TaskResult(header, Outcome.CRASH_HAS_NO_FRAMES, "");
        }
        List<String> a = new ArrayList<>(ours);
        List<String> b = new ArrayList<>(crash);
        // 4: stale frames crash finds before the first real frame of a CPU stopped by the panic.
        long firstSlot = a.stream().map(FRAME::matcher).filter(Matcher::matches).findFirst()
                .map(m -> Long.parseUnsignedLong(m.group(2), 16)).orElse(0L);
        Matcher startRegs = a.size() > 2 && a.get(1).startsWith("    [exception RIP:") ? START_RSP.matcher(a.get(2)) : null;
        if (startRegs != null && startRegs.matches()) {
            long rsp = Long.parseUnsignedLong(startRegs.group(1), 16);
            b.removeIf(l -> {
                Matcher m = FRAME.matcher(l);
                if (!m.matches()) {
                    return false;
                }
                long slot = Long.parseUnsignedLong(m.group(2), 16);
                return Long.compareUnsigned(slot, rsp) >= 0 && Long.compareUnsigned(slot, firstSlot) < 0;
            });
        }
        List<String> crashIps = b.stream().map(FRAME::matcher).filter(Matcher::matches).map(m -> m.group(4)).toList();
        List<String> kept = new ArrayList<>();
        boolean dropping = false;
        for (String l : a) {
            Matcher m = FRAME.matcher(l);
            if (m.matches()) {
                long ip = Long.parseUnsignedLong(m.group(4), 16);
                Optional<Symbol> s = symbols.containing(ip);
                // 2: a return address at a function's first byte; 3: a module's init function.
                dropping = !crashIps.contains(m.group(4)) && (s.isPresent() && s.get().address() == ip
                        || m.group(6) != null && base(m.group(3)).endsWith("_init"));
                if (dropping) {
                    continue;
                }
            } else if (dropping && SOURCE_LINE.matcher(l).matches()) {
                continue; // the dropped frame's bt -l line; its bt -f words belong to the frame before, as in crash
            }
            kept.add(l);
        }
        a = kept;
        if (a.size() != b.size()) {
            return new TaskResult(header, Outcome.DIFFERENT, "after crash's quirks: " + a.size() + " lines vs crash's "
                    + b.size() + "\nours:\n" + String.join("\n", a) + "\ncrash:\n" + String.join("\n", b));
        }
        for (int i = 0; i < a.size(); i++) {
            if (!sameLine(a.get(i), b.get(i))) {
                return new TaskResult(header, Outcome.DIFFERENT, "line " + i + ":\nours:  " + a.get(i) + "\ncrash: " + b.get(i));
            }
        }
        return new TaskResult(header, Outcome.EQUAL_BUT_CRASH_QUIRKS, "");
    }

    private static boolean sameLine(String ours, String crash) {
        Matcher x = FRAME.matcher(ours);
        Matcher y = FRAME.matcher(crash);
        if (!x.matches() || !y.matches()) {
            return ours.equals(crash);
        }
        if (!x.group(2).equals(y.group(2)) || !x.group(4).equals(y.group(4))
                || !java.util.Objects.equals(x.group(6), y.group(6))) {
            return false;
        }
        if (x.group(3).equals(y.group(3))) {
            return true;
        }
        // 1: crash's pseudo-symbol for module init text (the same offset under bt -s).
        Matcher init = INIT_PSEUDO.matcher(base(y.group(3)));
        return init.matches() && init.group(2).equals(x.group(6))
                && offset(x.group(3)).equals(offset(y.group(3)));
    }

    /** A frame's function without bt -s's "+offset". */
    private static String base(String name) {
        return name.replaceFirst("\\+\\d+$", "");
    }

    private static String offset(String name) {
        return name.substring(base(name).length());
    }
}
