package dev.vmcore.unwind;

import dev.vmcore.format.orc.OrcEntry;
import dev.vmcore.format.orc.OrcFormat;
import dev.vmcore.format.orc.OrcReg;
import dev.vmcore.format.orc.OrcType;
import dev.vmcore.memory.ArrayAddressSpace;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.Unsigned;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ORC unwind loop over synthetic stacks: memory is one array mapped at {@link #BASE}, with a
 * task stack and an IRQ stack above it; the ORC data is a map of ip ranges to entries.
 */
class OrcUnwinderTest {
    private static final long BASE = 0xffffc90000000000L;
    private static final int MEMORY = 0x10000;
    private static final StackRegion TASK = new StackRegion("task", BASE, BASE + 0x4000);
    private static final StackRegion IRQ = new StackRegion("IRQ", BASE + 0x8000, BASE + 0xc000);
    private static final StackLayout LAYOUT = new StackLayout(List.of(TASK, IRQ));

    private static final long TEXT = 0xffffffff81000000L;
    private static final long TEXT_END = TEXT + 0x100000;

    private static final OrcEntry END = new OrcEntry(OrcReg.UNDEFINED, 0, OrcReg.UNDEFINED, 0, OrcType.END_OF_STACK, false);
    private static final OrcEntry UNDEFINED = new OrcEntry(OrcReg.UNDEFINED, 0, OrcReg.UNDEFINED, 0, OrcType.UNDEFINED, false);
    private static final OrcEntry BP_FRAME = new OrcEntry(OrcReg.BP, 16, OrcReg.PREV_SP, -16, OrcType.CALL, false);
    private static final OrcEntry REGS = new OrcEntry(OrcReg.SP, 0, OrcReg.UNDEFINED, 0, OrcType.REGS, true);
    private static final OrcEntry IRET = new OrcEntry(OrcReg.SP, 0, OrcReg.UNDEFINED, 0, OrcType.REGS_PARTIAL, true);

    private final byte[] bytes = new byte[MEMORY];
    private final ArrayAddressSpace mem = new ArrayAddressSpace(BASE, bytes);
    private final Orc orc = new Orc();

    /** ORC data for the test: each entry covers [its ip, the next entry's ip); a null entry is a gap (no data). */
    private static final class Orc implements OrcLookup {
        final TreeMap<Long, Optional<OrcEntry>> entries = new TreeMap<>(Unsigned::compare);
        final List<Long> queries = new ArrayList<>();

        Orc at(long ip, OrcEntry e) {
            entries.put(ip, Optional.ofNullable(e));
            return this;
        }

        @Override
        public boolean isText(long ip) {
            return Unsigned.lessOrEqual(TEXT, ip) && Unsigned.lessThan(ip, TEXT_END);
        }

        @Override
        public Optional<OrcEntry> find(long ip) {
            queries.add(ip);
            Map.Entry<Long, Optional<OrcEntry>> e = entries.floorEntry(ip);
            return e == null ? Optional.empty() : e.getValue();
        }
    }

    /** Function {@code i}'s start: 0x1000 apart. */
    private static long fn(int i) {
        return TEXT + 0x1000L * i;
    }

    private static OrcEntry call(int spOffset) {
        return new OrcEntry(OrcReg.SP, spOffset, OrcReg.UNDEFINED, 0, OrcType.CALL, false);
    }

    private void put(long address, long value) {
        int at = (int) (address - BASE);
        for (int k = 0; k < 8; k++) {
            bytes[at + k] = (byte) (value >>> (8 * k));
        }
    }

    /** A pt_regs with every register set to a distinct value (0x1000 + index), then the given ones. */
    private static Map<String, Long> regs(Object... nameValue) {
        Map<String, Long> v = new LinkedHashMap<>();
        for (int i = 0; i < PtRegs.NAMES.size(); i++) {
            v.put(PtRegs.NAMES.get(i), 0x1000L + i);
        }
        for (int i = 0; i < nameValue.length; i += 2) {
            v.put((String) nameValue[i], (Long) nameValue[i + 1]);
        }
        return v;
    }

    private void putRegs(long address, Map<String, Long> values) {
        for (int i = 0; i < PtRegs.NAMES.size(); i++) {
            put(address + 8L * i, values.get(PtRegs.NAMES.get(i)));
        }
    }

    private StackTrace unwind(RegisterState start) {
        return new OrcUnwinder(mem, orc, LAYOUT, OrcUnwinder.DEFAULT_MAX_FRAMES).unwind(start);
    }

    /** A start from registers that are not a pt_regs: exact ip, no slot. */
    private static RegisterState at(long ip, long sp, long bp) {
        return new RegisterState(ip, sp, bp, 0, true, null);
    }

    private static void assertFrame(Frame f, long ip, long slot, long sp, StackRegion stack, boolean reliable) {
        String what = "frame at ip " + Long.toHexString(f.ip());
        assertEquals(Long.toHexString(ip), Long.toHexString(f.ip()), what + " ip");
        assertEquals(Long.toHexString(slot), Long.toHexString(f.slot()), what + " slot");
        assertEquals(Long.toHexString(sp), Long.toHexString(f.sp()), what + " sp");
        assertEquals(stack, f.stack(), what + " stack");
        assertEquals(reliable, f.reliable(), what + " reliable");
    }

    private static void assertClean(StackTrace t) {
        assertEquals(Optional.empty(), t.error());
    }

    // (a) CALL frames with the SP base

    @Test
    void callChainWithSpBase() {
        long s0 = BASE + 0x3000;
        long ret1 = fn(1) + 0x20;
        long ret2 = fn(2) + 0x40;
        long ret3 = fn(3) + 0x8;
        orc.at(fn(0), call(16))
                .at(fn(1), call(8)).at(ret1, UNDEFINED) // only ret1 - 1 has the right entry
                .at(fn(2), call(24))
                .at(fn(3), END);
        put(s0 + 8, ret1);
        put(s0 + 16, ret2);
        put(s0 + 40, ret3);
        StackTrace t = unwind(at(fn(0) + 0x10, s0, 0));
        assertClean(t);
        assertEquals(4, t.frames().size());
        assertFrame(t.frames().get(0), fn(0) + 0x10, 0, s0, TASK, true);
        assertFrame(t.frames().get(1), ret1, s0 + 8, s0 + 16, TASK, true);
        assertFrame(t.frames().get(2), ret2, s0 + 16, s0 + 24, TASK, true);
        assertFrame(t.frames().get(3), ret3, s0 + 40, s0 + 48, TASK, true);
        assertTrue(t.frames().stream().allMatch(f -> f.exception().isEmpty()));
        assertEquals(List.of(fn(0) + 0x10, ret1 - 1, ret2 - 1, ret3 - 1), orc.queries,
                "exact ip for the start, return address - 1 after");
    }

    @Test
    void startFromASavedReturnAddressLooksUpIpMinusOne() {
        // a sleeping task: its ip is a return address read from the stack
        long s0 = BASE + 0x2000;
        long ip = fn(1);
        orc.at(fn(0), call(8)).at(fn(1), UNDEFINED).at(fn(2), END);
        put(s0, fn(2) + 4);
        StackTrace t = unwind(new RegisterState(ip, s0, 0, s0 - 8, false, null));
        assertClean(t);
        assertEquals(2, t.frames().size());
        assertFrame(t.frames().get(0), ip, s0 - 8, s0, TASK, true);
        assertFrame(t.frames().get(1), fn(2) + 4, s0, s0 + 8, TASK, true);
    }

    @Test
    void zeroReturnAddressEndsTheUnwind() {
        long s0 = BASE + 0x3f00;
        orc.at(fn(0), call(8));
        put(s0, 0);
        StackTrace t = unwind(at(fn(0) + 1, s0, 0));
        assertClean(t);
        assertEquals(1, t.frames().size());
    }

    // (b) BP-based frames

    @Test
    void framePointerFramesRestoreBpFromPrevSp() {
        long b1 = BASE + 0x1000;
        long b2 = BASE + 0x1100;
        long b3 = BASE + 0x1300;
        long ret1 = fn(1) + 0x30;
        long ret2 = fn(2) + 0x30;
        long ret3 = fn(3) + 0x30;
        long ret4 = fn(4) + 0x30;
        orc.at(fn(0), BP_FRAME).at(fn(1), BP_FRAME)
                .at(fn(2), call(8)) // bp UNDEFINED: unchanged, b3 still
                .at(fn(3), BP_FRAME).at(fn(4), END);
        put(b1, b2);
        put(b1 + 8, ret1);
        put(b2, b3);
        put(b2 + 8, ret2);
        put(b2 + 16, ret3); // fn(2)'s return address, at its sp (b2 + 16) + 8 - 8
        put(b3, 0);
        put(b3 + 8, ret4);
        StackTrace t = unwind(at(fn(0) + 0x40, BASE + 0xf00, b1));
        assertClean(t);
        assertEquals(5, t.frames().size());
        assertFrame(t.frames().get(1), ret1, b1 + 8, b1 + 16, TASK, true);
        assertFrame(t.frames().get(2), ret2, b2 + 8, b2 + 16, TASK, true);
        assertFrame(t.frames().get(3), ret3, b2 + 16, b2 + 24, TASK, true);
        assertFrame(t.frames().get(4), ret4, b3 + 8, b3 + 16, TASK, true);
    }

    @Test
    void bpRuleBpLoadsFromTheOldFramePointer() {
        long s0 = BASE + 0x2000;
        long b0 = BASE + 0x2100;
        long b1 = BASE + 0x2400;
        orc.at(fn(0), new OrcEntry(OrcReg.SP, 16, OrcReg.BP, -8, OrcType.CALL, false))
                .at(fn(1), BP_FRAME).at(fn(2), END);
        put(s0 + 8, fn(1) + 0x10);
        put(b0 - 8, b1);
        put(b1 + 8, fn(2) + 0x10);
        StackTrace t = unwind(at(fn(0) + 4, s0, b0));
        assertClean(t);
        assertEquals(3, t.frames().size());
        assertFrame(t.frames().get(1), fn(1) + 0x10, s0 + 8, s0 + 16, TASK, true);
        assertFrame(t.frames().get(2), fn(2) + 0x10, b1 + 8, b1 + 16, TASK, true);
    }

    // (c) REGS

    @Test
    void regsFrameContinuesAtTheExceptionIpExactly() {
        long s0 = BASE + 0x2000;
        long entry = fn(5);                    // asm_exc_page_fault
        long pt = s0 + 8;                      // its pt_regs, at the caller's sp
        long faultIp = fn(6) + 0x80;           // the faulting instruction
        long faultSp = BASE + 0x2400;
        long faultBp = BASE + 0x2500;
        orc.at(fn(0), call(8))
                .at(entry, REGS)
                .at(faultIp - 0x10, UNDEFINED).at(faultIp, BP_FRAME) // ip - 1 would find UNDEFINED
                .at(fn(7), END);
        put(s0, entry + 0x30);
        Map<String, Long> values = regs("ip", faultIp, "sp", faultSp, "bp", faultBp, "cs", 0x10L, "flags", 0x10246L);
        putRegs(pt, values);
        put(faultBp + 8, fn(7) + 0x20);
        StackTrace t = unwind(at(fn(0) + 8, s0, 0));
        assertClean(t);
        assertEquals(3, t.frames().size());
        Frame exc = t.frames().get(1);
        assertFrame(exc, entry + 0x30, s0, s0 + 8, TASK, true);
        assertTrue(exc.exception().isPresent());
        PtRegs regs = exc.exception().get();
        assertEquals(pt, regs.address());
        assertEquals(values, regs.values());
        assertEquals(PtRegs.NAMES, List.copyOf(regs.values().keySet()));
        assertTrue(regs.full());
        // the caller of the faulting function: found through regs.bp, with the entry at faultIp itself
        assertFrame(t.frames().get(2), fn(7) + 0x20, faultBp + 8, faultBp + 16, TASK, true);
        assertTrue(t.frames().get(2).exception().isEmpty());
        assertTrue(t.frames().get(0).exception().isEmpty());
        assertEquals(List.of(fn(0) + 8, entry + 0x2f, faultIp, fn(7) + 0x1f), orc.queries);
    }

    @Test
    void regsFrameFromUserModeEndsCleanly() {
        long s0 = BASE + 0x3e00;
        orc.at(fn(0), call(8)).at(fn(5), REGS);
        put(s0, fn(5) + 0x10);
        Map<String, Long> user = regs("ip", 0x401000L, "sp", 0x7ffc0000L, "cs", 0x33L);
        putRegs(s0 + 8, user);
        StackTrace t = unwind(at(fn(0) + 1, s0, 0));
        assertClean(t);
        assertEquals(2, t.frames().size());
        assertEquals(Optional.of(new PtRegs(s0 + 8, user)), t.frames().get(1).exception());
        assertTrue(t.frames().get(1).exception().get().userMode());
        assertEquals(List.of(fn(0) + 1, fn(5) + 0xf), orc.queries, "nothing looked up at the user ip");
    }

    // (d) REGS_PARTIAL

    @Test
    void iretFrameGivesIpAndSpOnly() {
        long s0 = BASE + 0x1800;
        long ip = fn(3) + 0x44;
        long sp = BASE + 0x1a00;
        long bp = BASE + 0x1c00;
        // an interrupt entry before the full pt_regs is saved: the IRET frame is at sp + 8
        orc.at(fn(2), new OrcEntry(OrcReg.SP, 8, OrcReg.UNDEFINED, 0, OrcType.REGS_PARTIAL, true))
                .at(ip - 4, UNDEFINED).at(ip, call(16)).at(fn(4), END);
        put(s0 + 8, ip);
        put(s0 + 16, 0x10);
        put(s0 + 24, 0x246);
        put(s0 + 32, sp);
        put(s0 + 40, 0x18);
        put(sp + 8, fn(4) + 0x10);
        StackTrace t = unwind(at(fn(2) + 0x4, s0, bp));
        assertClean(t);
        assertEquals(2, t.frames().size());
        PtRegs iret = t.frames().get(0).exception().orElseThrow();
        assertEquals(s0 + 8 - PtRegs.IRET_OFFSET, iret.address());
        assertEquals(Map.of("ip", ip, "cs", 0x10L, "flags", 0x246L, "sp", sp, "ss", 0x18L), iret.values());
        assertFalse(iret.full());
        assertFrame(t.frames().get(1), fn(4) + 0x10, sp + 8, sp + 16, TASK, true);
        assertEquals(List.of(fn(2) + 4, ip, fn(4) + 0xf), orc.queries);
    }

    @Test
    void iretFrameToUserModeEndsCleanly() {
        long s0 = BASE + 0x1800;
        orc.at(fn(2), IRET);
        put(s0, 0x401234);
        put(s0 + 8, 0x33);
        put(s0 + 16, 0x246);
        put(s0 + 24, 0x7ffd1000L);
        put(s0 + 32, 0x2b);
        StackTrace t = unwind(at(fn(2) + 2, s0, 0));
        assertClean(t);
        assertEquals(1, t.frames().size());
        assertEquals(0x401234L, t.frames().get(0).exception().orElseThrow().get("ip").getAsLong());
    }

    @Test
    void iretFrameTakesBpFromTheFullRegistersBeforeIt() {
        // kernel get_reg: after REGS_PARTIAL with full regs before it, bp comes from prev_regs
        long s0 = BASE + 0x1800;
        long ip = fn(3) + 0x10;
        long bpFromNote = BASE + 0x1f00;
        orc.at(fn(2), IRET).at(fn(3), BP_FRAME).at(fn(4), END);
        PtRegs note = new PtRegs(-1, regs("ip", fn(2) + 2, "sp", s0, "bp", bpFromNote, "cs", 0x10L));
        put(s0, ip);
        put(s0 + 8, 0x10);
        put(s0 + 24, BASE + 0x1c00);
        put(bpFromNote + 8, fn(4) + 0x60);
        StackTrace t = unwind(RegisterState.fromRegisters(note));
        assertClean(t);
        assertEquals(2, t.frames().size());
        assertFrame(t.frames().get(1), fn(4) + 0x60, bpFromNote + 8, bpFromNote + 16, TASK, true);
    }

    // (e) indirect sp bases, across stacks

    @Test
    void spIndirectSwitchesFromTheIrqStackToTheTaskStack() {
        long irqSp = IRQ.end() - 0x40;
        long taskSp = TASK.start() + 0x3800; // below irqSp in numbers: only a stack switch makes that legal
        orc.at(fn(0), call(8))
                .at(fn(1), new OrcEntry(OrcReg.SP_INDIRECT, 8, OrcReg.UNDEFINED, 0, OrcType.CALL, false))
                .at(fn(2), call(8)).at(fn(3), END);
        long s0 = irqSp - 0x20;
        put(s0, fn(1) + 0x18);
        put(irqSp - 0x18, taskSp);
        put(taskSp, fn(2) + 0x28);
        put(taskSp + 8, fn(3) + 0x38);
        StackTrace t = unwind(at(fn(0) + 5, s0, 0));
        assertClean(t);
        assertEquals(4, t.frames().size());
        assertFrame(t.frames().get(0), fn(0) + 5, 0, s0, IRQ, true);
        assertFrame(t.frames().get(1), fn(1) + 0x18, s0, s0 + 8, IRQ, true);
        assertFrame(t.frames().get(2), fn(2) + 0x28, taskSp, taskSp + 8, TASK, true);
        assertFrame(t.frames().get(3), fn(3) + 0x38, taskSp + 8, taskSp + 16, TASK, true);
    }

    @Test
    void bpIndirectLoadsSpFromBpPlusOffset() {
        long s0 = BASE + 0x1000;
        long bp = BASE + 0x1100;
        long cfa = BASE + 0x1300;
        orc.at(fn(0), new OrcEntry(OrcReg.BP_INDIRECT, 16, OrcReg.UNDEFINED, 0, OrcType.CALL, false))
                .at(fn(1), END);
        put(bp + 16, cfa);
        put(cfa - 8, fn(1) + 0x11);
        StackTrace t = unwind(at(fn(0) + 3, s0, bp));
        assertClean(t);
        assertEquals(2, t.frames().size());
        assertFrame(t.frames().get(1), fn(1) + 0x11, cfa - 8, cfa, TASK, true);
    }

    @Test
    void wrongDirectionWithinOneStackIsStillCaughtAfterASwitch() {
        long irqSp = IRQ.start() + 0x100;
        long taskSp = TASK.start() + 0x200;
        orc.at(fn(1), new OrcEntry(OrcReg.SP_INDIRECT, 0, OrcReg.UNDEFINED, 0, OrcType.CALL, false))
                .at(fn(2), call(-16));
        put(irqSp, taskSp + 8);
        put(taskSp, fn(2) + 0x8);
        StackTrace t = unwind(at(fn(1), irqSp, 0));
        assertEquals(2, t.frames().size());
        assertEquals(Optional.of(String.format("stack going the wrong way at %x (sp %x -> %x)", fn(2) + 8, taskSp + 8,
                taskSp - 8)), t.error());
    }

    // (f) sp from a register of the full set

    @Test
    void r10AndDiBasesComeFromTheStartRegisters() {
        for (OrcReg reg : List.of(OrcReg.R10, OrcReg.DI, OrcReg.DX, OrcReg.R13)) {
            orc.entries.clear();
            long cfa = BASE + 0x3100;
            orc.at(fn(0), new OrcEntry(reg, 0, OrcReg.UNDEFINED, 0, OrcType.CALL, false)).at(fn(1), END);
            put(cfa - 8, fn(1) + 0x70);
            String name = reg.name().toLowerCase(java.util.Locale.ROOT);
            PtRegs note = new PtRegs(-1, regs("ip", fn(0) + 0x10, "sp", BASE + 0x3000, name, cfa, "cs", 0x10L));
            StackTrace t = unwind(RegisterState.fromRegisters(note));
            assertClean(t);
            assertEquals(2, t.frames().size(), reg.toString());
            assertFrame(t.frames().get(1), fn(1) + 0x70, cfa - 8, cfa, TASK, true);
        }
    }

    @Test
    void registerBaseWithoutRegistersIsAnError() {
        orc.at(fn(0), new OrcEntry(OrcReg.R10, 0, OrcReg.UNDEFINED, 0, OrcType.CALL, false));
        StackTrace t = unwind(at(fn(0) + 0x10, BASE + 0x3000, 0));
        assertEquals(1, t.frames().size());
        assertEquals(Optional.of(String.format("the stack pointer at %x is in r10, whose value is not known",
                fn(0) + 0x10)), t.error());
    }

    @Test
    void registersAreGoneAfterACallFrame() {
        long s0 = BASE + 0x3000;
        orc.at(fn(0), call(8)).at(fn(1), new OrcEntry(OrcReg.DI, 0, OrcReg.UNDEFINED, 0, OrcType.CALL, false));
        put(s0, fn(1) + 0x20);
        PtRegs note = new PtRegs(-1, regs("ip", fn(0) + 0x10, "sp", s0, "di", BASE + 0x3800, "cs", 0x10L));
        StackTrace t = unwind(RegisterState.fromRegisters(note));
        assertEquals(2, t.frames().size());
        assertEquals(Optional.of(String.format("the stack pointer at %x is in di, whose value is not known",
                fn(1) + 0x20)), t.error());
    }

    @Test
    void registerBaseAfterAnIretFrameUsesTheFullRegistersBeforeIt() {
        long s0 = BASE + 0x1800;
        long cfa = BASE + 0x1e00;
        orc.at(fn(2), IRET)
                .at(fn(3), new OrcEntry(OrcReg.R10, 0, OrcReg.UNDEFINED, 0, OrcType.CALL, false))
                .at(fn(4), END);
        PtRegs note = new PtRegs(-1, regs("ip", fn(2) + 2, "sp", s0, "r10", cfa, "cs", 0x10L));
        put(s0, fn(3) + 0x10);
        put(s0 + 8, 0x10);
        put(s0 + 24, BASE + 0x1c00);
        put(cfa - 8, fn(4) + 0x20);
        StackTrace t = unwind(RegisterState.fromRegisters(note));
        assertClean(t);
        assertEquals(2, t.frames().size());
        assertFrame(t.frames().get(1), fn(4) + 0x20, cfa - 8, cfa, TASK, true);
    }

    // (g) user mode

    @Test
    void userModeStartRegistersEndAtOnce() {
        PtRegs user = new PtRegs(-1, regs("ip", 0x401000L, "sp", 0x7ffc1000L, "cs", 0x33L));
        StackTrace t = unwind(RegisterState.fromRegisters(user));
        assertClean(t);
        assertEquals(1, t.frames().size());
        assertFrame(t.frames().get(0), 0x401000L, 0, 0x7ffc1000L, null, true);
        assertEquals(List.of(), orc.queries);
    }

    // (h) UNDEFINED and END_OF_STACK

    @Test
    void undefinedEntryStopsWithAnError() {
        long s0 = BASE + 0x3000;
        orc.at(fn(0), call(8)).at(fn(1), UNDEFINED);
        put(s0, fn(1) + 0x20);
        StackTrace t = unwind(at(fn(0) + 1, s0, 0));
        assertEquals(2, t.frames().size());
        assertEquals(Optional.of(String.format("no unwind data at %x (ORC entry undefined)", fn(1) + 0x20)), t.error());
    }

    @Test
    void endOfStackAtTheStart() {
        orc.at(fn(0), END);
        StackTrace t = unwind(at(fn(0), BASE + 0x3ff0, 0));
        assertClean(t);
        assertEquals(1, t.frames().size());
        assertFrame(t.frames().get(0), fn(0), 0, BASE + 0x3ff0, TASK, true);
    }

    @Test
    void unusableBaseRegistersAreErrors() {
        orc.at(fn(0), new OrcEntry(OrcReg.PREV_SP, 8, OrcReg.UNDEFINED, 0, OrcType.CALL, false))
                .at(fn(1), new OrcEntry(OrcReg.SP, 8, OrcReg.SP, 0, OrcType.CALL, false));
        StackTrace t = unwind(at(fn(0), BASE + 0x3000, 0));
        assertEquals(Optional.of(String.format("ORC entry at %x has an unusable sp base register PREV_SP", fn(0))),
                t.error());
        StackTrace t2 = unwind(at(fn(1), BASE + 0x3000, 0));
        assertEquals(1, t2.frames().size());
        assertEquals(Optional.of(String.format("ORC entry at %x has an unusable bp base register SP", fn(1))),
                t2.error());
    }

    // (i) no ORC entry

    @Test
    void noEntryFallsBackToTheFramePointerUnreliably() {
        long bp = BASE + 0x2000;
        long s0 = BASE + 0x1f00;
        long bpfCode = fn(8) + 0x100; // a BPF program: text without ORC data
        orc.at(fn(8), null).at(fn(9), call(8)).at(fn(10), END);
        put(bp, BASE + 0x2800);
        put(bp + 8, fn(9) + 0x10);
        put(bp + 16, fn(10) + 0x10);
        StackTrace t = unwind(at(bpfCode, s0, bp));
        assertClean(t);
        assertEquals(3, t.frames().size());
        assertFrame(t.frames().get(0), bpfCode, 0, s0, TASK, true);
        assertFrame(t.frames().get(1), fn(9) + 0x10, bp + 8, bp + 16, TASK, false);
        assertFrame(t.frames().get(2), fn(10) + 0x10, bp + 16, bp + 24, TASK, true);
    }

    @Test
    void returnAddressOutsideTextIsAnError() {
        long s0 = BASE + 0x3000;
        orc.at(fn(0), call(8));
        put(s0, 0xdeadbeefL);
        StackTrace t = unwind(at(fn(0) + 2, s0, 0));
        assertEquals(2, t.frames().size());
        assertFrame(t.frames().get(1), 0xdeadbeefL, s0, s0 + 8, TASK, true);
        assertEquals(Optional.of("deadbeef is not kernel text: no way to unwind from it"), t.error());
    }

    // (j) loops

    @Test
    void selfPointingFramePointerIsTheWrongWay() {
        long bp = BASE + 0x2000;
        orc.at(fn(8), null);
        put(bp, bp); // saved bp points at itself
        put(bp + 8, fn(8) + 0x50);
        StackTrace t = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> unwind(at(fn(8) + 0x10, BASE + 0x1f00, bp)));
        assertEquals(2, t.frames().size());
        assertEquals(Optional.of(String.format("stack going the wrong way at %x (sp %x -> %x)", fn(8) + 0x50, bp + 16,
                bp + 16)), t.error());
    }

    @Test
    void spNotIncreasingIsTheWrongWay() {
        long s0 = BASE + 0x3000;
        orc.at(fn(0), call(0));
        put(s0 - 8, fn(0) + 0x10);
        StackTrace t = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> unwind(at(fn(0) + 0x10, s0, 0)));
        assertEquals(1, t.frames().size());
        assertEquals(Optional.of(String.format("stack going the wrong way at %x (sp %x -> %x)", fn(0) + 0x10, s0, s0)),
                t.error());
    }

    @Test
    void regsFrameBackToTheSameSpIsTheWrongWay() {
        long s0 = BASE + 0x3000;
        orc.at(fn(5), REGS);
        putRegs(s0, regs("ip", fn(5) + 0x10, "sp", s0, "cs", 0x10L));
        StackTrace t = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> unwind(at(fn(5) + 0x10, s0, 0)));
        assertEquals(1, t.frames().size());
        assertEquals(Optional.of(String.format("stack going the wrong way at %x (sp %x -> %x)", fn(5) + 0x10, s0, s0)),
                t.error());
    }

    @Test
    void regsFramesBouncingBetweenTwoStacksNeverHang() {
        // pt_regs on the task stack says "continue on the IRQ stack" and the one there says "back to the task stack"
        long taskRegs = TASK.start() + 0x1000;
        long irqRegs = IRQ.start() + 0x1000;
        orc.at(fn(5), REGS).at(fn(6), REGS);
        putRegs(taskRegs, regs("ip", fn(6) + 0x10, "sp", irqRegs, "cs", 0x10L));
        putRegs(irqRegs, regs("ip", fn(5) + 0x10, "sp", taskRegs, "cs", 0x10L));
        StackTrace t = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> new OrcUnwinder(mem, orc, LAYOUT, 64).unwind(at(fn(5) + 0x10, taskRegs, 0)));
        assertTrue(t.error().isPresent(), "a loop is an error");
        assertTrue(t.frames().size() <= 64);
    }

    // (k) the frame cap

    @Test
    void frameCap() {
        long s0 = BASE + 0x100;
        orc.at(fn(0), call(8));
        for (long a = s0; a < TASK.end(); a += 8) {
            put(a, fn(0) + 0x20); // endless recursion, every frame 8 bytes up
        }
        StackTrace t = new OrcUnwinder(mem, orc, LAYOUT, 5).unwind(at(fn(0) + 0x20, s0, 0));
        assertEquals(5, t.frames().size());
        assertEquals(Optional.of("stopped after 5 frames"), t.error());
        assertFrame(t.frames().get(4), fn(0) + 0x20, s0 + 24, s0 + 32, TASK, true);

        StackTrace big = unwind(at(fn(0) + 0x20, s0, 0));
        assertEquals(OrcUnwinder.DEFAULT_MAX_FRAMES, big.frames().size());
        assertEquals(Optional.of("stopped after " + OrcUnwinder.DEFAULT_MAX_FRAMES + " frames"), big.error());
    }

    // (l) unreadable memory

    @Test
    void unreadableReturnAddressIsAnErrorNotAnException() {
        long s0 = BASE + MEMORY; // just past the mapped bytes
        orc.at(fn(0), call(16));
        StackTrace t = unwind(at(fn(0) + 1, s0, 0));
        assertEquals(1, t.frames().size());
        assertTrue(t.error().orElseThrow().startsWith("cannot read the stack: "), t.error().get());
        assertTrue(t.error().get().contains(Long.toHexString(s0 + 8)), t.error().get());
    }

    @Test
    void unreadablePtRegsAndIndirectSpAreErrors() {
        long s0 = BASE + MEMORY - 0x40; // a pt_regs there runs off the mapped bytes
        orc.at(fn(5), REGS).at(fn(6), new OrcEntry(OrcReg.SP_INDIRECT, 8, OrcReg.UNDEFINED, 0, OrcType.CALL, false))
                .at(fn(7), IRET).at(fn(8), null);
        StackTrace regs = unwind(at(fn(5), s0, 0));
        assertEquals(1, regs.frames().size());
        assertTrue(regs.error().orElseThrow().startsWith("cannot read the stack: "), regs.error().get());
        StackTrace indirect = unwind(at(fn(6), BASE - 0x1000, 0));
        assertTrue(indirect.error().orElseThrow().startsWith("cannot read the stack: "), indirect.error().get());
        StackTrace iret = unwind(at(fn(7), BASE + MEMORY - 0x20, 0));
        assertTrue(iret.error().orElseThrow().startsWith("cannot read the stack: "), iret.error().get());
        StackTrace bp = unwind(at(fn(8), BASE + 0x100, 0x10)); // no ORC: frame pointer 0x10 is not mapped
        assertTrue(bp.error().orElseThrow().startsWith("cannot read the stack: "), bp.error().get());
    }

    // (m) format detection

    private static ByteSource entriesWithSpRegs(int... spRegs) {
        byte[] b = new byte[6 * spRegs.length];
        for (int i = 0; i < spRegs.length; i++) {
            b[6 * i] = 8;
            b[6 * i + 4] = (byte) (spRegs[i] | 0x10);
            b[6 * i + 5] = 2;
        }
        return ByteSource.of("entries", b);
    }

    @Test
    void detectFormat() {
        int[] old = new int[1000];
        int[] renumbered = new int[1000];
        for (int i = 0; i < old.length; i++) {
            old[i] = i % 4 == 0 ? 4 : 5;        // BP and SP before 7.1
            renumbered[i] = i % 4 == 0 ? 4 : 3; // BP and SP after
        }
        assertEquals(OrcFormat.END_BIT, KernelOrc.detectFormat(false, entriesWithSpRegs(old), old.length));
        assertEquals(OrcFormat.END_BIT, KernelOrc.detectFormat(false, entriesWithSpRegs(renumbered), renumbered.length),
                "no .orc_header: a pre-6.4 kernel, whatever the data");
        assertEquals(OrcFormat.TYPED, KernelOrc.detectFormat(true, entriesWithSpRegs(old), old.length));
        assertEquals(OrcFormat.TYPED_RENUMBERED,
                KernelOrc.detectFormat(true, entriesWithSpRegs(renumbered), renumbered.length));
        assertEquals(OrcFormat.TYPED_RENUMBERED, KernelOrc.detectFormat(true, entriesWithSpRegs(3, 3, 5), 3));
        assertEquals(OrcFormat.TYPED, KernelOrc.detectFormat(true, entriesWithSpRegs(5, 5, 3), 3));
        assertEquals(OrcFormat.TYPED, KernelOrc.detectFormat(true, entriesWithSpRegs(), 0), "empty: the older guess");
    }

    @Test
    void detectFormatSamplesAcrossTheWholeTable() {
        // the first half SP-old, the second half SP-new with more of them: sampling only the start would miss it
        int n = 10_000;
        int[] regs = new int[n];
        for (int i = 0; i < n; i++) {
            regs[i] = i < n * 4 / 10 ? 5 : 3;
        }
        assertEquals(OrcFormat.TYPED_RENUMBERED, KernelOrc.detectFormat(true, entriesWithSpRegs(regs), n));
    }
}
