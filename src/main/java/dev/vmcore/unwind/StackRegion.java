package dev.vmcore.unwind;

import dev.vmcore.util.Unsigned;

/**
 * One stack: {@code [start, end)}.
 *
 * @param name how crash names it in its switch markers: "IRQ", "NMI exception", or "task" for the task's own
 */
public record StackRegion(String name, long start, long end) {
    public boolean contains(long address) {
        return Unsigned.lessOrEqual(start, address) && Unsigned.lessThan(address, end);
    }

    public boolean isTask() {
        return name.equals("task");
    }
}
