package dev.vmcore.memory;

/**
 * The facts a page walk needs, handed down as a value by whoever learned them (VMCOREINFO, CPU
 * notes, the kernel's own variables), so this layer never looks them up itself.
 *
 * @param topTablePhys physical address of the top-level table (PGD, or PML5 with 5-level paging)
 * @param fiveLevel true when the kernel runs with 5-level paging (LA57)
 * @param physBase physical address the kernel text was loaded at, minus its link address's offset:
 *     kernel-text virtual addresses map linearly as {@code vaddr - 0xffffffff80000000 + physBase}
 * @param pageOffset start of the direct map of all physical memory ({@code page_offset_base})
 * @param smeMask AMD SME encryption bit to strip from entries (0 when not in use)
 */
public record PagingConfig(long topTablePhys, boolean fiveLevel, long physBase, long pageOffset, long smeMask) {
    /** Start of the kernel text mapping, {@code __START_KERNEL_map}. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** A physBase meaning "not known": kernel text is then translated by the page walk as well. */
    public static final long PHYS_BASE_UNKNOWN = Long.MIN_VALUE;
    /** A pageOffset meaning "not known": direct-map addresses are then translated by the page walk. */
    public static final long PAGE_OFFSET_UNKNOWN = 0;

    /** The same configuration with the direct map's base now known. */
    public PagingConfig withPageOffset(long base) {
        return new PagingConfig(topTablePhys, fiveLevel, physBase, base, smeMask);
    }
}
