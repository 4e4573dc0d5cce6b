package dev.vmcore.commands;

import dev.vmcore.testdumps.TestDumps;
import dev.vmcore.types.EnumType;
import dev.vmcore.types.Member;
import dev.vmcore.types.RealKernelTypes;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.TypeNames;
import dev.vmcore.types.TypeSource;
import dev.vmcore.types.Types;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code struct -o NAME} / {@code union -o NAME} as crash 8.0.6 printed them for each case
 * (crash/struct-o-NAME.txt, union-o-NAME.txt; crash read the vmlinux's and the module's DWARF),
 * against the struct command's layout code over the types from DWARF (vmlinux, then the case's .ko)
 * and from BTF (vmlinux's .BTF, then the .ko's split BTF where it has one).
 *
 * <p>With DWARF every line equals crash's. With BTF two kinds of lines may differ, as BTF cannot
 * say better (see {@link #BTF_CANNOT}): a zero-length
 * array {@code x[0]} prints as {@code x[]}, and a multi-dimensional array prints with one dimension
 * of all the elements ({@code [4][2][5]} as {@code [40]}); every other line must be equal.
 */
class RealStructLayoutTest {
    /** Lines BTF cannot reproduce: it writes x[0] as x[], and flattens multi-dimensional arrays. */
    static final String BTF_CANNOT = "x[0] printed x[], or [a][b] printed [a*b]";

    /** The crash reference files of a case: crash/struct-o-*.txt and crash/union-o-*.txt. */
    static List<Path> references(TestDumps.Case c) throws IOException {
        Path dir = c.dir().resolve("crash");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("(struct|union)-o-.+\\.txt")).sorted().toList();
        }
    }

    /** "struct" or "union", and the type name, of a reference file. */
    static String[] kindAndName(Path ref) {
        String f = ref.getFileName().toString();
        String kind = f.substring(0, f.indexOf('-'));
        return new String[] {kind, f.substring(kind.length() + 3, f.length() - 4)};
    }

    static String render(String kind, String name, StructType st) {
        return String.join("\n", TypeLayout.definition(kind + " " + name, st, true, false)) + "\n";
    }

    private static Optional<StructType> find(String kind, String name, TypeSource... sources) {
        for (TypeSource ts : sources) {
            if (ts == null) {
                continue;
            }
            Optional<Type> t = ts.findType(kind + " " + name);
            if (t.isPresent() && t.get() instanceof StructType st && st.complete()) {
                return Optional.of(st);
            }
        }
        return Optional.empty();
    }

    @TestFactory
    Stream<DynamicTest> layoutsEqualCrash() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            List<Path> refs = references(c);
            assertFalse(refs.isEmpty(), c + ": no crash/struct-o-*.txt");
            RealKernelTypes.Kernel k = RealKernelTypes.kernel(c.kernel());
            RealKernelTypes.Module m = RealKernelTypes.module(c);
            List<String> dwarfMismatches = new ArrayList<>();
            List<String> btfMismatches = new ArrayList<>();
            int btfCompared = 0;
            int btfExplained = 0;
            for (Path ref : refs) {
                String[] kn = kindAndName(ref);
                String crash = Files.readString(ref);
                StructType fromDwarf = find(kn[0], kn[1], k.dwarf(), m.dwarf()).orElseThrow(
                        () -> new AssertionError(c + ": no " + kn[0] + " " + kn[1] + " in the DWARF"));
                String ours = render(kn[0], kn[1], fromDwarf);
                if (!ours.equals(crash)) {
                    dwarfMismatches.add(kn[0] + " " + kn[1] + ":\n" + firstDifferences(crash, ours));
                }
                Optional<StructType> fromBtf = find(kn[0], kn[1], k.btf(), m.btf().orElse(null));
                if (fromBtf.isEmpty()) {
                    continue; // oops_record with a 6.1 module: the .ko has no .BTF
                }
                btfCompared++;
                String viaBtf = render(kn[0], kn[1], fromBtf.get());
                if (!viaBtf.equals(crash)) {
                    List<String> unexplained = unexplained(crash, viaBtf, fromBtf.get(), true);
                    if (unexplained.isEmpty()) {
                        btfExplained++;
                    } else {
                        btfMismatches.add(kn[0] + " " + kn[1] + ":\n" + String.join("\n", unexplained));
                    }
                }
            }
            System.out.printf("%s: %d layouts; DWARF: %d differ from crash; BTF: %d compared, %d differ only in"
                            + " lines BTF cannot reproduce (%s), %d otherwise%n%s%s", c, refs.size(),
                    dwarfMismatches.size(), btfCompared, btfExplained, BTF_CANNOT, btfMismatches.size(),
                    String.join("\n", dwarfMismatches), String.join("\n", btfMismatches));
            assertEquals(List.of(), dwarfMismatches, c + ": layouts from DWARF");
            assertEquals(List.of(), btfMismatches, c + ": layouts from BTF");
            // every layout but a 6.1 module's (its .ko has no .BTF)
            assertEquals(refs.size() - (m.btf().isPresent() ? 0 : 1), btfCompared, c + ": layouts found in BTF");
        }));
    }

    /** The first few lines that differ, crash's and ours. */
    static String firstDifferences(String crash, String ours) {
        List<String> a = crash.lines().toList();
        List<String> b = ours.lines().toList();
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.max(a.size(), b.size()) && shown < 6; i++) {
            String x = i < a.size() ? a.get(i) : "<none>";
            String y = i < b.size() ? b.get(i) : "<none>";
            if (!x.equals(y)) {
                sb.append("  line ").append(i + 1).append("\n    crash: ").append(x).append("\n    ours:  ").append(y)
                        .append('\n');
                shown++;
            }
        }
        if (a.size() != b.size()) {
            sb.append("  crash has ").append(a.size()).append(" lines, ours ").append(b.size()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The differing line pairs that nothing explains; the same number of lines is required. Explained:
     * <ul>
     *   <li>(BTF only, when {@code btf}) {@code name[0]} printed {@code name[]}, and {@code name[A][B]...}
     *       printed {@code name[A*B*...]}.</li>
     * </ul>
     */
    static List<String> unexplained(String crash, String ours, StructType st, boolean btf) {
        List<String> a = crash.lines().toList();
        List<String> b = ours.lines().toList();
        if (a.size() != b.size()) {
            return List.of("  crash has " + a.size() + " lines, ours " + b.size() + "\n" + firstDifferences(crash, ours));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String x = a.get(i);
            String y = b.get(i);
            if (x.equals(y) || btf && arraysFlattened(x, y)) {
                continue;
            }
            out.add("  line " + (i + 1) + "\n    crash: " + x + "\n    ours:  " + y);
        }
        return out;
    }

    /** True when the lines are equal but for crash's "[0]" or "[A][B]..." where BTF's has "[]" or "[A*B*...]". */
    private static boolean arraysFlattened(String crash, String btf) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("((?:\\[\\d+\\])+);$").matcher(crash);
        java.util.regex.Matcher n = java.util.regex.Pattern.compile("\\[(\\d*)\\];$").matcher(btf);
        if (!m.find() || !n.find() || !crash.substring(0, m.start()).equals(btf.substring(0, n.start()))) {
            return false;
        }
        long product = 1;
        for (String dim : m.group(1).substring(1, m.group(1).length() - 1).split("\\]\\[")) {
            product *= Long.parseLong(dim);
        }
        return n.group(1).isEmpty() ? product == 0 : Long.parseLong(n.group(1)) == product && m.group(1).contains("][");
    }
}
