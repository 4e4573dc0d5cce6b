package dev.vmcore.types;

import dev.vmcore.util.Lazy;
import java.util.List;
import java.util.function.Supplier;

/** A struct or union; its members are resolved on first use. Incomplete (declared only) when !complete(). */
public final class StructType implements Type {
    public enum Kind {
        STRUCT("struct"), UNION("union");

        private final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    private final Kind kind;
    private final String tag;
    private final long size;
    private final boolean complete;
    private final Supplier<List<Member>> members;

    /**
     * @param tag null for an anonymous struct or union
     * @param members called at most once, on first {@link #members()}
     */
    public StructType(Kind kind, String tag, long size, boolean complete, Supplier<List<Member>> members) {
        this.kind = kind;
        this.tag = tag;
        this.size = size;
        this.complete = complete;
        this.members = Lazy.of(() -> List.copyOf(members.get()));
    }

    public Kind kind() {
        return kind;
    }

    public boolean isUnion() {
        return kind == Kind.UNION;
    }

    /** The tag, or null when anonymous. */
    public String tag() {
        return tag;
    }

    public boolean complete() {
        return complete;
    }

    public List<Member> members() {
        return members.get();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return kind.keyword() + " " + (tag == null ? "{...}" : tag);
    }
}
