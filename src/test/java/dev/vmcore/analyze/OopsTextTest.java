package dev.vmcore.analyze;

import dev.vmcore.analyze.OopsLine.FrameRef;
import dev.vmcore.analyze.OopsLine.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OopsTextTest {
    private static OopsLine one(String line) {
        return OopsText.parse(List.of(line)).get(0);
    }

    @Test
    void ripLineWithTimestampAndModule() {
        OopsLine l = one("[   15.104765] RIP: 0010:oops_uaf_use+0xd/0x20 [oops_uaf]");
        assertEquals(Kind.RIP, l.kind());
        assertEquals("RIP: 0010:oops_uaf_use+0xd/0x20 [oops_uaf]", l.body());
        FrameRef f = l.frame().orElseThrow();
        assertEquals("oops_uaf_use", f.function());
        assertEquals(0xd, f.offset());
        assertEquals(0x20, f.length());
        assertEquals(Optional.of("oops_uaf"), f.module());
        assertTrue(f.reliable());
        assertEquals(l.text().length(), f.end());
        assertEquals("oops_uaf_use+0xd/0x20 [oops_uaf]", f.symbolText());
    }

    @Test
    void userSpaceRipIsNotAFrame() {
        OopsLine l = one("[   15.116771] RIP: 0033:0x47fbe9");
        assertEquals(Kind.TEXT, l.kind());
        assertTrue(l.frame().isEmpty());
    }

    @Test
    void traceEntriesReliableAndNot() {
        List<OopsLine> ls = OopsText.parse(List.of(
                "[   15.108703] Call Trace:",
                "[   15.109015]  <TASK>",
                "[   15.109271]  oops_uaf_run+0x77/0xa0 [oops_uaf]",
                "[   15.109607]  ? __pfx_oops_uaf_init+0x10/0x10 [oops_uaf]",
                "[   15.110228]  do_one_initcall+0x5b/0x310",
                "[   15.116308]  ? arch_exit_to_user_mode_prepare.isra.0+0x16/0xa0",
                "[   15.123397]  </TASK>"));
        assertEquals(List.of(Kind.TRACE_HEADER, Kind.MARKER, Kind.TRACE_ENTRY, Kind.TRACE_ENTRY, Kind.TRACE_ENTRY,
                Kind.TRACE_ENTRY, Kind.MARKER), ls.stream().map(OopsLine::kind).toList());
        assertTrue(ls.get(2).frame().orElseThrow().reliable());
        assertFalse(ls.get(3).frame().orElseThrow().reliable());
        assertEquals("__pfx_oops_uaf_init", ls.get(3).frame().orElseThrow().function());
        assertEquals(Optional.empty(), ls.get(4).frame().orElseThrow().module());
        assertEquals("arch_exit_to_user_mode_prepare.isra.0", ls.get(5).frame().orElseThrow().function());
        assertFalse(ls.get(5).frame().orElseThrow().reliable());
        assertEquals("TASK", ls.get(2).context());
        assertEquals("", ls.get(6).context());
    }

    @Test
    void irqAndTaskMarkersSetTheContext() {
        List<OopsLine> ls = OopsText.parse(List.of("Call Trace:", " <IRQ>", " call_timer_fn+0x27/0x130",
                " </IRQ>", " <TASK>", " asm_sysvec_apic_timer_interrupt+0x16/0x20", " </TASK>"));
        assertEquals("IRQ", ls.get(2).context());
        assertEquals("TASK", ls.get(5).context());
        assertEquals(Kind.MARKER, ls.get(3).kind());
    }

    @Test
    void prefixesOfJournalctlDmesgAndCallerIds() {
        String[] lines = {
            "Nov 26 15:00:01 host kernel:  do_one_initcall+0x5b/0x310",
            "2026-11-26T15:00:01+0000 host kernel:  ? do_one_initcall+0x5b/0x310",
            "2026-11-26T15:00:01.123456+00:00 host kernel: RIP: 0010:do_one_initcall+0x5b/0x310",
            "[Thu Nov 26 15:00:01 2026]  do_one_initcall+0x5b/0x310",
            "[    8.427278] [    T1]  do_one_initcall+0x5b/0x310",
            "[    8.427278][    C0]  do_one_initcall+0x5b/0x310",
            "<4>[    8.427278]  do_one_initcall+0x5b/0x310",
            " do_one_initcall+0x5b/0x310",
            "do_one_initcall+0x5b/0x310",
        };
        for (String s : lines) {
            OopsLine l = one(s);
            assertTrue(l.kind() == Kind.TRACE_ENTRY || l.kind() == Kind.RIP, s + " -> " + l.kind());
            assertEquals("do_one_initcall", l.frame().orElseThrow().function(), s);
            assertEquals(s.contains("? "), !l.frame().orElseThrow().reliable(), s);
        }
        assertEquals(" do_one_initcall+0x5b/0x310", one(lines[4]).body());
        assertEquals(" ? do_one_initcall+0x5b/0x310", one(lines[1]).body());
    }

    @Test
    void codeLinesAndOtherFrameLines() {
        assertEquals(Kind.CODE, one("[    5.113907] Code: 48 c7 c2 40 <0f> 0b 5b c3").kind());
        OopsLine w = one("[    1.0] WARNING: CPU: 0 PID: 1 at mm/slub.c:123 kmem_cache_free+0x15/0x310");
        assertEquals(Kind.OTHER_FRAME, w.kind());
        assertEquals("kmem_cache_free", w.frame().orElseThrow().function());
        OopsLine p = one("[    1.0] last function: (foo_fn+0x0/0x1 [bar])");
        assertEquals(Optional.of("bar"), p.frame().orElseThrow().module());
        OopsLine old = one(" [<ffffffff81234567>] ? do_one_initcall+0x5b/0x310");
        assertEquals(Kind.TRACE_ENTRY, old.kind());
        assertFalse(old.frame().orElseThrow().reliable());
        OopsLine bid = one(" oops_uaf_run+0x77/0xa0 [oops_uaf 0123456789abcdef0123456789abcdef01234567]");
        assertEquals(Optional.of("0123456789abcdef0123456789abcdef01234567"), bid.frame().orElseThrow().buildId());
        assertEquals(Optional.of("oops_uaf"), bid.frame().orElseThrow().module());
        OopsLine info = one(" el0_svc+0x54/0x80 (P)");
        assertEquals(Kind.TRACE_ENTRY, info.kind());
    }

    @Test
    void junkLinesPassThroughUnchanged() {
        List<String> junk = List.of("", "   ", "hello world", "Modules linked in: oops_uaf(OE+) qemu_fw_cfg",
                "[   15.1] RAX: 6b6b6b6b6b6b6b6b RBX: ffff889a567a9d40", "a+0x/0x1", "x+0xzz/0x10", "<not a marker",
                "\u0000\u00ff\t", "f+0x10000000000000000/0x1", "x".repeat(OopsText.MAX_LINE + 1) + "+0x1/0x2");
        List<OopsLine> ls = OopsText.parse(junk);
        for (int i = 0; i < junk.size(); i++) {
            assertEquals(junk.get(i), ls.get(i).text());
            assertEquals(i + 1, ls.get(i).number());
        }
        assertTrue(ls.stream().allMatch(l -> l.frame().isEmpty()), ls.toString());
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            char[] c = new char[r.nextInt(120)];
            for (int k = 0; k < c.length; k++) {
                c[k] = "[]<>?+/0x1a fT:.kernel \t".charAt(r.nextInt(24));
            }
            String s = new String(c);
            OopsLine l = one(s);
            assertEquals(s, l.text());
            assertTrue(l.bodyAt() >= 0 && l.bodyAt() <= s.length());
            l.frame().ifPresent(f -> assertTrue(f.start() >= l.bodyAt() && f.end() <= s.length()));
        }
    }

    @Test
    void kasanStacksAreReadAsCallTraces() {
        List<OopsLine> ls = OopsText.parse(KasanReportTest.lines("[   12.345678] ", KasanReportTest.UAF_612));
        OopsLine bug = ls.stream().filter(l -> l.body().startsWith("BUG: KASAN:")).findFirst().orElseThrow();
        assertEquals(Kind.OTHER_FRAME, bug.kind());
        assertEquals("oops_uaf_use", bug.frame().orElseThrow().function());
        for (String header : List.of("Allocated by task 123:", "Freed by task 123:")) {
            int at = indexOf(ls, header);
            assertEquals(Kind.TRACE_HEADER, ls.get(at).kind(), header);
            // kasan_save_stack and the rest: plain entries without "?", reliable, on no marked stack.
            OopsLine first = ls.get(at + 1);
            assertEquals(Kind.TRACE_ENTRY, first.kind());
            assertEquals("kasan_save_stack", first.frame().orElseThrow().function());
            assertTrue(first.frame().orElseThrow().reliable());
            assertEquals("", first.context());
        }
        OopsLine caller = ls.get(indexOf(ls, "Freed by task 123:") + 6);
        assertEquals(Kind.TRACE_ENTRY, caller.kind());
        assertEquals("oops_uaf_init+0x30/0xff0 [oops_uaf]", caller.frame().orElseThrow().symbolText());

        List<OopsLine> oob = OopsText.parse(KasanReportTest.lines("", KasanReportTest.OOB_612));
        assertEquals(Kind.TRACE_HEADER, oob.get(indexOf(oob, "Allocated by task 200 on cpu 1 at 11.734513s:")).kind());
        int aux = indexOf(oob, "Last potentially related work creation:");
        assertEquals(Kind.TRACE_HEADER, oob.get(aux).kind());
        assertEquals(Kind.TRACE_ENTRY, oob.get(aux + 1).kind());
        assertEquals(Kind.TRACE_HEADER, one("Second to last potentially related work creation:").kind());
        assertEquals(Kind.TRACE_HEADER, one("[    1.0] Last call_rcu():").kind());
    }

    @Test
    void kasanGlobalVariableIsNotAFrame() {
        List<OopsLine> ls = OopsText.parse(KasanReportTest.lines("", KasanReportTest.GLOBAL_OOB));
        int at = indexOf(ls, "The buggy address belongs to the variable:");
        assertEquals(" oops_table+0x28/0x40 [oops_glob]", ls.get(at + 1).body());
        assertEquals(Kind.TEXT, ls.get(at + 1).kind());
        assertTrue(ls.get(at + 1).frame().isEmpty());
        // The stack frame of a stack-out-of-bounds is code, and is one.
        List<OopsLine> st = OopsText.parse(KasanReportTest.lines("", KasanReportTest.STACK_OOB));
        OopsLine frame = st.get(indexOf(st, "and is located at offset 40 in frame:") + 1);
        assertEquals("oops_stack_init", frame.frame().orElseThrow().function());
    }

    private static int indexOf(List<OopsLine> ls, String body) {
        for (int i = 0; i < ls.size(); i++) {
            if (ls.get(i).body().strip().equals(body)) {
                return i;
            }
        }
        throw new AssertionError(body + " not found");
    }
}
