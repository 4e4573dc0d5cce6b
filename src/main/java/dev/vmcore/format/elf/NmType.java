package dev.vmcore.format.elf;

/**
 * The one-letter symbol class {@code nm} prints, computed as binutils does: {@code bfd_decode_symclass}
 * and {@code decode_section_type} in {@code bfd/syms.c}, over the section flags
 * {@code _bfd_elf_make_section_from_shdr} ({@code bfd/elf.c}) derives from an ELF section header.
 */
final class NmType {
    private NmType() {
    }

    /** The letter for a symbol; {@code sectionLetters} holds {@link #ofSection} of each section. */
    static char of(int type, int binding, int shndx, char[] sectionLetters) {
        if (shndx == ElfSymbol.SHN_COMMON) {
            return 'C';
        }
        if (shndx == ElfSymbol.SHN_UNDEF) {
            if (binding == ElfSymbol.STB_WEAK) {
                return type == ElfSymbol.STT_OBJECT ? 'v' : 'w';
            }
            return 'U';
        }
        if (type == ElfSymbol.STT_GNU_IFUNC) {
            return 'i';
        }
        if (binding == ElfSymbol.STB_WEAK) {
            return type == ElfSymbol.STT_OBJECT ? 'V' : 'W';
        }
        if (binding == ElfSymbol.STB_GNU_UNIQUE) {
            return 'u';
        }
        if (binding != ElfSymbol.STB_GLOBAL && binding != ElfSymbol.STB_LOCAL) {
            return '?';
        }
        char c;
        if (shndx == ElfSymbol.SHN_ABS) {
            c = 'a';
        } else if (shndx >= 0 && shndx < sectionLetters.length) {
            c = sectionLetters[shndx];
        } else {
            return '?';
        }
        return binding == ElfSymbol.STB_GLOBAL ? Character.toUpperCase(c) : c;
    }

    /** The lowercase letter of symbols defined in {@code s}: t, r, d, b, N, n or '?'. */
    static char ofSection(ElfSection s) {
        boolean contents = s.type() != ElfSection.SHT_NOBITS;
        boolean alloc = (s.flags() & ElfSection.SHF_ALLOC) != 0;
        boolean load = alloc && contents;
        boolean readOnly = (s.flags() & ElfSection.SHF_WRITE) == 0;
        boolean code = (s.flags() & ElfSection.SHF_EXECINSTR) != 0;
        if (code) {
            return 't';
        }
        if (load) {
            return readOnly ? 'r' : 'd';
        }
        if (!contents) {
            return 'b';
        }
        if (!alloc && isDebugging(s.name())) {
            return 'N';
        }
        return readOnly ? 'n' : '?';
    }

    /** BFD knows debugging sections by name only. */
    private static boolean isDebugging(String name) {
        return name.startsWith(".debug") || name.startsWith(".gnu.debuglto_.debug_")
                || name.startsWith(".gnu.linkonce.wi.") || name.startsWith(".zdebug") || name.startsWith(".line")
                || name.startsWith(".stab") || name.equals(".gdb_index");
    }
}
