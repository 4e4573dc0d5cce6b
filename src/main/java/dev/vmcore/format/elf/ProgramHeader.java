package dev.vmcore.format.elf;

import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

import java.util.ArrayList;
import java.util.List;

/** One ELF64 program header (segment). */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz,
                            long align) {
    public static final int SIZE = 56;
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    /** Upper bound on segments, far above any real dump, so a corrupt count cannot exhaust memory. */
    static final long MAX_SEGMENTS = 1L << 22;

    /** Reads all program headers of {@code src}, wherever e_phoff points (QEMU puts them after the section headers). */
    public static List<ProgramHeader> readAll(ByteSource src, ElfHeader h) {
        if (h.phnum() == 0) {
            return List.of();
        }
        if (h.phentsize() != SIZE) {
            throw new FormatException(src.name(), 54, "program header size " + h.phentsize() + ", expected " + SIZE);
        }
        if (h.phnum() > MAX_SEGMENTS || h.phoff() < 0 || h.phoff() > src.size()
                || h.phnum() * SIZE > src.size() - h.phoff()) {
            throw new FormatException(src.name(), 32, h.phnum() + " program headers at offset 0x"
                    + Long.toHexString(h.phoff()) + " do not fit in the file (size 0x" + Long.toHexString(src.size()) + ")");
        }
        ByteCursor c = src.cursor(h.phoff(), (int) (h.phnum() * SIZE));
        List<ProgramHeader> result = new ArrayList<>((int) h.phnum());
        for (long i = 0; i < h.phnum(); i++) {
            int type = c.s32();
            int flags = c.s32();
            result.add(new ProgramHeader(type, flags, c.u64(), c.u64(), c.u64(), c.u64(), c.u64(), c.u64()));
        }
        return result;
    }
}
