package dev.vmcore.types;

import java.util.List;

/** A function type (what a function pointer points to). Parameter names may be null. */
public record FunctionType(Type returnType, List<Param> params, boolean variadic) implements Type {
    public FunctionType {
        params = List.copyOf(params);
    }

    public record Param(String name, Type type) {
    }

    @Override
    public long size() {
        return 0;
    }

    @Override
    public String toString() {
        return TypeNames.name(this);
    }
}
