package dev.vmcore.unwind;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.util.ByteCursor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An x86-64 {@code struct pt_regs} (arch/x86/include/asm/ptrace.h): the registers an exception or
 * interrupt entry saved on the stack, or the registers a CPU note holds.
 *
 * @param address where it sits in memory; -1 for registers that came from a CPU note
 * @param values  by name, in pt_regs order; an IRET-only frame holds just ip, cs, flags, sp, ss
 */
public record PtRegs(long address, Map<String, Long> values) {
    /** The member order of struct pt_regs, 8 bytes each; the ABI fixes it. */
    public static final List<String> NAMES = List.of("r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10",
            "r9", "r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss");
    public static final int SIZE = 8 * 21;
    /** offsetof(struct pt_regs, ip): where an IRET frame starts (the kernel's IRET_FRAME_OFFSET). */
    public static final int IRET_OFFSET = 8 * 16;
    public static final int IRET_SIZE = 8 * 5;

    public PtRegs {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Reads a full pt_regs at {@code address}. */
    public static PtRegs read(AddressSpace mem, long address) {
        byte[] b = mem.readBytes(address, SIZE);
        Map<String, Long> v = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            v.put(NAMES.get(i), ByteCursor.getLong(b, i * 8));
        }
        return new PtRegs(address, v);
    }

    /** Reads the IRET frame (ip, cs, flags, sp, ss) at {@code iretAddress}; the pt_regs starts IRET_OFFSET below it. */
    public static PtRegs readIret(AddressSpace mem, long iretAddress) {
        byte[] b = mem.readBytes(iretAddress, IRET_SIZE);
        Map<String, Long> v = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            v.put(NAMES.get(16 + i), ByteCursor.getLong(b, i * 8));
        }
        return new PtRegs(iretAddress - IRET_OFFSET, v);
    }

    /**
     * Registers from a CPU note (names as {@code CpuNote} gives them: rax, r8, rip, eflags or
     * rflags...), renamed to pt_regs names.
     */
    public static PtRegs fromNote(Map<String, Long> note) {
        Map<String, Long> v = new LinkedHashMap<>();
        for (String n : NAMES) {
            Long value = switch (n) {
                case "flags" -> note.getOrDefault("eflags", note.get("rflags"));
                case "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cs", "ss" -> note.get(n);
                default -> note.get("r" + n);
            };
            if (value != null) {
                v.put(n, value);
            }
        }
        return new PtRegs(-1, v);
    }

    /** These registers with {@code newer}'s values (and address) replacing theirs where it has them. */
    public PtRegs overlaidWith(PtRegs newer) {
        Map<String, Long> v = new LinkedHashMap<>();
        for (String n : NAMES) {
            Long x = newer.values.containsKey(n) ? newer.values.get(n) : values.get(n);
            if (x != null) {
                v.put(n, x);
            }
        }
        return new PtRegs(newer.address, v);
    }

    public OptionalLong get(String name) {
        Long v = values.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** Every general register is present (not just an IRET frame). */
    public boolean full() {
        return values.containsKey("r15") && values.containsKey("di");
    }

    /** The saved code segment says user mode (CPL 3). */
    public boolean userMode() {
        return (values.getOrDefault("cs", 0L) & 3) == 3;
    }
}
