package dev.vmcore.types;

import java.util.Optional;

/** Types and variables by name, from one kind of debug information. */
public interface TypeSource {
    /**
     * A type by C name: "struct foo", "union bar", "enum baz", a typedef name, or a base type name
     * ("unsigned long" and DWARF's "long unsigned int" alike). A bare name that is no typedef or
     * base type falls back to the struct, union or enum of that tag, in that order.
     */
    Optional<Type> findType(String name);

    /** A variable or function by name. BTF knows functions and per-CPU variables only. */
    Optional<Variable> findVariable(String name);

    /**
     * The names {@link #findType} knows ("struct task_struct", "u64"), for suggestions after a
     * typo; empty where listing them would be costly.
     */
    default java.util.Collection<String> typeNames() {
        return java.util.List.of();
    }

    /** Where the types come from, for sys and messages: "BTF from dump", "BTF from vmlinux". */
    String description();
}
