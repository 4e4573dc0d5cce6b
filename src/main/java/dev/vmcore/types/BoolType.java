package dev.vmcore.types;

/** _Bool. */
public record BoolType(String name, long size) implements Type {
}
