package dev.vmcore.unwind;

import java.util.List;
import java.util.Optional;

/** The stacks a task can run on: its own, its CPU's IRQ stack and exception stacks. */
public record StackLayout(List<StackRegion> regions) {
    public StackLayout {
        regions = List.copyOf(regions);
    }

    public Optional<StackRegion> regionOf(long address) {
        return regions.stream().filter(r -> r.contains(address)).findFirst();
    }

    public Optional<StackRegion> task() {
        return regions.stream().filter(StackRegion::isTask).findFirst();
    }
}
