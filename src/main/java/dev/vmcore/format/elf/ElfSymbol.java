package dev.vmcore.format.elf;

/**
 * One entry of an ELF symbol table, as stored (values are link-time; section-relative in a .ko).
 *
 * @param type STT_* (st_info & 0xf)
 * @param binding STB_* (st_info >> 4)
 * @param sectionIndex st_shndx, with SHN_XINDEX already resolved through .symtab_shndx
 * @param sectionName the section's name, or "*UND*", "*ABS*", "*COM*" for the special indices
 * @param nmType the letter {@code nm} prints for it (T/t text, D/d data, B/b bss, R/r read-only,
 *     A/a absolute, W/w/V/v weak, U undefined, C common, N debugging, n other read-only)
 */
public record ElfSymbol(String name, long value, long size, int type, int binding, int sectionIndex,
                        String sectionName, char nmType) {
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;
    public static final int STT_COMMON = 5;
    public static final int STT_TLS = 6;
    public static final int STT_GNU_IFUNC = 10;
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STB_GNU_UNIQUE = 10;
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    public boolean isDefined() {
        return sectionIndex != SHN_UNDEF;
    }

    public boolean isAbsolute() {
        return sectionIndex == SHN_ABS;
    }

    /** Section and file symbols: nm hides them unless asked (-a), as they are debugging symbols to BFD. */
    public boolean isDebugging() {
        return type == STT_SECTION || type == STT_FILE;
    }
}
