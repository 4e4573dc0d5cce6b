package dev.vmcore.types;

import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Several type sources asked in order, the first answer winning: e.g. the kernel's BTF, then each
 * module's BTF, then the vmlinux's DWARF, then module DWARF. The member sources are suppliers so
 * that an expensive one (a DWARF name index) is built only when the cheaper ones before it do not
 * know a name. A source that cannot be loaded is left out by its supplier; a source that fails on
 * a lookup (corrupt DWARF or BTF met late, a FormatException naming section and offset) is reported
 * once to the warning sink and not asked again, and the lookup goes on with the others.
 */
public final class CompositeTypeSource implements TypeSource {
    private final List<Supplier<List<TypeSource>>> sources;
    private final String description;
    private final Consumer<String> warnings;
    private final Set<TypeSource> broken = ConcurrentHashMap.newKeySet();

    /**
     * @param sources each gives zero or more sources when first asked (a supplier may itself be
     *     lazy and cache); asked in list order
     * @param description what sys shows, e.g. "BTF from dump + DWARF from vmlinux"
     */
    public CompositeTypeSource(List<Supplier<List<TypeSource>>> sources, String description) {
        this(sources, description, w -> { });
    }

    /** As above; {@code warnings} receives one line for each source given up on. */
    public CompositeTypeSource(List<Supplier<List<TypeSource>>> sources, String description, Consumer<String> warnings) {
        this.sources = List.copyOf(sources);
        this.description = description;
        this.warnings = warnings;
    }

    @Override
    public Optional<Type> findType(String name) {
        return first(t -> t.findType(name));
    }

    @Override
    public Optional<Variable> findVariable(String name) {
        return first(t -> t.findVariable(name));
    }

    private <T> Optional<T> first(Function<TypeSource, Optional<T>> lookup) {
        for (Supplier<List<TypeSource>> s : sources) {
            for (TypeSource t : s.get()) {
                if (broken.contains(t)) {
                    continue;
                }
                try {
                    Optional<T> found = lookup.apply(t);
                    if (found.isPresent()) {
                        return found;
                    }
                } catch (VmcoreException e) {
                    broken.add(t);
                    warnings.accept(t.description() + " not used any more: " + e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public java.util.Collection<String> typeNames() {
        List<String> all = new ArrayList<>();
        for (TypeSource t : members()) {
            if (!broken.contains(t)) {
                all.addAll(t.typeNames());
            }
        }
        return all;
    }

    /** The member sources loaded so far and those that load now (forces every supplier). */
    public List<TypeSource> members() {
        List<TypeSource> all = new ArrayList<>();
        for (Supplier<List<TypeSource>> s : sources) {
            all.addAll(s.get());
        }
        return all;
    }

    @Override
    public String description() {
        return description;
    }
}
