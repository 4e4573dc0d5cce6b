package dev.vmcore.analyze;

import dev.vmcore.analyze.OopsLine.FrameRef;
import dev.vmcore.format.dwarf.Frame;
import dev.vmcore.util.VmcoreException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns the {@code func+off/len [mod]} references of oops text into file:line and inline chains,
 * as {@code scripts/decode_stacktrace.sh} does with nm and addr2line: the function is looked up
 * by name in the vmlinux's symbol table, or in the module's .ko (found by {@link ModuleLocator},
 * matched by build id when the kernel printed one), the offset added, and the address looked up
 * in that file's DWARF. Runtime addresses are never used, so KASLR and where modules were loaded
 * do not matter. Files are opened on first need and kept until {@link #close}.
 */
public final class OopsSymbolizer implements AutoCloseable {
    private final Optional<DebugObject> vmlinux;
    private final ModuleLocator modules;
    private final Map<String, ModuleChoice> moduleObjects = new HashMap<>();
    private final Map<String, FrameResolution> cache = new HashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private String basePath;

    private record ModuleChoice(Optional<DebugObject> object, String problem) {
    }

    private OopsSymbolizer(Optional<DebugObject> vmlinux, ModuleLocator modules) {
        this.vmlinux = vmlinux;
        this.modules = modules;
    }

    /**
     * A symbolizer over {@code vmlinux} (may be absent: kernel frames then stay as they are) and
     * the modules found in {@code moduleDirs} (directories or .ko files) and the system's module trees.
     * Throws a one-line VmcoreException when the vmlinux cannot be read.
     */
    public static OopsSymbolizer open(Optional<Path> vmlinux, List<Path> moduleDirs) {
        return open(vmlinux, moduleDirs, ModuleLocator.SYSTEM_ROOTS);
    }

    static OopsSymbolizer open(Optional<Path> vmlinux, List<Path> moduleDirs, List<Path> systemRoots) {
        Optional<DebugObject> v = vmlinux.map(DebugObject::open);
        if (v.isPresent() && !v.get().hasDwarf()) {
            v.get().close();
            throw new VmcoreException(vmlinux.get() + ": no DWARF debugging information (.debug_info); give the"
                    + " debug vmlinux (e.g. from the linux-image-*-dbg package)");
        }
        return new OopsSymbolizer(v, new ModuleLocator(moduleDirs, systemRoots));
    }

    /** Resolves every frame reference of {@code lines}; the result has one entry per line that has one, in order. */
    public List<FrameResolution> resolveAll(List<OopsLine> lines) {
        List<FrameResolution> out = new ArrayList<>();
        for (OopsLine l : lines) {
            l.frame().ifPresent(f -> out.add(resolve(f)));
        }
        return out;
    }

    /** Resolves one reference (results are cached by symbol text). */
    public FrameResolution resolve(FrameRef ref) {
        String key = ref.function() + "+" + ref.offset() + "/" + ref.length() + " " + ref.module().orElse("")
                + " " + ref.buildId().orElse("");
        FrameResolution known = cache.get(key);
        if (known != null) {
            return new FrameResolution(ref, known.object(), known.address(), known.chain(), known.note());
        }
        FrameResolution r;
        try {
            r = resolveUncached(ref);
        } catch (VmcoreException e) {
            r = FrameResolution.unresolved(ref, Optional.empty(), ref.symbolText() + ": " + e.getMessage());
        }
        cache.put(key, r);
        r.note().ifPresent(n -> notes.add(n));
        return r;
    }

    /** One line for each distinct reason a frame was not resolved, in the order met. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private FrameResolution resolveUncached(FrameRef ref) {
        Optional<DebugObject> obj;
        if (ref.module().isPresent()) {
            ModuleChoice c = module(ref.module().get(), ref.buildId());
            if (c.object().isEmpty()) {
                return FrameResolution.unresolved(ref, Optional.empty(), c.problem());
            }
            obj = c.object();
        } else {
            if (vmlinux.isEmpty()) {
                return FrameResolution.unresolved(ref, Optional.empty(), "kernel frames are left as they are: no vmlinux"
                        + " given (--vmlinux FILE)");
            }
            obj = vmlinux;
        }
        DebugObject o = obj.get();
        Optional<DebugObject.Located> at = o.locate(ref.function(), ref.offset(), ref.length());
        if (at.isEmpty()) {
            return FrameResolution.unresolved(ref, Optional.of(o.file()), ref.function() + " is not a text symbol of "
                    + o.file() + (ref.module().isEmpty() ? " (a module function printed without its [module]?)" : ""));
        }
        long address = at.get().address();
        List<Frame> chain;
        try {
            chain = o.symbolize(address);
        } catch (VmcoreException e) {
            return FrameResolution.unresolved(ref, Optional.of(o.file()), o.file() + ": " + e.getMessage());
        }
        if (chain.isEmpty()) {
            return new FrameResolution(ref, Optional.of(o.file()), OptionalLong.of(address), List.of(),
                    Optional.of(ref.function() + ": no line information in " + o.file()
                            + " (assembler code or no DWARF for its unit)"));
        }
        if (chain.size() == 1 && chain.get(0).function().equals("??")) {
            // No subprogram covers it (assembler): addr2line -f names it from the symbol table.
            Frame f = chain.get(0);
            chain = List.of(new Frame(at.get().symbol().name(), f.file(), f.line(), false, f.dieOffset()));
        }
        Optional<String> note = Optional.empty();
        if (at.get().candidates() > 1 && at.get().symbol().size() != ref.length()) {
            note = Optional.of(ref.function() + ": " + at.get().candidates() + " symbols of that name in " + o.file()
                    + " and none of size 0x" + Long.toHexString(ref.length()) + "; used the first");
        }
        return new FrameResolution(ref, Optional.of(o.file()), OptionalLong.of(address), chain, note);
    }

    private ModuleChoice module(String name, Optional<String> buildId) {
        String key = ModuleLocator.key(name) + " " + buildId.orElse("");
        ModuleChoice c = moduleObjects.get(key);
        if (c == null) {
            c = chooseModule(name, buildId);
            moduleObjects.put(key, c);
        }
        return c;
    }

    /** The first candidate with DWARF (and the build id, when given). */
    private ModuleChoice chooseModule(String name, Optional<String> buildId) {
        List<Path> files = modules.candidates(name);
        if (files.isEmpty()) {
            return new ModuleChoice(Optional.empty(), "module " + name + ": no " + name + ".ko found (searched "
                    + modules.searched() + "); give it with -m DIR");
        }
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            DebugObject o;
            try {
                o = DebugObject.open(f);
            } catch (VmcoreException e) {
                problems.add(e.getMessage());
                continue;
            }
            try {
                if (buildId.isPresent() && !o.buildId().map(buildId.get()::equals).orElse(false)) {
                    problems.add(f + ": build id " + o.buildId().orElse("(none)") + ", not " + buildId.get());
                } else if (!o.hasDwarf()) {
                    problems.add(f + ": no DWARF debugging information");
                } else {
                    return new ModuleChoice(Optional.of(o), "");
                }
            } catch (VmcoreException e) {
                problems.add(f + ": " + e.getMessage());
            }
            o.close();
        }
        return new ModuleChoice(Optional.empty(), "module " + name + ": no usable .ko: " + String.join("; ", problems));
    }

    /**
     * The text written back: each line with a resolved reference gets its file:line after the
     * reference (and after {@code [mod]}), and one more line per inlined function,
     * {@code inner (inlined by) outer file:line}, under the same prefix; every other line, and every
     * unresolved reference, stays as it was. A {@code Code:} line is followed by its disassembly
     * (AT&amp;T syntax).
     */
    public List<String> annotate(List<OopsLine> lines) {
        return annotate(lines, false);
    }

    /** As {@link #annotate(List)}, the {@code Code:} lines disassembled in Intel syntax with {@code intelCode}. */
    public List<String> annotate(List<OopsLine> lines, boolean intelCode) {
        List<String> out = new ArrayList<>(lines.size());
        for (OopsLine l : lines) {
            if (l.kind() == OopsLine.Kind.CODE) {
                out.add(l.text());
                String prefix = l.text().substring(0, l.bodyAt()) + "  ";
                CodeBytes.parse(l.body()).ifPresent(c -> c.disassembly(intelCode).forEach(d -> out.add(prefix + d)));
            } else if (l.frame().isEmpty()) {
                out.add(l.text());
            } else {
                out.addAll(annotate(l, resolve(l.frame().get())));
            }
        }
        return out;
    }

    /** The output lines for one line with a reference (see {@link #annotate(List)}). */
    public List<String> annotate(OopsLine line, FrameResolution r) {
        if (!r.resolved()) {
            return List.of(line.text());
        }
        String text = line.text();
        FrameRef f = r.ref();
        List<Frame> c = r.chain();
        List<String> out = new ArrayList<>(c.size());
        out.add(text.substring(0, f.end()) + " " + location(c.get(0)) + text.substring(f.end()));
        String indent = text.substring(0, line.bodyAt()) + " ".repeat(Math.max(0, f.start() - line.bodyAt()) + 2);
        for (int k = 1; k < c.size(); k++) {
            out.add(indent + c.get(k - 1).function() + " (inlined by) " + c.get(k).function() + " " + location(c.get(k)));
        }
        return out;
    }

    /** {@code file:line} as printed: the file without the source tree's prefix, {@code ?} for an unknown line. */
    public String location(Frame f) {
        return display(f.file()) + ":" + (f.line() == 0 ? "?" : Integer.toString(f.line()));
    }

    /**
     * The source tree's path prefix to strip when printing, as decode_stacktrace.sh finds it: the
     * directory in front of {@code init/main.c} in the vmlinux's line for {@code kernel_init}.
     */
    public synchronized String basePath() {
        if (basePath == null) {
            basePath = "";
            try {
                vmlinux.flatMap(v -> v.locate("kernel_init", 0, 0)).ifPresent(at -> {
                    for (Frame f : vmlinux.get().symbolize(at.address())) {
                        int i = f.file().indexOf("init/main.c");
                        if (i >= 0) {
                            basePath = f.file().substring(0, i);
                            break;
                        }
                    }
                });
            } catch (VmcoreException e) {
                basePath = ""; // corrupt DWARF there: print full paths
            }
        }
        return basePath;
    }

    /** {@code file} without the source tree's prefix. */
    public String display(String file) {
        String base = basePath();
        return !base.isEmpty() && file.startsWith(base) ? file.substring(base.length()) : file;
    }

    @Override
    public synchronized void close() {
        vmlinux.ifPresent(DebugObject::close);
        for (ModuleChoice c : moduleObjects.values()) {
            c.object().ifPresent(DebugObject::close);
        }
        moduleObjects.clear();
    }
}
