package dev.vmcore.dump;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds x86-64 ELF core dumps in memory for tests: PT_LOAD segments with their bytes (and
 * p_memsz beyond them), notes, program headers right after the ELF header or after a section
 * header table as QEMU 7.2 writes them, and makedumpfile's PN_XNUM form for huge segment counts.
 */
final class ElfCoreWriter {
    record Segment(long paddr, long vaddr, byte[] data, long memsz) {
    }

    record Note(String name, int type, byte[] desc) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();
    private boolean qemuLayout;
    private boolean pnXnum;
    private int flags;

    ElfCoreWriter segment(long paddr, byte[] data) {
        return segment(paddr, 0xffff888000000000L + paddr, data, data.length);
    }

    ElfCoreWriter segment(long paddr, long vaddr, byte[] data, long memsz) {
        segments.add(new Segment(paddr, vaddr, data, memsz));
        return this;
    }

    ElfCoreWriter note(String name, int type, byte[] desc) {
        notes.add(new Note(name, type, desc));
        return this;
    }

    ElfCoreWriter vmcoreInfo(String text) {
        return note("VMCOREINFO", 0, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A CORE/NT_PRSTATUS note with the pid and the registers in user_regs_struct order. */
    ElfCoreWriter prstatus(int pid, long... regs) {
        ByteBuffer b = ByteBuffer.allocate(336).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(32, pid);
        for (int i = 0; i < regs.length; i++) {
            b.putLong(112 + 8 * i, regs[i]);
        }
        return note("CORE", 1, b.array());
    }

    /** Section headers at 64 and program headers after them, as QEMU 7.2 does. */
    ElfCoreWriter qemuLayout() {
        qemuLayout = true;
        return this;
    }

    /** e_phnum = PN_XNUM with the real count in section 0's sh_info, as makedumpfile writes for 65535+ segments. */
    ElfCoreWriter pnXnum() {
        pnXnum = true;
        return this;
    }

    ElfCoreWriter flags(int f) {
        flags = f;
        return this;
    }

    byte[] build() {
        byte[] noteArea = noteArea();
        int phnum = segments.size() + 1;
        boolean sections = qemuLayout || pnXnum;
        long shoff = sections ? 64 : 0;
        long phoff = sections ? 64 + 64 : 64;
        long dataStart = phoff + 56L * phnum;
        ByteBuffer out = ByteBuffer.allocate((int) (dataStart + noteArea.length
                + segments.stream().mapToLong(s -> s.data().length).sum())).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        out.position(16);
        out.putShort((short) 4).putShort((short) 62).putInt(1).putLong(0).putLong(phoff).putLong(shoff)
                .putInt(flags).putShort((short) 64).putShort((short) 56)
                .putShort((short) (pnXnum ? 0xffff : phnum)).putShort((short) (sections ? 64 : 0))
                .putShort((short) (sections ? 1 : 0)).putShort((short) 0);
        if (sections) {
            out.position(64 + 44);
            out.putInt(pnXnum ? phnum : 0); // section 0 sh_info
        }
        out.position((int) phoff);
        long offset = dataStart;
        putPhdr(out, 4, offset, 0, 0, noteArea.length, noteArea.length);
        offset += noteArea.length;
        for (Segment s : segments) {
            putPhdr(out, 1, offset, s.vaddr(), s.paddr(), s.data().length, s.memsz());
            offset += s.data().length;
        }
        out.put(noteArea);
        for (Segment s : segments) {
            out.put(s.data());
        }
        return out.array();
    }

    private static void putPhdr(ByteBuffer b, int type, long offset, long vaddr, long paddr, long filesz, long memsz) {
        b.putInt(type).putInt(7).putLong(offset).putLong(vaddr).putLong(paddr).putLong(filesz).putLong(memsz).putLong(0);
    }

    private byte[] noteArea() {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        for (Note n : notes) {
            byte[] name = (n.name() + "\0").getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(name.length).putInt(n.desc().length).putInt(n.type());
            a.writeBytes(h.array());
            a.writeBytes(name);
            a.writeBytes(new byte[pad(name.length)]);
            a.writeBytes(n.desc());
            a.writeBytes(new byte[pad(n.desc().length)]);
        }
        return a.toByteArray();
    }

    private static int pad(int n) {
        return (4 - (n & 3)) & 3;
    }
}
