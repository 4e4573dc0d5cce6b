package dev.vmcore.analyze;

import dev.vmcore.analyze.KasanReport.Access;
import dev.vmcore.analyze.KasanReport.Region;
import dev.vmcore.analyze.KasanReport.SlabObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KASAN reports composed here in the wordings of 6.1 and 6.12 (mm/kasan/report.c), with console
 * timestamps, journalctl prefixes, or none.
 */
class KasanReportTest {
    /** 6.12: slab-use-after-free, "freed 64-byte region", kasan_save_track, __kmalloc_cache_noprof. */
    static final String UAF_612 = """
            ==================================================================
            BUG: KASAN: slab-use-after-free in oops_uaf_use+0x1d/0x40 [oops_uaf]
            Read of size 8 at addr ffff888004b5c008 by task insmod/123

            CPU: 0 UID: 0 PID: 123 Comm: insmod Tainted: G           OE      6.12.9-amd64 #1
            Tainted: [O]=OOT_MODULE, [E]=UNSIGNED_MODULE
            Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.3-debian-1.16.3-2 04/01/2014
            Call Trace:
             <TASK>
             dump_stack_lvl+0x5d/0x80
             print_report+0xce/0x660
             ? oops_uaf_use+0x1d/0x40 [oops_uaf]
             kasan_report+0xd8/0x110
             ? oops_uaf_use+0x1d/0x40 [oops_uaf]
             oops_uaf_use+0x1d/0x40 [oops_uaf]
             oops_uaf_init+0x45/0xff0 [oops_uaf]
             ? __pfx_oops_uaf_init+0x10/0x10 [oops_uaf]
             do_one_initcall+0x91/0x2f0
             do_init_module+0x90/0x260
             __do_sys_finit_module+0x2c5/0x360
             do_syscall_64+0x82/0x190
             entry_SYSCALL_64_after_hwframe+0x76/0x7e
             </TASK>

            Allocated by task 123:
             kasan_save_stack+0x30/0x50
             kasan_save_track+0x14/0x30
             __kasan_kmalloc+0x8f/0xa0
             __kmalloc_cache_noprof+0x15b/0x310
             oops_uaf_init+0x1c/0xff0 [oops_uaf]
             do_one_initcall+0x91/0x2f0
             do_init_module+0x90/0x260

            Freed by task 123:
             kasan_save_stack+0x30/0x50
             kasan_save_track+0x14/0x30
             kasan_save_free_info+0x3b/0x60
             __kasan_slab_free+0x51/0x70
             kfree+0x137/0x3b0
             oops_uaf_init+0x30/0xff0 [oops_uaf]
             do_one_initcall+0x91/0x2f0

            The buggy address belongs to the object at ffff888004b5c000
             which belongs to the cache kmalloc-64 of size 64
            The buggy address is located 8 bytes inside of
             freed 64-byte region [ffff888004b5c000, ffff888004b5c040)

            The buggy address belongs to the physical page:
            page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x4b5c
            flags: 0x100000000000000(node=0|zone=1)
            page_type: f5(slab)
            raw: 0100000000000000 ffff888001042640 dead000000000122 0000000000000000
            page dumped because: kasan: bad access detected

            Memory state around the buggy address:
             ffff888004b5bf00: fa fb fb fb fb fb fb fb fc fc fc fc fc fc fc fc
             ffff888004b5bf80: fa fb fb fb fb fb fb fb fc fc fc fc fc fc fc fc
            >ffff888004b5c000: fa fb fb fb fb fb fb fb fc fc fc fc fc fc fc fc
                                  ^
             ffff888004b5c080: fa fb fb fb fb fb fb fb fc fc fc fc fc fc fc fc
            ==================================================================
            Disabling lock debugging due to kernel taint
            Kernel panic - not syncing: KASAN: panic_on_warn set ...
            CPU: 0 UID: 0 PID: 123 Comm: insmod Tainted: G    B      OE      6.12.9-amd64 #1
            """;

    /** 6.1: use-after-free for a slab object, kasan_set_track, kmalloc_trace, "64-byte region" without a state. */
    static final String UAF_61 = """
            ==================================================================
            BUG: KASAN: use-after-free in oops_uaf_use+0x1d/0x40 [oops_uaf]
            Read of size 8 at addr ffff888004b5c008 by task insmod/123

            CPU: 0 PID: 123 Comm: insmod Tainted: G           OE      6.1.0-28-amd64 #1  Debian 6.1.119-1
            Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.3-debian-1.16.3-2 04/01/2014
            Call Trace:
             <TASK>
             dump_stack_lvl+0x44/0x5c
             print_report+0x184/0x4be
             kasan_report+0xc4/0x120
             oops_uaf_use+0x1d/0x40 [oops_uaf]
             oops_uaf_init+0x45/0x1000 [oops_uaf]
             do_one_initcall+0x56/0x220
             </TASK>

            Allocated by task 123:
             kasan_save_stack+0x1e/0x40
             kasan_set_track+0x21/0x30
             __kasan_kmalloc+0x7a/0x90
             kmalloc_trace+0x26/0x60
             oops_uaf_init+0x1c/0x1000 [oops_uaf]
             do_one_initcall+0x56/0x220

            Freed by task 123:
             kasan_save_stack+0x1e/0x40
             kasan_set_track+0x21/0x30
             kasan_save_free_info+0x2a/0x40
             ____kasan_slab_free+0x143/0x1b0
             slab_free_freelist_hook+0x89/0x160
             __kmem_cache_free+0x90/0x2b0
             oops_uaf_init+0x30/0x1000 [oops_uaf]
             do_one_initcall+0x56/0x220

            The buggy address belongs to the object at ffff888004b5c000
             which belongs to the cache kmalloc-64 of size 64
            The buggy address is located 8 bytes inside of
             64-byte region [ffff888004b5c000, ffff888004b5c040)

            The buggy address belongs to the physical page:
            page:000000003a4f8c5e refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x4b5c
            ==================================================================
            Kernel panic - not syncing: panic_on_warn set ...
            """;

    /** 6.12: a write one past an allocated 60-byte region of a kmalloc-64 object. */
    static final String OOB_612 = """
            ==================================================================
            BUG: KASAN: slab-out-of-bounds in oops_oob_write+0x2a/0x50 [oops_oob]
            Write of size 1 at addr ffff888004a1c07c by task kworker/0:1/26

            Call Trace:
             <TASK>
             dump_stack_lvl+0x5d/0x80
             print_report+0xce/0x660
             kasan_report+0xd8/0x110
             oops_oob_write+0x2a/0x50 [oops_oob]
             process_one_work+0x177/0x330
             worker_thread+0x252/0x390
             kthread+0xd2/0x100
             ret_from_fork+0x34/0x50
             ret_from_fork_asm+0x1a/0x30
             </TASK>

            Allocated by task 200 on cpu 1 at 11.734513s:
             kasan_save_stack+0x30/0x50
             kasan_save_track+0x14/0x30
             __kasan_kmalloc+0x8f/0xa0
             __kmalloc_noprof+0x1d3/0x430
             oops_oob_init+0x20/0xff0 [oops_oob]
             do_one_initcall+0x91/0x2f0

            Last potentially related work creation:
             kasan_save_stack+0x30/0x50
             __kasan_record_aux_stack+0xa6/0xc0
             insert_work+0x36/0xd0
             __queue_work+0x20e/0x4e0
             queue_work_on+0x4b/0x60
             oops_oob_init+0x60/0xff0 [oops_oob]

            The buggy address belongs to the object at ffff888004a1c040
             which belongs to the cache kmalloc-64 of size 64
            The buggy address is located 0 bytes to the right of
             allocated 60-byte region [ffff888004a1c040, ffff888004a1c07c)
            ==================================================================
            """;

    /** 6.12: a double free; no access size, "Free of addr". */
    static final String DOUBLE_FREE_612 = """
            ==================================================================
            BUG: KASAN: double-free in oops_df_init+0x3f/0xff0 [oops_df]
            Free of addr ffff888004b5c000 by task insmod/321

            Call Trace:
             <TASK>
             dump_stack_lvl+0x5d/0x80
             print_report+0xce/0x660
             kasan_report_invalid_free+0xb3/0xd0
             check_slab_allocation+0x10c/0x120
             kfree+0xf4/0x3b0
             oops_df_init+0x3f/0xff0 [oops_df]
             do_one_initcall+0x91/0x2f0
             </TASK>

            Allocated by task 321:
             kasan_save_stack+0x30/0x50
             kasan_save_track+0x14/0x30
             __kasan_kmalloc+0x8f/0xa0
             __kmalloc_cache_noprof+0x15b/0x310
             oops_df_init+0x1c/0xff0 [oops_df]

            Freed by task 321:
             kasan_save_stack+0x30/0x50
             kasan_save_track+0x14/0x30
             kasan_save_free_info+0x3b/0x60
             __kasan_slab_free+0x51/0x70
             kfree+0x137/0x3b0
             oops_df_init+0x30/0xff0 [oops_df]

            The buggy address belongs to the object at ffff888004b5c000
             which belongs to the cache kmalloc-64 of size 64
            The buggy address is located 0 bytes inside of
             64-byte region [ffff888004b5c000, ffff888004b5c040)
            ==================================================================
            Kernel panic - not syncing: kasan.fault=panic set ...
            """;

    /** 6.1: a double free is announced with no access line at all. */
    static final String DOUBLE_FREE_61 = """
            ==================================================================
            BUG: KASAN: double-free in oops_df_init+0x3f/0x1000 [oops_df]

            Call Trace:
             <TASK>
             dump_stack_lvl+0x44/0x5c
             print_report+0x184/0x4be
             kasan_report_invalid_free+0x99/0xc0
             ____kasan_slab_free+0x1a5/0x1b0
             __kmem_cache_free+0x90/0x2b0
             oops_df_init+0x3f/0x1000 [oops_df]
             </TASK>
            ==================================================================
            """;

    /** A global array read one element past its end (outline instrumentation, via __asan_load4). */
    static final String GLOBAL_OOB = """
            ==================================================================
            BUG: KASAN: global-out-of-bounds in oops_glob_read+0x25/0x40 [oops_glob]
            Read of size 4 at addr ffffffffc0a0e2a8 by task insmod/77

            Call Trace:
             <TASK>
             dump_stack_lvl+0x5d/0x80
             print_report+0x171/0x4f0
             kasan_report+0xd8/0x110
             __asan_load4+0x84/0xa0
             oops_glob_read+0x25/0x40 [oops_glob]
             oops_glob_init+0x13/0xff0 [oops_glob]
             </TASK>

            The buggy address belongs to the variable:
             oops_table+0x28/0x40 [oops_glob]

            The buggy address belongs to the physical page:
            page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x10a0e
            ==================================================================
            """;

    /** A stack buffer overrun (6.12 wording: "belongs to stack of task" / "and is located at offset"). */
    static final String STACK_OOB = """
            BUG: KASAN: stack-out-of-bounds in oops_stack_fill+0x4c/0x60 [oops_stack]
            Write of size 1 at addr ffffc90000987d28 by task insmod/88

            Call Trace:
             <TASK>
             kasan_report+0xd8/0x110
             oops_stack_fill+0x4c/0x60 [oops_stack]
             oops_stack_init+0x3a/0xff0 [oops_stack]
             </TASK>

            The buggy address belongs to stack of task insmod/88
             and is located at offset 40 in frame:
             oops_stack_init+0x0/0xff0 [oops_stack]

            This frame has 1 object:
             [32, 40) 'buf'

            The buggy address belongs to the virtual mapping at
             [ffffc90000980000, ffffc90000989000) created by:
             kernel_clone+0x9b/0x3d0
            ==================================================================
            """;

    /** The lines of {@code text}, each behind {@code prefix}. */
    static List<String> lines(String prefix, String text) {
        return text.lines().map(l -> prefix + l).toList();
    }

    private static KasanReport report(String prefix, String text) {
        return KasanReport.find(lines(prefix, text)).orElseThrow();
    }

    @Test
    void slabUseAfterFree612WithTimestamps() {
        KasanReport r = report("[   12.345678] ", UAF_612);
        assertEquals("slab-use-after-free", r.bugType());
        assertEquals("oops_uaf_use+0x1d/0x40 [oops_uaf]", r.location().orElseThrow().symbolText());
        assertEquals(new Access("Read", 8, 0xffff888004b5c008L, "insmod", 123), r.access().orElseThrow());
        assertEquals(new SlabObject(0xffff888004b5c000L, "kmalloc-64", 64), r.object().orElseThrow());
        assertEquals(new Region(8, "inside", "freed", 64, 0xffff888004b5c000L, 0xffff888004b5c040L), r.region().orElseThrow());
        assertEquals(123, r.allocated().orElseThrow().pid());
        assertEquals("oops_uaf_init+0x1c [oops_uaf]", KasanReport.shortText(r.allocated().orElseThrow().caller().orElseThrow()));
        assertEquals("Freed", r.freed().orElseThrow().event());
        assertEquals("oops_uaf_init+0x30 [oops_uaf]", KasanReport.shortText(r.freed().orElseThrow().caller().orElseThrow()));
        // The Call Trace keeps reliable entries only, and the caller is the one below the "in" function.
        assertEquals(List.of("dump_stack_lvl", "print_report", "kasan_report", "oops_uaf_use", "oops_uaf_init",
                        "do_one_initcall", "do_init_module", "__do_sys_finit_module", "do_syscall_64",
                        "entry_SYSCALL_64_after_hwframe"),
                r.callTrace().stream().map(l -> l.frame().orElseThrow().function()).toList());
        assertEquals("oops_uaf_init+0x45 [oops_uaf]", KasanReport.shortText(r.caller().orElseThrow()));
        assertEquals(Optional.of("Kernel panic - not syncing: KASAN: panic_on_warn set ..."), r.panic());
        assertEquals(List.of("BUG: KASAN: slab-use-after-free in oops_uaf_use+0x1d/0x40 [oops_uaf]",
                "Read of size 8 at addr ffff888004b5c008 by task insmod/123",
                "The buggy address belongs to the object at ffff888004b5c000 which belongs to the cache kmalloc-64 of size 64",
                "The buggy address is located 8 bytes inside of freed 64-byte region [ffff888004b5c000, ffff888004b5c040)"),
                r.lines());
        assertTrue(r.memory().isEmpty());
    }

    @Test
    void useAfterFree61FromJournalctl() {
        KasanReport r = report("Nov 26 15:00:01 host kernel: ", UAF_61);
        assertEquals("use-after-free", r.bugType());
        assertEquals(new Region(8, "inside", "", 64, 0xffff888004b5c000L, 0xffff888004b5c040L), r.region().orElseThrow());
        assertEquals("kmalloc-64", r.object().orElseThrow().cache());
        // kmalloc_trace, ____kasan_slab_free, slab_free_freelist_hook, __kmem_cache_free are the allocator.
        assertEquals("oops_uaf_init", r.allocated().orElseThrow().caller().orElseThrow().function());
        assertEquals(0x1c, r.allocated().orElseThrow().caller().orElseThrow().offset());
        assertEquals(0x30, r.freed().orElseThrow().caller().orElseThrow().offset());
        assertEquals(Optional.of("Kernel panic - not syncing: panic_on_warn set ..."), r.panic());
        assertEquals("oops_uaf_init", r.caller().orElseThrow().function());
    }

    @Test
    void slabOutOfBoundsRightOfAllocatedRegion() {
        KasanReport r = report("", OOB_612);
        assertEquals("slab-out-of-bounds", r.bugType());
        assertEquals(new Access("Write", 1, 0xffff888004a1c07cL, "kworker/0:1", 26), r.access().orElseThrow());
        assertEquals(new Region(0, "to the right", "allocated", 60, 0xffff888004a1c040L, 0xffff888004a1c07cL),
                r.region().orElseThrow());
        assertEquals(64, r.object().orElseThrow().cacheSize());
        assertEquals(200, r.allocated().orElseThrow().pid());
        assertEquals("oops_oob_init+0x20 [oops_oob]", KasanReport.shortText(r.allocated().orElseThrow().caller().orElseThrow()));
        assertTrue(r.freed().isEmpty());
        // The aux stack (queue_work) is a stack of its own, not a continuation of the allocation's.
        assertEquals("process_one_work", r.caller().orElseThrow().function());
        assertTrue(r.panic().isEmpty());
    }

    @Test
    void doubleFreeIn612And61() {
        KasanReport r = report("[  100.000001] ", DOUBLE_FREE_612);
        assertEquals("double-free", r.bugType());
        assertEquals(new Access("Free", 0, 0xffff888004b5c000L, "insmod", 321), r.access().orElseThrow());
        assertEquals("oops_df_init+0x1c [oops_df]", KasanReport.shortText(r.allocated().orElseThrow().caller().orElseThrow()));
        assertEquals("oops_df_init+0x30 [oops_df]", KasanReport.shortText(r.freed().orElseThrow().caller().orElseThrow()));
        assertEquals(new Region(0, "inside", "", 64, 0xffff888004b5c000L, 0xffff888004b5c040L), r.region().orElseThrow());
        assertEquals(Optional.of("Kernel panic - not syncing: kasan.fault=panic set ..."), r.panic());

        KasanReport old = report("", DOUBLE_FREE_61);
        assertEquals("double-free", old.bugType());
        assertEquals("oops_df_init+0x3f/0x1000 [oops_df]", old.location().orElseThrow().symbolText());
        assertTrue(old.access().isEmpty() && old.object().isEmpty() && old.allocated().isEmpty());
    }

    @Test
    void globalOutOfBoundsNamesTheVariable() {
        KasanReport r = report("[    7.100000] [    T1] ", GLOBAL_OOB);
        assertEquals("global-out-of-bounds", r.bugType());
        assertEquals(new Access("Read", 4, 0xffffffffc0a0e2a8L, "insmod", 77), r.access().orElseThrow());
        assertEquals(Optional.of("the global variable oops_table+0x28/0x40 [oops_glob]"), r.memory());
        assertTrue(r.object().isEmpty() && r.region().isEmpty());
        assertEquals("oops_glob_init", r.caller().orElseThrow().function());
    }

    @Test
    void stackOutOfBoundsNamesTheFrame() {
        KasanReport r = report("", STACK_OOB);
        assertEquals("stack-out-of-bounds", r.bugType());
        assertEquals(Optional.of("the stack of task insmod/88, at offset 40 in the frame of oops_stack_init+0x0 [oops_stack]"),
                r.memory());
    }

    @Test
    void theLastReportWins() {
        List<String> log = new java.util.ArrayList<>(lines("", UAF_61));
        log.addAll(lines("", OOB_612));
        assertEquals("slab-out-of-bounds", KasanReport.find(log).orElseThrow().bugType());
        assertTrue(KasanReport.find(List.of("BUG: kernel NULL pointer dereference, address: 0000000000000008")).isEmpty());
    }

    @Test
    void olderAndShortWordings() {
        KasanReport r = KasanReport.find(List.of(
                "BUG: KASAN: double-free or invalid-free in kfree+0x90/0x220",
                "",
                "The buggy address belongs to the object at ffff888004b5c000 which belongs to the cache kmalloc-64 of size 64",
                "The buggy address is located 4 bytes right of 60-byte region [ffff888004b5c000, ffff888004b5c03c)",
                "Read at addr ffff888004b5c040 by task sh/1")).orElseThrow();
        assertEquals("double-free or invalid-free", r.bugType());
        assertEquals(new Region(4, "to the right", "", 60, 0xffff888004b5c000L, 0xffff888004b5c03cL), r.region().orElseThrow());
        assertEquals(0, r.access().orElseThrow().size());
        assertEquals("kmalloc-64", r.object().orElseThrow().cache());
        // A truncated report (no closing rule, no object) still gives its header.
        KasanReport cut = KasanReport.find(List.of("[ 1.0] BUG: KASAN: invalid-access")).orElseThrow();
        assertEquals("invalid-access", cut.bugType());
        assertTrue(cut.location().isEmpty());
    }

    @Test
    void gpfHints() {
        List<String> oops = List.of(
                "[   20.100000] general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN NOPTI",
                "[   20.100400] KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]",
                "[   20.100800] CPU: 0 PID: 1 Comm: insmod Tainted: G           OE      6.1.0-28-amd64 #1");
        KasanReport.Hint h = KasanReport.findHint(oops).orElseThrow();
        assertEquals(new KasanReport.Hint("null-ptr-deref", "", 8, 0xf,
                "KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]"), h);
        KasanReport.Hint user = KasanReport.findHint(List.of(
                "KASAN: probably user-memory-access in range [0x00000000deadbee8-0x00000000deadbeef]")).orElseThrow();
        assertEquals("user-memory-access", user.bugType());
        assertEquals("probably", user.hedge());
        assertEquals(0xdeadbee8L, user.start());
        KasanReport.Hint wild = KasanReport.findHint(List.of(
                "Nov 26 15:00:01 host kernel: KASAN: maybe wild-memory-access in range [0xdead000000000100-0xdead000000000107]"))
                .orElseThrow();
        assertEquals("wild-memory-access", wild.bugType());
        assertEquals(0xdead000000000107L, wild.end());
        assertTrue(KasanReport.findHint(List.of("general protection fault: 0000 [#1] SMP")).isEmpty());
        // The hint is a header line of the oops, so the registers path sees it among the kernel's lines.
        assertTrue(OopsLines.find(oops).orElseThrow().lines().get(1).contains("null-ptr-deref in range"));
    }

    @Test
    void mangledReportsNeverThrow() {
        java.util.Random r = new java.util.Random(11);
        List<String> all = new java.util.ArrayList<>();
        for (String t : List.of(UAF_612, UAF_61, OOB_612, DOUBLE_FREE_612, GLOBAL_OOB, STACK_OOB)) {
            all.addAll(t.lines().toList());
        }
        all.add("Read of size 99999999999999999999 at addr ffff888004b5c008 by task a/99999999999");
        all.add("The buggy address is located 99999999999999999999 bytes inside of");
        all.add("x".repeat(OopsText.MAX_LINE + 10));
        for (int n = 0; n < 500; n++) {
            List<String> log = new java.util.ArrayList<>();
            log.add("BUG: KASAN: slab-use-after-free in f+0x1/0x2");
            for (int k = r.nextInt(60); k > 0; k--) {
                String l = all.get(r.nextInt(all.size()));
                log.add(r.nextInt(4) == 0 && !l.isEmpty() ? l.substring(0, r.nextInt(l.length())) : l);
            }
            KasanReport rep = KasanReport.find(log).orElseThrow();
            assertFalse(rep.bugType().isEmpty());
            rep.caller();
            KasanClassifier.verdict(rep, f -> Optional.empty());
        }
    }
}
