package dev.vmcore.format.dwarf;

/**
 * A named top-level DIE found by the {@link NameIndex}.
 *
 * @param tag DW_TAG_*
 * @param declaration true for a declaration only (DW_AT_declaration), e.g. an opaque struct
 */
public record IndexEntry(String name, int tag, long unitOffset, long dieOffset, boolean declaration) {
}
