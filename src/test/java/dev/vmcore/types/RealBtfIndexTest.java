package dev.vmcore.types;

import dev.vmcore.format.btf.Btf;
import dev.vmcore.format.btf.BtfType;
import dev.vmcore.format.elf.ElfSymbols;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The real kernels' BTF, decoded lazily: BtfTypeSource's name index, built from names' bytes,
 * answers as an index built from every decoded type (the eager reference below) does, for the
 * vmlinux BTF and a module's split BTF; and decoding from several threads at once gives the types
 * one thread gives.
 */
class RealBtfIndexTest {
    /** The name maps as built from decoded types: "struct x"/"union x"/"enum x"/plain names, and variables. */
    private record Reference(Map<String, Integer> types, Map<String, Integer> variables) {
        static Reference of(Btf btf) {
            Map<String, Integer> types = new HashMap<>();
            Map<String, Integer> variables = new HashMap<>();
            for (int id = 1; id <= btf.lastId(); id++) {
                BtfType t = btf.type(id);
                if (t.name().isEmpty()) {
                    continue;
                }
                switch (t) {
                    case BtfType.Composite c -> {
                        String key = (c.union() ? "union " : "struct ") + c.name();
                        Integer old = types.get(key);
                        if (old == null || btf.type(old) instanceof BtfType.Forward) {
                            types.put(key, id);
                        }
                    }
                    case BtfType.Forward f -> types.putIfAbsent((f.union() ? "union " : "struct ") + f.name(), id);
                    case BtfType.Enumeration e -> types.putIfAbsent("enum " + e.name(), id);
                    case BtfType.Typedef d -> types.putIfAbsent(d.name(), id);
                    case BtfType.Int i -> {
                        types.putIfAbsent(i.name(), id);
                        types.putIfAbsent(TypeNames.canonicalBaseName(i.name()), id);
                    }
                    case BtfType.FloatingPoint f -> types.putIfAbsent(f.name(), id);
                    case BtfType.Variable v -> variables.putIfAbsent(v.name(), id);
                    case BtfType.Function f -> variables.putIfAbsent(f.name(), id);
                    default -> {
                    }
                }
            }
            return new Reference(types, variables);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.1", "6.12"})
    void vmlinuxIndexAgreesWithDecodedTypes(String kernel) {
        agree(vmlinuxBtf(kernel));
    }

    @Test
    void moduleSplitIndexAgreesWithDecodedTypes() {
        Btf base = vmlinuxBtf("6.12");
        Path ko = RealKernelTypes.require("cases/6.12/uaf/oops_uaf.ko");
        try (ElfSymbols elf = ElfSymbols.open(ko)) {
            Btf moduleBase = elf.section(".BTF.base").map(s -> Btf.parse(elf.contents(s))).orElse(base);
            Btf split = Btf.parse(elf.contents(elf.section(".BTF").orElseThrow()), moduleBase);
            agree(split);
            BtfTypeSource src = new BtfTypeSource(split, "test");
            assertEquals("struct oops_record", TypeNames.name(src.findType("struct oops_record").orElseThrow()));
        }
    }

    @Test
    void concurrentDecodingAgrees() throws Exception {
        Btf one = vmlinuxBtf("6.1");
        List<BtfType> expected = new ArrayList<>(one.ownTypes());
        Btf shared = vmlinuxBtf("6.1");
        BtfTypeSource src = new BtfTypeSource(shared, "test");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int stride = 2 * t + 1; // each thread its own order over the ids
                done.add(pool.submit(() -> {
                    int n = shared.lastId();
                    for (int k = 0; k < n; k++) {
                        int id = (int) ((long) k * stride % n) + 1;
                        assertEquals(expected.get(id - 1), shared.type(id), "type " + id);
                    }
                    src.findType("struct task_struct").orElseThrow();
                    src.findVariable("schedule").orElseThrow();
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static Btf vmlinuxBtf(String kernel) {
        Path vmlinux = RealKernelTypes.require("kernels/" + kernel + "/vmlinux");
        try (ElfSymbols elf = ElfSymbols.open(vmlinux)) {
            return Btf.parse(elf.contents(elf.section(".BTF").orElseThrow()));
        }
    }

    /** Every name of the reference finds the reference's type, and the index knows no other names. */
    private static void agree(Btf btf) {
        Reference ref = Reference.of(btf);
        BtfTypeSource src = new BtfTypeSource(btf, "test");
        assertEquals(ref.types().keySet(), Set.copyOf(src.typeNames()));
        for (Map.Entry<String, Integer> e : ref.types().entrySet()) {
            assertSame(src.type(e.getValue()), src.findType(e.getKey()).orElseThrow(), e.getKey());
        }
        for (Map.Entry<String, Integer> e : ref.variables().entrySet()) {
            Type expected = switch (btf.type(e.getValue())) {
                case BtfType.Variable v -> src.type(v.type());
                case BtfType.Function f -> src.type(f.protoType());
                default -> throw new AssertionError(e.getKey());
            };
            assertSame(expected, src.findVariable(e.getKey()).orElseThrow().type(), e.getKey());
        }
    }
}
