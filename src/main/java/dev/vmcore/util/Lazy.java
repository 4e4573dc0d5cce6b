package dev.vmcore.util;

import java.util.function.Supplier;

/**
 * A value computed on first use, once, thread-safely; a failure is not remembered, so a retry
 * recomputes. Sessions use it for their lazily built sources, types for references that may point
 * back at themselves.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> compute;
    private volatile T value;

    private Lazy(Supplier<T> compute) {
        this.compute = compute;
    }

    public static <T> Lazy<T> of(Supplier<T> compute) {
        return new Lazy<>(compute);
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = compute.get();
                    value = v;
                }
            }
        }
        return v;
    }
}
