package dev.vmcore.analyze;

import dev.vmcore.analyze.OopsLine.FrameRef;
import dev.vmcore.analyze.OopsLine.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads kernel oops text as the console, {@code dmesg} (with or without {@code [ time]}, {@code -T}
 * or caller-id prefixes) and {@code journalctl -k} print it, and finds in each line what
 * {@code scripts/decode_stacktrace.sh} finds: the {@code RIP:} line, Call Trace entries
 * ({@code ? } ones marked unreliable), the {@code <IRQ>}/{@code <TASK>}/... stack markers,
 * {@code Code:} lines, the stacks of a KASAN report ({@code Allocated by task N:}, {@code Freed by task N:},
 * {@code Last potentially related work creation:}, read as Call Traces), and any other
 * {@code func+0xoff/0xlen [mod]} reference (but not the global variable a KASAN report names: data
 * is not symbolized). Every line is kept, junk included, so that the text can be written back with
 * only the references annotated.
 * A pure function of the text: no files, no symbols.
 */
public final class OopsText {
    /** Longest line looked at; a longer one passes through as text (no regex over megabytes). */
    static final int MAX_LINE = 4096;

    /** One prefix before the kernel's text; applied repeatedly at the start of a line. */
    private static final Pattern PREFIX = Pattern.compile(
            "<\\d{1,3}>" // syslog level as in /dev/kmsg or a raw console
                    + "|[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\S+ kernel:" // journalctl
                    + "|\\d{4}-\\d\\d-\\d\\d[T ][\\d:.,]+(?:Z|[+-]\\d\\d:?\\d\\d)? \\S+ kernel:" // journalctl -o short-iso
                    + "|\\[ *\\d+\\.\\d+\\]" // printk time
                    + "|\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\]" // dmesg -T
                    + "|\\[ *[TC]\\d+\\]"); // CONFIG_PRINTK_CALLER

    /** {@code func+0xoff/0xlen [module buildid]}. */
    private static final Pattern FRAME = Pattern.compile(
            "(?<![A-Za-z0-9_.$])(?<func>[A-Za-z_.$][A-Za-z0-9_.$]*)\\+0x(?<off>[0-9a-fA-F]{1,16})/0x(?<len>[0-9a-fA-F]{1,16})"
                    + "(?: \\[(?<mod>[A-Za-z0-9_-]+)(?: (?<bid>[0-9a-f]{8,64}))?\\])?");
    private static final Pattern TRACE_ENTRY = Pattern.compile(
            "\\s*(?:\\[<[0-9a-fA-F]+>\\]\\s*)?(?:\\?\\s+)?" + FRAME.pattern() + "(?:\\s+\\([A-Z]*\\))?\\s*");
    private static final Pattern RIP = Pattern.compile("\\s*RIP: [0-9a-fA-F]{4}:.*");
    private static final Pattern MARKER = Pattern.compile("\\s*<(/?)([A-Z#][A-Z0-9#]{0,15})>\\s*");
    /**
     * The other stacks of a KASAN report (mm/kasan/report.c print_track, generic.c aux stacks;
     * "call_rcu()" before 5.10), printed like a Call Trace without markers.
     */
    private static final Pattern KASAN_STACK = Pattern.compile("(?:Allocated|Freed) by task \\d+(?: on cpu \\d+ at [\\d.]+s)?:"
            + "|(?:Second to last|Last) (?:potentially related work creation|call_rcu\\(\\)):");
    /** KASAN prints the global variable holding a bad address on the line after this one: data, not code. */
    private static final String KASAN_VARIABLE = "The buggy address belongs to the variable:";

    private OopsText() {
    }

    /** Parses {@code lines} (without line terminators), one {@link OopsLine} each, in order. */
    public static List<OopsLine> parse(List<String> lines) {
        List<OopsLine> out = new ArrayList<>(lines.size());
        String context = "";
        int n = 0;
        boolean variable = false;
        for (String text : lines) {
            n++;
            if (text.length() > MAX_LINE) {
                out.add(new OopsLine(n, text, 0, Kind.TEXT, Optional.empty(), context));
                continue;
            }
            int bodyAt = bodyStart(text);
            String body = text.substring(bodyAt);
            Matcher marker = MARKER.matcher(body);
            if (marker.matches()) {
                context = marker.group(1).isEmpty() ? marker.group(2) : "";
                out.add(new OopsLine(n, text, bodyAt, Kind.MARKER, Optional.empty(), context));
                continue;
            }
            String trimmed = body.strip();
            if (trimmed.startsWith("Code:")) {
                out.add(new OopsLine(n, text, bodyAt, Kind.CODE, Optional.empty(), context));
                continue;
            }
            if (trimmed.equals("Call Trace:") || trimmed.equals("Call trace:") || KASAN_STACK.matcher(trimmed).matches()) {
                context = "";
                out.add(new OopsLine(n, text, bodyAt, Kind.TRACE_HEADER, Optional.empty(), context));
                continue;
            }
            boolean data = variable;
            variable = trimmed.equals(KASAN_VARIABLE);
            Optional<FrameRef> frame = data ? Optional.empty() : frame(text, bodyAt);
            Kind kind = Kind.TEXT;
            if (frame.isPresent()) {
                if (RIP.matcher(body).matches()) {
                    kind = Kind.RIP;
                } else if (TRACE_ENTRY.matcher(body).matches()) {
                    kind = Kind.TRACE_ENTRY;
                } else {
                    kind = Kind.OTHER_FRAME;
                }
            }
            out.add(new OopsLine(n, text, bodyAt, kind, frame, context));
        }
        return out;
    }

    /** Where the kernel's text starts in {@code line}: past every known prefix and the one space after it. */
    static int bodyStart(String line) {
        Matcher m = PREFIX.matcher(line);
        int at = 0;
        while (true) {
            m.region(at, line.length());
            if (!m.lookingAt()) {
                return at;
            }
            int end = m.end();
            if (end >= line.length() || line.charAt(end) != ' ') {
                at = end;
                continue;
            }
            m.region(end + 1, line.length());
            if (!m.lookingAt()) {
                return end + 1;
            }
            at = end + 1;
        }
    }

    private static Optional<FrameRef> frame(String text, int bodyAt) {
        Matcher m = FRAME.matcher(text);
        m.region(bodyAt, text.length());
        if (!m.find()) {
            return Optional.empty();
        }
        long off;
        long len;
        try {
            off = Long.parseUnsignedLong(m.group("off"), 16);
            len = Long.parseUnsignedLong(m.group("len"), 16);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String before = text.substring(bodyAt, m.start()).stripTrailing();
        boolean reliable = !(before.endsWith("?") && (before.length() == 1
                || Character.isWhitespace(before.charAt(before.length() - 2)) || before.charAt(before.length() - 2) == ']'));
        return Optional.of(new FrameRef(m.start(), m.end(), reliable, m.group("func"), off, len,
                Optional.ofNullable(m.group("mod")), Optional.ofNullable(m.group("bid"))));
    }
}
