package dev.vmcore.types;

/** {@code typedef target name}. */
public record TypedefType(String name, Type target) implements Type {
    @Override
    public long size() {
        return target.size();
    }

    @Override
    public String toString() {
        return "typedef " + name;
    }
}
