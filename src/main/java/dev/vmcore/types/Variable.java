package dev.vmcore.types;

/** A named variable or function with its type, as a type source knows it (no address). */
public record Variable(String name, Type type) {
}
