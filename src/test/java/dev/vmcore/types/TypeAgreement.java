package dev.vmcore.types;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the same types from two sources (BTF and DWARF) through the type model: struct and union
 * layouts (size, each member's name, bit offset, bit size and C type name), typedef targets, enum
 * values, integer signedness, function signatures; then every struct or union the compared ones
 * reach through members, pointers, typedefs, arrays and function types, breadth first, up to a
 * cap. Differences BTF cannot help are counted as notes, not differences:
 * <ul>
 *   <li>a zero-length array {@code x[0]}: BTF writes it as it writes a flexible array {@code x[]}
 *       (the BTF adapter calls a last member of length 0 flexible), DWARF tells them apart;</li>
 *   <li>a multi-dimensional array {@code int x[4][2][5]}: pahole writes one BTF array of 40.</li>
 * </ul>
 * Arrays are compared as one dimension of their innermost elements, without the flexible mark (see
 * {@link #comparable}): a normalisation of the model, not of the printed names.
 */
final class TypeAgreement {
    private static final int MAX_DEPTH = 48;

    private final int cap;
    private final Deque<Type[]> queue = new ArrayDeque<>();
    private final Set<String> queued = new HashSet<>();
    private final Set<String> typedefsSeen = new HashSet<>();
    private final Set<String> enumsSeen = new HashSet<>();
    final List<String> differences = new ArrayList<>();
    final Map<String, Integer> notes = new LinkedHashMap<>();
    final List<String> noteExamples = new ArrayList<>();
    int structsCompared;
    int membersCompared;

    TypeAgreement(int cap) {
        this.cap = cap;
    }

    /** Queues a named struct or union from each source. */
    void add(Type btf, Type dwarf) {
        String key = TypeNames.tagName(btf);
        if (queued.add(key)) {
            queue.add(new Type[] {btf, dwarf});
        }
    }

    /** Compares everything queued and everything it reaches, up to the cap. */
    void run() {
        while (!queue.isEmpty() && structsCompared < cap) {
            Type[] p = queue.poll();
            compareStruct(TypeNames.tagName(p[0]), (StructType) p[0], (StructType) p[1], 0);
        }
    }

    private void diff(String path, String what) {
        differences.add(path + ": " + what);
    }

    private void note(String kind, String example) {
        notes.merge(kind, 1, Integer::sum);
        if (noteExamples.size() < 60) {
            noteExamples.add(kind + ": " + example);
        }
    }

    private void compareStruct(String path, StructType b, StructType d, int depth) {
        if (b.tag() != null) {
            structsCompared++;
        }
        if (b.kind() != d.kind() || b.complete() != d.complete() || b.size() != d.size()) {
            diff(path, "BTF " + b.kind() + " complete=" + b.complete() + " size " + b.size() + ", DWARF " + d.kind()
                    + " complete=" + d.complete() + " size " + d.size());
            return;
        }
        List<Member> mb = b.members();
        List<Member> md = d.members();
        if (mb.size() != md.size()) {
            diff(path, "BTF has " + mb.size() + " members, DWARF " + md.size() + ": " + mb + " / " + md);
            return;
        }
        for (int i = 0; i < mb.size(); i++) {
            Member x = mb.get(i);
            Member y = md.get(i);
            membersCompared++;
            String mpath = path + "." + (x.name() == null ? "<anon" + i + ">" : x.name());
            if (!java.util.Objects.equals(x.name(), y.name()) || x.bitOffset() != y.bitOffset()
                    || x.bitSize() != y.bitSize()) {
                diff(mpath, "BTF " + x.name() + " @" + x.bitOffset() + ":" + x.bitSize() + ", DWARF " + y.name() + " @"
                        + y.bitOffset() + ":" + y.bitSize());
                continue;
            }
            String nb = TypeNames.name(comparable(x.type(), mpath, true));
            String nd = TypeNames.name(comparable(y.type(), mpath, false));
            if (!nb.equals(nd)) {
                diff(mpath, "type BTF '" + nb + "', DWARF '" + nd + "'");
                continue;
            }
            String rawB = TypeNames.name(x.type());
            String rawD = TypeNames.name(y.type());
            if (!rawB.equals(rawD)) {
                note("printed differently from BTF", mpath + ": BTF '" + rawB + "', DWARF '" + rawD + "'");
            }
            compareType(mpath, x.type(), y.type(), depth + 1);
        }
    }

    /**
     * {@code t} with every array of length 0 made a plain (non-flexible) one, through pointers,
     * qualifiers and function types (what a C type name shows); notes where DWARF had {@code x[0]}.
     */
    Type comparable(Type t, String path, boolean btf) {
        return comparable(t, path, btf, 0);
    }

    private Type comparable(Type t, String path, boolean btf, int depth) {
        if (depth > MAX_DEPTH) {
            return t;
        }
        return switch (t) {
            case ArrayType a -> {
                if (!btf && a.element() instanceof ArrayType) {
                    note("multi-dimensional array, flattened in BTF", path + " " + TypeNames.name(a));
                }
                if (!btf && a.length() == 0 && !a.flexible()) {
                    note("x[0] in DWARF, x[] in BTF", path);
                }
                yield new ArrayType(comparable(innermost(a), path, btf, depth + 1), flatLength(a), false);
            }
            case PointerType p -> PointerType.to(comparable(p.target(), path, btf, depth + 1), p.size());
            case QualifiedType q -> new QualifiedType(q.qualifier(), comparable(q.target(), path, btf, depth + 1));
            case FunctionType f -> new FunctionType(comparable(f.returnType(), path, btf, depth + 1),
                    f.params().stream().map(x -> new FunctionType.Param(null, comparable(x.type(), path, btf, depth + 1)))
                            .toList(), f.variadic());
            default -> t;
        };
    }

    /** The element of the innermost dimension of a (possibly multi-dimensional) array. */
    private static Type innermost(ArrayType a) {
        Type e = a.element();
        for (int i = 0; i < MAX_DEPTH && e instanceof ArrayType inner; i++) {
            e = inner.element();
        }
        return e;
    }

    /** The number of innermost elements: {@code int x[4][2][5]} has 40, as BTF records it. */
    private static long flatLength(ArrayType a) {
        long n = a.length();
        Type e = a.element();
        for (int i = 0; i < MAX_DEPTH && e instanceof ArrayType inner; i++) {
            n *= inner.length();
            e = inner.element();
        }
        return n;
    }

    private void compareType(String path, Type b, Type d, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (b.getClass() != d.getClass()) {
            diff(path, "BTF " + b.getClass().getSimpleName() + " " + TypeNames.name(b) + ", DWARF "
                    + d.getClass().getSimpleName() + " " + TypeNames.name(d));
            return;
        }
        switch (b) {
            case StructType sb -> {
                StructType sd = (StructType) d;
                if (sb.tag() == null) {
                    compareStruct(path, sb, sd, depth);
                } else if (!sb.complete() || !sd.complete()) {
                    if (sb.complete() != sd.complete()) {
                        diff(path, TypeNames.tagName(sb) + " complete in BTF " + sb.complete() + ", in DWARF " + sd.complete());
                    }
                } else {
                    add(sb, sd);
                }
            }
            case PointerType pb -> {
                if (pb.size() != d.size()) {
                    diff(path, "pointer size");
                }
                compareType(path + "*", pb.target(), ((PointerType) d).target(), depth + 1);
            }
            case ArrayType ab -> {
                ArrayType ad = (ArrayType) d;
                if (flatLength(ab) != flatLength(ad)) {
                    diff(path, "array elements BTF " + flatLength(ab) + ", DWARF " + flatLength(ad));
                }
                compareType(path + "[]", innermost(ab), innermost(ad), depth + 1);
            }
            case TypedefType tb -> {
                TypedefType td = (TypedefType) d;
                if (!tb.name().equals(td.name())) {
                    diff(path, "typedef BTF " + tb.name() + ", DWARF " + td.name());
                } else if (typedefsSeen.add(tb.name())) {
                    compareType(path + "<" + tb.name() + ">", tb.target(), td.target(), depth + 1);
                }
            }
            case QualifiedType qb -> {
                QualifiedType qd = (QualifiedType) d;
                if (qb.qualifier() != qd.qualifier()) {
                    diff(path, "qualifier BTF " + qb.qualifier() + ", DWARF " + qd.qualifier());
                }
                compareType(path, qb.target(), qd.target(), depth + 1);
            }
            case FunctionType fb -> {
                FunctionType fd = (FunctionType) d;
                if (fb.params().size() != fd.params().size() || fb.variadic() != fd.variadic()) {
                    diff(path, "function BTF " + TypeNames.name(fb) + ", DWARF " + TypeNames.name(fd));
                    return;
                }
                compareType(path + "()", fb.returnType(), fd.returnType(), depth + 1);
                for (int i = 0; i < fb.params().size(); i++) {
                    compareType(path + "(" + i + ")", fb.params().get(i).type(), fd.params().get(i).type(), depth + 1);
                }
            }
            case EnumType eb -> {
                EnumType ed = (EnumType) d;
                if (eb.tag() != null && !enumsSeen.add(eb.tag())) {
                    return;
                }
                if (!java.util.Objects.equals(eb.tag(), ed.tag()) || eb.size() != ed.size() || eb.signed() != ed.signed()
                        || !eb.enumerators().equals(ed.enumerators())) {
                    diff(path, "enum BTF " + eb + ", DWARF " + ed);
                }
            }
            default -> {
                if (!b.equals(d)) {
                    diff(path, "BTF " + b + ", DWARF " + d);
                }
            }
        }
    }

    String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(structsCompared).append(" named structs/unions, ").append(membersCompared).append(" members compared; ")
                .append(differences.size()).append(" differences; notes ").append(notes).append('\n');
        differences.stream().limit(60).forEach(x -> sb.append("  DIFF ").append(x).append('\n'));
        noteExamples.forEach(x -> sb.append("  note ").append(x).append('\n'));
        return sb.toString();
    }
}
