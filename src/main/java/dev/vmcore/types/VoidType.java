package dev.vmcore.types;

/** void. */
public record VoidType() implements Type {
    public static final VoidType INSTANCE = new VoidType();

    @Override
    public long size() {
        return 0;
    }
}
