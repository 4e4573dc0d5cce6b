package dev.vmcore.analyze;

import dev.vmcore.analyze.OopsLine.FrameRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KASAN report as the kernel prints it between two lines of {@code =} (mm/kasan/report.c
 * print_report, report_generic.c): the bug type and the function the access was made in, the
 * access, the slab object or variable or stack frame the address belongs to, and the stacks of
 * the object's allocation and free. A pure function of the log's lines, which may carry console,
 * dmesg or journalctl prefixes ({@link OopsText} strips them); nothing is looked up.
 *
 * <p>The wordings differ across kernels: 6.1 says "use-after-free" for a freed slab object and
 * "located 8 bytes inside of / 64-byte region"; 6.3 and later say "slab-use-after-free" and
 * "inside of / freed 64-byte region" or "to the right of / allocated 60-byte region" (commit
 * 0e301731f558, "kasan: infer allocation size by scanning metadata"). 6.1 prints a double free as
 * "BUG: KASAN: double-free in" with no access line; 6.2 and later add "Free of addr X by task";
 * before 5.19 it was "double-free or invalid-free". All are read here.
 *
 * @param bugType   the kernel's name for the bug ("slab-use-after-free", "global-out-of-bounds", "double-free")
 * @param lines     the report's lines that say what happened, without prefixes, for quoting
 * @param location  the function the bad access or free was made in ("BUG: KASAN: TYPE in func+off/len [mod]")
 * @param access    the access ("Read of size 8 at addr X by task comm/pid", or "Free of addr X ...")
 * @param object    the slab object the address belongs to
 * @param region    where the address lies relative to the object's region
 * @param memory    what the address belongs to when it is not a slab object, in plain words
 *                  ("the global variable global_array+0x28/0x40 [oops_oob]")
 * @param allocated the stack of the object's allocation, with its first caller outside the allocator
 * @param freed     the stack of the object's free, with its first caller outside the allocator
 * @param callTrace the reliable entries of the report's Call Trace, in order
 * @param panic     the {@code Kernel panic - not syncing} line after the report, when the log has one
 */
public record KasanReport(String bugType, List<String> lines, Optional<FrameRef> location, Optional<Access> access,
                          Optional<SlabObject> object, Optional<Region> region, Optional<String> memory,
                          Optional<Track> allocated, Optional<Track> freed, List<OopsLine> callTrace,
                          Optional<String> panic) {
    /** A report is cut here if its closing line of {@code =} is missing (a truncated log). */
    static final int MAX_REPORT_LINES = 400;

    private static final Pattern HEADER = Pattern.compile(
            "BUG: KASAN: (?<type>[a-z-]+(?: or [a-z-]+)?)(?: in (?<where>\\S.*))?$");
    private static final Pattern ACCESS = Pattern.compile(
            "(?<op>Read|Write) (?:of size (?<size>\\d{1,18}) )?at addr (?<addr>[0-9a-f]{1,16}) by task (?<comm>.+?)/(?<pid>\\d{1,9})"
                    + "(?: at \\d+\\.\\d+s)?\\s*$");
    private static final Pattern FREE = Pattern.compile(
            "Free of addr (?<addr>[0-9a-f]{1,16}) by task (?<comm>.+?)/(?<pid>\\d{1,9})(?: at \\d+\\.\\d+s)?\\s*$");
    private static final Pattern OBJECT = Pattern.compile(
            "The buggy address belongs to the object at (?<addr>[0-9a-f]{1,16})\\s+which belongs to the cache"
                    + " (?<cache>\\S+) of size (?<size>\\d{1,18})");
    private static final Pattern LOCATED = Pattern.compile(
            "The buggy address is located (?<bytes>\\d{1,18}) bytes (?<rel>inside|to the right|to the left|right|left) of"
                    + "\\s+(?:(?<state>freed|allocated) )?(?<size>\\d{1,18})-byte region \\[(?<start>[0-9a-f]{1,16}),"
                    + " (?<end>[0-9a-f]{1,16})\\)");
    /** kasan_print_address_stack_frame: 6.1 "addr X is located in stack of task T/P at offset N in frame:". */
    private static final Pattern STACK = Pattern.compile(
            "(?:is located in stack of task|belongs to stack of task) (?<comm>.+?)/(?<pid>\\d{1,9})"
                    + "(?: and is located)? at offset (?<offset>\\d{1,18}) in frame:");
    private static final Pattern VMALLOC = Pattern.compile(
            "The buggy address belongs to the virtual mapping at\\s+\\[(?<start>[0-9a-f]+), (?<end>[0-9a-f]+)\\) created by:");
    /** print_track: "Allocated by task 123:", with CONFIG_KASAN_EXTRA_INFO " on cpu 1 at 12.345678s". */
    private static final Pattern TRACK = Pattern.compile("(?<event>Allocated|Freed) by task (?<pid>\\d{1,9})(?: on cpu \\d+ at [\\d.]+s)?:");
    private static final Pattern HINT = Pattern.compile(
            "KASAN: (?:(?<hedge>probably|maybe) )?(?<type>[a-z-]+) in range \\[0x(?<start>[0-9a-f]{1,16})-0x(?<end>[0-9a-f]{1,16})\\]");
    /**
     * Allocator and KASAN functions at the top of an Allocated/Freed stack: the first frame that is
     * none of these (leading underscores ignored) is the code that allocated or freed the object.
     */
    private static final Pattern ALLOCATOR = Pattern.compile(
            "_*(?:kasan_|kmem_|kmalloc|kfree|kvmalloc|kvfree|kvrealloc|krealloc|kzalloc|kcalloc|kmemdup|kstrdup|kstrndup"
                    + "|memdup_user|vmemdup_user|slab|do_slab_free|do_kmalloc|cache_alloc|cache_free|alloc_slab|set_track"
                    + "|qlink_free|qlist_free|stack_trace_save|stack_depot_save).*");

    public KasanReport {
        lines = List.copyOf(lines);
        callTrace = List.copyOf(callTrace);
    }

    /**
     * The access: {@code Read}, {@code Write}, or {@code Free} (a double or invalid free).
     *
     * @param size 0 when the kernel did not print one (a free, or an access of unknown size)
     */
    public record Access(String operation, long size, long address, String comm, int pid) {
    }

    /** The slab object the address belongs to: its address, its cache and the cache's object size. */
    public record SlabObject(long address, String cache, long cacheSize) {
    }

    /**
     * "The buggy address is located BYTES bytes RELATION of [STATE ]SIZE-byte region [START, END)".
     *
     * @param relation "inside", "to the right" or "to the left" ("right"/"left" normalised)
     * @param state    "freed", "allocated", or empty on kernels before 6.3 that did not say
     */
    public record Region(long bytes, String relation, String state, long size, long start, long end) {
    }

    /**
     * An allocation or free stack.
     *
     * @param event  "Allocated" or "Freed"
     * @param caller the first frame outside the allocator and KASAN (empty when the stack is not available)
     */
    public record Track(String event, int pid, Optional<FrameRef> caller) {
    }

    /**
     * The line a KASAN kernel prints after a general protection fault on a non-canonical address
     * that is the shadow of another one (kasan_non_canonical_hook): the address the code meant.
     *
     * @param bugType "null-ptr-deref", "user-memory-access" or "wild-memory-access"
     * @param hedge   "probably", "maybe", or empty (the kernel's own certainty)
     * @param start   the first address the shadow byte covers
     * @param end     the last one
     * @param line    the line, without prefixes
     */
    public record Hint(String bugType, String hedge, long start, long end, String line) {
    }

    /** The last KASAN report in {@code log}; empty when it holds none. */
    public static Optional<KasanReport> find(List<String> log) {
        int start = -1;
        for (int i = log.size() - 1; i >= 0 && start < 0; i--) {
            if (log.get(i).contains("BUG: KASAN: ") && log.get(i).length() <= OopsText.MAX_LINE) {
                start = i;
            }
        }
        if (start < 0) {
            return Optional.empty();
        }
        int end = start + 1;
        while (end < log.size() && end < start + MAX_REPORT_LINES && !isRule(body(log.get(end)))) {
            end++;
        }
        Optional<String> panic = Optional.empty();
        for (int i = end; i < log.size() && panic.isEmpty(); i++) {
            String b = body(log.get(i));
            if (b.startsWith("Kernel panic - not syncing:")) {
                panic = Optional.of(b.strip());
            }
        }
        return Optional.of(parse(OopsText.parse(log.subList(start, end)), panic));
    }

    /** The last GPF hint line ("KASAN: null-ptr-deref in range [...]") among {@code lines}. */
    public static Optional<Hint> findHint(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String b = body(lines.get(i));
            Matcher m = HINT.matcher(b);
            if (m.find()) {
                return Optional.of(new Hint(m.group("type"), m.group("hedge") == null ? "" : m.group("hedge"),
                        Long.parseUnsignedLong(m.group("start"), 16), Long.parseUnsignedLong(m.group("end"), 16),
                        b.strip()));
            }
        }
        return Optional.empty();
    }

    /** What a stack section of the report is. */
    private enum Section { NONE, CALL_TRACE, ALLOCATED, FREED, OTHER }

    /** The report from its parsed lines, the first being the {@code BUG: KASAN:} line. */
    private static KasanReport parse(List<OopsLine> ls, Optional<String> panic) {
        String first = ls.get(0).text();
        String head = first.substring(first.indexOf("BUG: KASAN: ")).strip();
        Matcher h = HEADER.matcher(head);
        Reader r = new Reader(ls, head);
        for (int i = 1; i < ls.size(); i++) {
            r.line(i);
        }
        return new KasanReport(h.matches() ? h.group("type") : "unknown-crash", r.quoted, ls.get(0).frame(), r.access,
                r.object, r.region, r.memory, Optional.ofNullable(r.tracks[0]), Optional.ofNullable(r.tracks[1]),
                r.trace, panic);
    }

    /** One pass over a report's lines, keeping the first of each fact. */
    private static final class Reader {
        private final List<OopsLine> ls;
        private final List<String> quoted = new ArrayList<>();
        private final List<OopsLine> trace = new ArrayList<>();
        /** The Allocated and the Freed track. */
        private final Track[] tracks = new Track[2];
        private Optional<Access> access = Optional.empty();
        private Optional<SlabObject> object = Optional.empty();
        private Optional<Region> region = Optional.empty();
        private Optional<String> memory = Optional.empty();
        private Section section = Section.NONE;

        Reader(List<OopsLine> ls, String head) {
            this.ls = ls;
            quoted.add(head);
        }

        void line(int i) {
            OopsLine l = ls.get(i);
            String b = text(l);
            if (b.isEmpty()) {
                section = Section.NONE; // a blank line ends a stack
            } else if (l.kind() == OopsLine.Kind.TRACE_HEADER) {
                header(b);
            } else if (l.frame().isPresent() && l.kind() == OopsLine.Kind.TRACE_ENTRY && section != Section.NONE) {
                frame(l);
            } else if (!access(b)) {
                // Two-line sentences (one printk with an embedded newline) are matched joined.
                describe(i, b, i + 1 < ls.size() ? b + " " + text(ls.get(i + 1)) : b);
            }
        }

        private void header(String b) {
            section = b.equals("Call Trace:") || b.equals("Call trace:") ? Section.CALL_TRACE : Section.OTHER;
            Matcher m = TRACK.matcher(b);
            if (m.matches()) {
                boolean alloc = m.group("event").equals("Allocated");
                section = alloc ? Section.ALLOCATED : Section.FREED;
                tracks[alloc ? 0 : 1] = new Track(m.group("event"), Integer.parseInt(m.group("pid")), Optional.empty());
            }
        }

        private void frame(OopsLine l) {
            FrameRef f = l.frame().orElseThrow();
            if (section == Section.CALL_TRACE && f.reliable()) {
                trace.add(l);
            } else if (section == Section.ALLOCATED || section == Section.FREED) {
                int k = section == Section.ALLOCATED ? 0 : 1;
                Track t = tracks[k];
                if (t != null && t.caller().isEmpty() && !ALLOCATOR.matcher(f.function()).matches()) {
                    tracks[k] = new Track(t.event(), t.pid(), Optional.of(f));
                }
            }
        }

        /** The access line; false when {@code b} is not one (or the access is known already). */
        private boolean access(String b) {
            Matcher m;
            if (access.isPresent()) {
                return false;
            }
            if ((m = ACCESS.matcher(b)).lookingAt()) {
                access = Optional.of(new Access(m.group("op"), m.group("size") == null ? 0 : Long.parseLong(m.group("size")),
                        hex(m.group("addr")), m.group("comm"), Integer.parseInt(m.group("pid"))));
            } else if ((m = FREE.matcher(b)).lookingAt()) {
                access = Optional.of(new Access("Free", 0, hex(m.group("addr")), m.group("comm"),
                        Integer.parseInt(m.group("pid"))));
            } else {
                return false;
            }
            quoted.add(b);
            return true;
        }

        /** What the address belongs to: a slab object and where in it, a variable, a stack frame, a vmalloc area. */
        private void describe(int i, String b, String joined) {
            Matcher m;
            if (object.isEmpty() && (m = OBJECT.matcher(joined)).lookingAt()) {
                object = Optional.of(new SlabObject(hex(m.group("addr")), m.group("cache"), Long.parseLong(m.group("size"))));
                quoted.add(m.group());
            } else if (region.isEmpty() && (m = LOCATED.matcher(joined)).lookingAt()) {
                String rel = m.group("rel").equals("inside") || m.group("rel").startsWith("to ") ? m.group("rel")
                        : "to the " + m.group("rel");
                region = Optional.of(new Region(Long.parseLong(m.group("bytes")), rel,
                        m.group("state") == null ? "" : m.group("state"), Long.parseLong(m.group("size")),
                        hex(m.group("start")), hex(m.group("end"))));
                quoted.add(m.group());
            } else if (memory.isPresent()) {
                return;
            } else if (b.startsWith("The buggy address belongs to the variable:") && i + 1 < ls.size()) {
                memory = Optional.of("the global variable " + text(ls.get(i + 1)));
                quoted.add(joined);
            } else if ((m = STACK.matcher(joined)).find()) {
                memory = Optional.of("the stack of task " + m.group("comm") + "/" + m.group("pid") + ", at offset "
                        + m.group("offset") + " in the frame of " + frameAfter(ls, i).map(KasanReport::shortText).orElse("?"));
                quoted.add(joined);
            } else if ((m = VMALLOC.matcher(joined)).lookingAt()) {
                memory = Optional.of("the vmalloc area [" + m.group("start") + ", " + m.group("end") + ") created by "
                        + frameAfter(ls, i).map(KasanReport::shortText).orElse("?"));
                quoted.add(joined);
            } else if (object.isEmpty() && b.startsWith("The buggy address belongs to the physical page")) {
                memory = Optional.of("a page from the page allocator (not a slab object)");
            }
        }
    }

    /** The frame printed on one of the two lines after {@code i} (a sentence may take one or two lines). */
    private static Optional<FrameRef> frameAfter(List<OopsLine> ls, int i) {
        for (int k = i + 1; k <= i + 2 && k < ls.size(); k++) {
            if (ls.get(k).frame().isPresent()) {
                return ls.get(k).frame();
            }
        }
        return Optional.empty();
    }

    /** The first frame of the Call Trace below {@link #location}: the function that called it. */
    public Optional<FrameRef> caller() {
        if (location.isEmpty()) {
            return Optional.empty();
        }
        FrameRef at = location.get();
        for (int i = 0; i + 1 < callTrace.size(); i++) {
            FrameRef f = callTrace.get(i).frame().orElseThrow();
            if (f.function().equals(at.function()) && f.module().equals(at.module())) {
                return callTrace.get(i + 1).frame();
            }
        }
        return Optional.empty();
    }

    /** {@code func+0xoff [mod]}: a frame as analyze prints locations (the symbol's length left out). */
    public static String shortText(FrameRef f) {
        return f.function() + "+0x" + Long.toHexString(f.offset()) + f.module().map(m -> " [" + m + "]").orElse("");
    }

    /** The kernel's text of a line, stripped; empty for an overlong one (never matched, like a blank). */
    private static String text(OopsLine l) {
        return l.text().length() > OopsText.MAX_LINE ? "" : l.body().strip();
    }

    private static boolean isRule(String body) {
        String b = body.strip();
        return b.length() >= 16 && b.chars().allMatch(c -> c == '=');
    }

    private static String body(String line) {
        return line.length() > OopsText.MAX_LINE ? "" : line.substring(OopsText.bodyStart(line));
    }

    private static long hex(String digits) {
        return Long.parseUnsignedLong(digits, 16);
    }
}
