package dev.vmcore.format.dwarf;

/**
 * One abbreviation declaration: the tag, whether DIEs using it have children, and their attribute
 * names and forms (with the value of each {@code DW_FORM_implicit_const}).
 */
record Abbrev(int code, int tag, boolean hasChildren, int[] attrs, int[] forms, long[] implicitConsts) {
    /** Index of attribute {@code at} in {@link #attrs}, or -1. */
    int indexOf(int at) {
        for (int i = 0; i < attrs.length; i++) {
            if (attrs[i] == at) {
                return i;
            }
        }
        return -1;
    }
}
