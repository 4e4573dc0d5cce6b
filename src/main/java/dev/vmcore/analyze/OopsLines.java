package dev.vmcore.analyze;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kernel itself said about the fault, from its log: the oops header lines
 * (arch/x86/mm/fault.c show_fault_oops, arch/x86/kernel/traps.c, lib/bug.c) and the RIP line.
 *
 * @param lines      the header lines, verbatim, in log order (for quoting)
 * @param address    the faulting address the kernel named ("address: X", "non-canonical address X")
 * @param bugAt      "file:line" of a BUG() ("kernel BUG at FILE:LINE!")
 * @param access     "supervisor write access in kernel mode" and the like (#PF)
 * @param errorCode  the #PF error code line's explanation ("not-present page")
 * @param rip        the RIP line's symbol ("oops_uaf_use+0xd/0x20 [oops_uaf]")
 */
public record OopsLines(List<String> lines, OptionalLong address, Optional<String> bugAt, Optional<String> access,
                        Optional<String> errorCode, Optional<String> rip) {
    private static final Pattern ADDRESS = Pattern.compile(
            "(?:address: |non-canonical address |page fault for address: |NX-protected page - exploit attempt\\? \\(uid: \\d+\\)|"
                    + "stack guard page was hit at )(?:0x)?([0-9a-f]{1,16})");
    private static final Pattern BUG_AT = Pattern.compile("kernel BUG at (\\S+?)!?$");
    private static final Pattern ACCESS = Pattern.compile("#PF: (\\w+ \\w+ access in \\w+ mode)");
    private static final Pattern ERROR_CODE = Pattern.compile("#PF: error_code\\(0x[0-9a-f]+\\) - (.*)$");
    private static final Pattern RIP = Pattern.compile("RIP: 0010:(\\S+(?: \\[\\w+\\])?)");
    /** The lines that start an oops report, newest kernels first. */
    private static final List<String> STARTS = List.of("BUG: kernel NULL pointer dereference", "BUG: unable to handle page fault",
            "general protection fault", "kernel BUG at", "BUG: stack guard page was hit", "kernel tried to execute NX-protected page",
            "unable to execute userspace code", "BUG: unable to handle kernel", "invalid opcode:", "stack segment:",
            "double fault:", "BUG: KASAN:", "divide error:");

    public OopsLines {
        lines = List.copyOf(lines);
    }

    /**
     * The last oops in the log: from its first header line to its RIP line (or 20 lines on).
     * Empty when the log holds no oops header.
     */
    public static Optional<OopsLines> find(List<String> log) {
        int start = -1;
        for (int i = log.size() - 1; i >= 0 && start < 0; i--) {
            String l = log.get(i);
            if (STARTS.stream().anyMatch(l::contains) && !l.contains("Modules linked in")) {
                start = i;
                // An oops starts at its first header line: walk back over the lines of the same report.
                while (start > 0 && isHeader(log.get(start - 1))) {
                    start--;
                }
            }
        }
        if (start < 0) {
            return Optional.empty();
        }
        List<String> lines = new ArrayList<>();
        OptionalLong address = OptionalLong.empty();
        Optional<String> bugAt = Optional.empty();
        Optional<String> access = Optional.empty();
        Optional<String> errorCode = Optional.empty();
        Optional<String> rip = Optional.empty();
        for (int i = start; i < log.size() && i < start + 30; i++) {
            String l = log.get(i);
            Matcher m = RIP.matcher(l);
            if (m.find()) {
                rip = Optional.of(m.group(1));
                break;
            }
            lines.add(l);
            if (address.isEmpty() && (m = ADDRESS.matcher(l)).find()) {
                address = OptionalLong.of(Long.parseUnsignedLong(m.group(1), 16));
            }
            if (bugAt.isEmpty() && (m = BUG_AT.matcher(l.strip())).find()) {
                bugAt = Optional.of(m.group(1));
            }
            if (access.isEmpty() && (m = ACCESS.matcher(l)).find()) {
                access = Optional.of(m.group(1));
            }
            if (errorCode.isEmpty() && (m = ERROR_CODE.matcher(l)).find()) {
                errorCode = Optional.of(m.group(1).strip());
            }
        }
        return Optional.of(new OopsLines(lines, address, bugAt, access, errorCode, rip));
    }

    private static boolean isHeader(String l) {
        return STARTS.stream().anyMatch(l::contains) || l.contains("[ cut here ]");
    }

    /** The first line, the one a user would search for. */
    public String headline() {
        return lines.stream().filter(l -> STARTS.stream().anyMatch(l::contains)).findFirst().orElse(lines.get(0));
    }
}
