package dev.vmcore.types;

import dev.vmcore.util.Lazy;
import java.util.function.Supplier;

/** A pointer; its target is resolved on first use (a struct may point to itself). */
public final class PointerType implements Type {
    private final long size;
    private final Supplier<Type> target;

    /** @param target called at most once, on first {@link #target()} */
    public PointerType(long size, Supplier<Type> target) {
        this.size = size;
        this.target = Lazy.of(target);
    }

    public static PointerType to(Type target, long size) {
        return new PointerType(size, () -> target);
    }

    public Type target() {
        return target.get();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return TypeNames.name(this);
    }
}
