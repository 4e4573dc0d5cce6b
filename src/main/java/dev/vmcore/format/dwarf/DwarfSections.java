package dev.vmcore.format.dwarf;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the DWARF section bytes come from: an ELF file (mapped slices of it; decompressed, or with
 * relocations applied for relocatable objects, in the heap), a test writer, anything. The reader
 * asks once per section and keeps the buffer it gets; it reads the bytes between the buffer's
 * position and limit with absolute gets, and never writes to them or moves the buffer's position.
 *
 * <p>For an ELF file: {@code Dwarf.open(elf::sectionBuffer)}. For arrays: {@link #of} or {@link #ofArrays}.
 */
@FunctionalInterface
public interface DwarfSections {
    /** The contents of section {@code name} (e.g. {@code ".debug_info"}), empty when absent. */
    Optional<ByteBuffer> find(String name);

    /** Sections given as arrays (tests, bytes read from memory); the arrays are wrapped, not copied. */
    static DwarfSections ofArrays(Function<String, Optional<byte[]>> arrays) {
        return name -> arrays.apply(name).map(ByteBuffer::wrap);
    }

    /** Sections from a map of name to contents (the arrays are wrapped, not copied). */
    static DwarfSections of(Map<String, byte[]> sections) {
        return name -> Optional.ofNullable(sections.get(name)).map(ByteBuffer::wrap);
    }
}
