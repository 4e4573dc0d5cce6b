package dev.vmcore.memory;

/** What a dump holds for one page frame. */
public enum PageState {
    /** The page's bytes are in the dump. */
    PRESENT,
    /** Stored as an all-zero page (makedumpfile's shared zero page, or ELF p_filesz < p_memsz). */
    ZERO,
    /** RAM that makedumpfile filtered out at the dump level in force. */
    EXCLUDED,
    /** The page lies in a part of the file that is missing (an incomplete or cut-short dump). */
    TRUNCATED,
    /** Not RAM the dump knows of (a hole, or beyond the end of memory). */
    ABSENT;

    /** True when a read of the page succeeds. */
    public boolean readable() {
        return this == PRESENT || this == ZERO;
    }
}
