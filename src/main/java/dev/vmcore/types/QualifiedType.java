package dev.vmcore.types;

/** A const, volatile, restrict or _Atomic {@code target} (BTF has no _Atomic). */
public record QualifiedType(Qualifier qualifier, Type target) implements Type {
    public enum Qualifier {
        CONST("const"), VOLATILE("volatile"), RESTRICT("restrict"), ATOMIC("_Atomic");

        private final String keyword;

        Qualifier(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    @Override
    public long size() {
        return target.size();
    }

    @Override
    public String toString() {
        return TypeNames.name(this);
    }
}
