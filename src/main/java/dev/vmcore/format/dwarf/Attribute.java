package dev.vmcore.format.dwarf;

/**
 * One raw attribute value as read: a constant, an address or index, a unit-relative reference, a
 * section offset, or (DW_FORM_string and the block forms) the {@code .debug_info} position of the value.
 * {@link Die} has typed, resolved accessors.
 */
public record Attribute(int name, int form, long value) {
}
