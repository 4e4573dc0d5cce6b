package dev.vmcore.format.elf;

/**
 * One ELF64 section header.
 *
 * @param index its index in the section header table
 * @param name its name from the section-name string table
 */
public record ElfSection(int index, String name, int type, long flags, long addr, long offset, long size, int link,
                         int info, long entsize) {
    public static final int SIZE = 64;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_SYMTAB_SHNDX = 18;
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public boolean isAlloc() {
        return (flags & SHF_ALLOC) != 0;
    }

    /** True when the section occupies bytes in the file (not SHT_NOBITS, not SHT_NULL). */
    public boolean hasContents() {
        return type != SHT_NOBITS && type != 0;
    }
}
