package dev.vmcore.types;

/**
 * {@code element[length]}. A {@code flexible} array member ({@code x[]}) has length 0, as has a GNU
 * zero-length array ({@code x[0]}); they print differently.
 */
public record ArrayType(Type element, long length, boolean flexible) implements Type {
    public ArrayType(Type element, long length) {
        this(element, length, false);
    }

    @Override
    public long size() {
        return Types.sizeof(this);
    }

    @Override
    public String toString() {
        return TypeNames.name(this);
    }
}
