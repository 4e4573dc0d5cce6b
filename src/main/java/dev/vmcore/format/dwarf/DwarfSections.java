package dev.vmcore.format.dwarf;

import java.util.Optional;

/**
 * Where the DWARF section bytes come from: an ELF file (decompressed, with relocations applied for
 * relocatable objects), a test writer, anything. The reader asks once per section and keeps the
 * array it gets; it never writes to it.
 */
@FunctionalInterface
public interface DwarfSections {
    /** The contents of section {@code name} (e.g. {@code ".debug_info"}), empty when absent. */
    Optional<byte[]> find(String name);
}
