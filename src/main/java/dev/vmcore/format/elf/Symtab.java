package dev.vmcore.format.elf;

import dev.vmcore.util.ByteCursor;

/**
 * An ELF symbol table as stored: the entries and their string table, read by index without an
 * object per symbol. A vmlinux has about 190,000 symbols; readers that keep numbers and name
 * offsets (the kernel's symbol table) use this, {@link ElfSymbols#symbols()} builds on it.
 * Entry 0 (the null symbol) is counted; indexes run from 1.
 */
public final class Symtab {
    private final byte[] entries;
    private final byte[] strings;
    private final byte[] xindex;
    private final char[] sectionLetters;

    Symtab(byte[] entries, byte[] strings, byte[] xindex, char[] sectionLetters) {
        this.entries = entries;
        this.strings = strings;
        this.xindex = xindex;
        this.sectionLetters = sectionLetters;
    }

    /** Entries, including the null entry 0. */
    public int count() {
        return entries.length / ElfSymbols.SYM_SIZE;
    }

    /** The string table the name offsets point into (NUL-terminated Latin-1 names). */
    public byte[] strings() {
        return strings;
    }

    /** st_name: the offset of the name in {@link #strings()}. */
    public int nameOffset(int i) {
        return ByteCursor.getInt(entries, i * ElfSymbols.SYM_SIZE);
    }

    /** Whether the name offset lies in the string table (0 is the empty name). */
    public boolean nameInTable(int i) {
        long off = Integer.toUnsignedLong(nameOffset(i));
        return off < strings.length || off == 0;
    }

    /** True for the empty name (offset 0, or one pointing at a NUL). */
    public boolean nameEmpty(int i) {
        long off = Integer.toUnsignedLong(nameOffset(i));
        return off >= strings.length || strings[(int) off] == 0;
    }

    /** The name, decoded (allocates). */
    public String name(int i) {
        return ElfSymbols.cString(strings, Integer.toUnsignedLong(nameOffset(i)));
    }

    /** Whether the name is {@code name} (Latin-1), without decoding it. */
    public boolean nameIs(int i, String name) {
        long off = Integer.toUnsignedLong(nameOffset(i));
        if (off + name.length() >= strings.length) {
            return false;
        }
        int p = (int) off;
        for (int k = 0; k < name.length(); k++) {
            if ((strings[p + k] & 0xff) != name.charAt(k)) {
                return false;
            }
        }
        return strings[p + name.length()] == 0;
    }

    public int info(int i) {
        return entries[i * ElfSymbols.SYM_SIZE + 4] & 0xff;
    }

    /** STT_*. */
    public int type(int i) {
        return info(i) & 0xf;
    }

    /** STB_*. */
    public int binding(int i) {
        return info(i) >>> 4;
    }

    /** st_shndx, with SHN_XINDEX resolved through {@code .symtab_shndx}. */
    public int sectionIndex(int i) {
        int p = i * ElfSymbols.SYM_SIZE;
        int shndx = (entries[p + 6] & 0xff) | (entries[p + 7] & 0xff) << 8;
        if (shndx == ElfSymbol.SHN_XINDEX && xindex != null && (long) i * 4 + 4 <= xindex.length) {
            shndx = ByteCursor.getInt(xindex, i * 4);
        }
        return shndx;
    }

    public long value(int i) {
        return ByteCursor.getLong(entries, i * ElfSymbols.SYM_SIZE + 8);
    }

    public long size(int i) {
        return ByteCursor.getLong(entries, i * ElfSymbols.SYM_SIZE + 16);
    }

    /** The letter nm prints. */
    public char nmType(int i) {
        return NmType.of(type(i), binding(i), sectionIndex(i), sectionLetters);
    }

    /** Section and file symbols (BFD's debugging symbols). */
    public boolean isDebugging(int i) {
        int t = type(i);
        return t == ElfSymbol.STT_SECTION || t == ElfSymbol.STT_FILE;
    }
}
