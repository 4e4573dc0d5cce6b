package dev.vmcore.types;

/** float, double, long double. */
public record FloatType(String name, long size) implements Type {
}
