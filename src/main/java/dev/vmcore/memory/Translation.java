package dev.vmcore.memory;

import java.util.List;

/**
 * How a virtual address maps to a physical one.
 *
 * @param vaddr the virtual address asked for
 * @param paddr the physical address it maps to
 * @param pageSize the size of the mapping page (4 KiB, 2 MiB, 1 GiB), or 0 for a linear mapping
 *     that needs no page tables (kernel text, direct map computed from offsets)
 * @param steps each page-table level visited, top first (empty for a linear mapping)
 */
public record Translation(long vaddr, long paddr, long pageSize, List<Step> steps) {
    public Translation {
        steps = List.copyOf(steps);
    }

    /**
     * One page-table level of a walk.
     *
     * @param level "PGD"/"P4D"/"PUD"/"PMD"/"PTE" as crash names them
     * @param tableEntryAddress physical address of the entry read
     * @param entry the entry's raw value
     */
    public record Step(String level, long tableEntryAddress, long entry) {
    }
}
