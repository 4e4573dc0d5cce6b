package dev.vmcore.types;

import java.util.List;
import java.util.Optional;

/** {@code enum tag}; tag null when anonymous. */
public record EnumType(String tag, long size, boolean signed, List<Enumerator> enumerators) implements Type {
    public EnumType {
        enumerators = List.copyOf(enumerators);
    }

    /** One {@code NAME = value}. */
    public record Enumerator(String name, long value) {
    }

    /** The first enumerator with this value. */
    public Optional<String> nameOf(long value) {
        return enumerators.stream().filter(e -> e.value() == value).map(Enumerator::name).findFirst();
    }
}
