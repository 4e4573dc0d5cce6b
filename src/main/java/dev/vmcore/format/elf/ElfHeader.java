package dev.vmcore.format.elf;

import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

/** The ELF64 little-endian file header, with the program-header count already resolved. */
public record ElfHeader(int type, int machine, long entry, long phoff, long shoff, int flags, int phentsize,
                        long phnum, int shentsize, int shnum, int shstrndx) {
    public static final int SIZE = 64;
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;
    public static final int EM_X86_64 = 62;
    /** e_phnum value meaning "the real count is in section header 0's sh_info". */
    static final int PN_XNUM = 0xffff;

    /** Parses the header of {@code src}; for PN_XNUM files reads the real count from section 0. */
    public static ElfHeader read(ByteSource src) {
        ByteCursor c = src.cursor(0, SIZE);
        byte[] ident = c.bytes(16);
        if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
            throw new FormatException(src.name(), 0, "not an ELF file (bad magic)");
        }
        if (ident[4] != 2 || ident[5] != 1) {
            throw new FormatException(src.name(), 4, "not a 64-bit little-endian ELF file");
        }
        int type = c.u16();
        int machine = c.u16();
        c.u32(); // e_version
        long entry = c.u64();
        long phoff = c.u64();
        long shoff = c.u64();
        int flags = c.s32();
        c.u16(); // e_ehsize
        int phentsize = c.u16();
        long phnum = c.u16();
        int shentsize = c.u16();
        int shnum = c.u16();
        int shstrndx = c.u16();
        if (phnum == PN_XNUM) {
            // makedumpfile (and the gABI) put the real count in section 0's sh_info (offset 44).
            if (shoff == 0 || shoff > src.size() - 64) {
                throw new FormatException(src.name(), 40, "e_phnum is PN_XNUM but there is no section header 0");
            }
            phnum = src.cursor(shoff + 44, 4).u32();
        }
        return new ElfHeader(type, machine, entry, phoff, shoff, flags, phentsize, phnum, shentsize, shnum, shstrndx);
    }
}
