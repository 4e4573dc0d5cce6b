package dev.vmcore.dump;

import dev.vmcore.format.elf.ElfNote;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.FormatException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registers one CPU note holds, decoded for x86-64.
 *
 * @param index the note's position among notes of its kind (kdump and QEMU write one per CPU, in CPU order)
 * @param kind "NT_PRSTATUS" (the kernel's crash_setup_regs or an NMI, or QEMU's copy) or "QEMU" (QEMUCPUState)
 * @param pid the pid in NT_PRSTATUS (0 for QEMU notes)
 * @param registers name to value, in the order the note holds them
 */
public record CpuNote(int index, String kind, int pid, Map<String, Long> registers) {
    /** user_regs_struct order (arch/x86/include/asm/user_64.h), as in elf_prstatus.pr_reg. */
    static final List<String> PRSTATUS_REGS = List.of("r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10",
            "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss",
            "fs_base", "gs_base", "ds", "es", "fs", "gs");
    /** x86-64 struct elf_prstatus: pr_pid at 32, pr_reg at 112 (include/uapi/linux/elfcore.h). */
    static final int PRSTATUS_PID = 32;
    static final int PRSTATUS_REG = 112;
    static final int NT_PRSTATUS = 1;

    /** QEMUCPUState (qemu target/i386/arch_dump.c): version, size, 18 GPRs, 10 segments of 24 bytes, cr[5]. */
    static final List<String> QEMU_GPRS = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags");
    static final List<String> QEMU_SEGMENTS = List.of("cs", "ds", "es", "fs", "gs", "ss", "ldt", "tr", "gdt", "idt");

    public CpuNote {
        registers = Collections.unmodifiableMap(new LinkedHashMap<>(registers));
    }

    public Optional<Long> register(String name) {
        return Optional.ofNullable(registers.get(name));
    }

    /** Decodes the CPU notes among {@code notes}: NT_PRSTATUS from "CORE", QEMUCPUState from "QEMU". */
    public static List<CpuNote> decodeAll(List<ElfNote> notes, String source) {
        List<CpuNote> result = new java.util.ArrayList<>();
        int prstatus = 0;
        int qemu = 0;
        for (ElfNote n : notes) {
            if (n.name().equals("CORE") && n.type() == NT_PRSTATUS) {
                result.add(prstatus(prstatus++, n, source));
            } else if (n.name().equals("QEMU") && n.type() == 0) {
                result.add(qemu(qemu++, n, source));
            }
        }
        return List.copyOf(result);
    }

    private static CpuNote prstatus(int index, ElfNote n, String source) {
        if (n.desc().length < PRSTATUS_REG + PRSTATUS_REGS.size() * 8) {
            throw new FormatException(source, n.offset(), "NT_PRSTATUS note of " + n.desc().length
                    + " bytes is too short for x86-64 (needs 328)");
        }
        ByteCursor c = new ByteCursor(source, n.desc(), n.offset());
        int pid = c.seek(PRSTATUS_PID).s32();
        c.seek(PRSTATUS_REG);
        Map<String, Long> regs = new LinkedHashMap<>();
        for (String r : PRSTATUS_REGS) {
            regs.put(r, c.u64());
        }
        return new CpuNote(index, "NT_PRSTATUS", pid, regs);
    }

    private static CpuNote qemu(int index, ElfNote n, String source) {
        ByteCursor c = new ByteCursor(source, n.desc(), n.offset());
        long version = c.u32();
        long size = c.u32();
        if (version != 1 || size > n.desc().length || size < 432) {
            throw new FormatException(source, n.offset(), "QEMU CPU note version " + version + " of size " + size
                    + " is not the known version 1 layout");
        }
        Map<String, Long> regs = new LinkedHashMap<>();
        for (String r : QEMU_GPRS) {
            regs.put(r, c.u64());
        }
        for (String s : QEMU_SEGMENTS) {
            long selector = c.u32();
            c.u32(); // limit
            c.u32(); // flags
            c.u32(); // pad
            long base = c.u64();
            if (s.equals("gdt") || s.equals("idt")) {
                regs.put(s + "_base", base);
            } else {
                regs.put(s, selector);
                if (s.equals("fs") || s.equals("gs")) {
                    regs.put(s + "_base", base);
                }
            }
        }
        for (int i = 0; i < 5; i++) {
            regs.put("cr" + i, c.u64());
        }
        return new CpuNote(index, "QEMU", 0, regs);
    }
}
