package dev.vmcore.cli;

import dev.vmcore.analyze.DumpLog;
import dev.vmcore.analyze.FrameResolution;
import dev.vmcore.analyze.OopsLine;
import dev.vmcore.analyze.OopsSymbolizer;
import dev.vmcore.analyze.OopsText;
import dev.vmcore.commands.JsonOut;
import dev.vmcore.commands.StreamPrinter;
import dev.vmcore.dump.FileKind;
import dev.vmcore.dump.FileProbe;
import dev.vmcore.format.dwarf.Frame;
import dev.vmcore.program.Session;
import dev.vmcore.util.InputFileException;
import dev.vmcore.util.VmcoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code vmcore symbolize [--vmlinux FILE] [-m DIR]... [DUMP] [OOPS-FILE|-]}: oops text written
 * back with file:line and inline chains after each {@code func+off/len [mod]}, like the kernel's
 * scripts/decode_stacktrace.sh.
 */
@Command(name = "symbolize", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Add file:line and inlined functions to oops text (console, dmesg, journalctl), like the",
                "kernel's scripts/decode_stacktrace.sh. Reads OOPS-FILE, or standard input for '-' or nothing;",
                "with a DUMP and no OOPS-FILE, the dump's own kernel log. Frames are resolved symbol-relative",
                "(function + offset in the vmlinux or the module's .ko), so KASLR does not matter. Code: lines",
                "are followed by their disassembly, as scripts/decodecode prints it (AT&T; --intel for Intel)."})
final class SymbolizeSubcommand implements Callable<Integer> {
    /** Oops text larger than this is refused (a log, not an oops). */
    static final long MAX_INPUT = 256L << 20;

    @ParentCommand
    Main parent;

    @Option(names = "--vmlinux", paramLabel = "FILE", description = "the debug vmlinux (with DWARF) of the kernel that oopsed")
    Path vmlinux;

    @Option(names = {"-m", "--modules"}, paramLabel = "DIR", description = "a directory of module .ko files, or one .ko"
            + " (repeatable); /lib/modules/*/ and /usr/lib/debug/lib/modules/*/ are searched after these")
    List<Path> moduleDirs = new ArrayList<>();

    @Option(names = "--json", description = "print one JSON object: every frame with its file, line and inline chain")
    boolean json;

    @Option(names = "--intel", description = "disassemble Code: lines in Intel syntax (objdump -M intel's), not AT&T")
    boolean intel;

    @Parameters(arity = "0..2", paramLabel = "[DUMP] [OOPS-FILE|-]", description = "a crash dump, and/or the oops text")
    List<String> inputs = new ArrayList<>();

    /** What the positional arguments turned out to be. */
    private record Inputs(Path dump, String text) {
    }

    @Override
    public Integer call() throws IOException {
        Inputs in = classify();
        List<String> text = in.text() != null ? read(in.text()) : in.dump() != null ? dumpLog(in.dump()) : read("-");
        List<OopsLine> lines = OopsText.parse(text);
        try (OopsSymbolizer sym = open()) {
            if (vmlinux == null) {
                parent.err().println("vmcore symbolize: no vmlinux given (--vmlinux FILE): kernel frames stay as they are");
            }
            if (json) {
                printJson(sym, lines, in.text() != null ? in.text() : in.dump() != null ? in.dump().toString() : "-");
            } else {
                sym.annotate(lines, intel).forEach(parent.out()::println);
            }
            if (lines.stream().noneMatch(l -> l.frame().isPresent())) {
                parent.err().println("vmcore symbolize: no func+0xoff/0xlen frames found in the input");
            }
            for (String note : sym.notes()) {
                parent.err().println("vmcore symbolize: " + note);
            }
        }
        parent.out().flush();
        parent.err().flush();
        return Main.EXIT_OK;
    }

    /**
     * Sorts the positional arguments by content: a dump, a vmlinux (taken as --vmlinux when that
     * is not given), or oops text ({@code -} for standard input); checks the files named by options.
     */
    private Inputs classify() {
        Path dump = null;
        String text = null;
        for (String in : inputs) {
            if (in.equals("-")) {
                text = setOnce(text, in, "two oops texts given");
                continue;
            }
            Path p = Path.of(in);
            if (!Files.isRegularFile(p)) {
                throw error(in + ": no such file");
            }
            FileKind kind = probe(p);
            if (kind != null && kind.isDump()) {
                if (dump != null) {
                    throw error("two dumps given: " + dump + " and " + p);
                }
                dump = p;
            } else if (kind == FileKind.ELF_VMLINUX && vmlinux == null) {
                vmlinux = p;
            } else if (kind != null) {
                throw error(p + ": is a " + kind.description() + ", not oops text"
                        + (kind == FileKind.ELF_RELOCATABLE ? " (give modules with -m)" : ""));
            } else {
                text = setOnce(text, in, "two oops texts given");
            }
        }
        for (Path m : moduleDirs) {
            if (!Files.isDirectory(m) && !Files.isRegularFile(m)) {
                throw error("-m " + m + ": no such directory or file");
            }
        }
        if (vmlinux != null && !Files.isRegularFile(vmlinux)) {
            throw error("--vmlinux " + vmlinux + ": no such file");
        }
        return new Inputs(dump, text);
    }

    private OopsSymbolizer open() {
        try {
            return OopsSymbolizer.open(Optional.ofNullable(vmlinux), moduleDirs);
        } catch (VmcoreException e) {
            throw error(e.getMessage());
        }
    }

    private static String setOnce(String current, String next, String problem) {
        if (current != null) {
            throw error(problem + ": " + current + " and " + next);
        }
        return next;
    }

    /** The file's kind; null for what is neither a dump nor an ELF file (text). */
    private static FileKind probe(Path p) {
        try {
            return FileProbe.probe(p);
        } catch (InputFileException e) {
            return null;
        }
    }

    private List<String> read(String source) throws IOException {
        byte[] bytes;
        if (source.equals("-")) {
            bytes = readBounded(System.in, "standard input");
        } else {
            Path p = Path.of(source);
            if (Files.size(p) > MAX_INPUT) {
                throw error(p + ": larger than " + (MAX_INPUT >> 20) + " MiB; give the part with the oops");
            }
            bytes = Files.readAllBytes(p);
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n", -1)) {
            out.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        }
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static byte[] readBounded(InputStream in, String what) throws IOException {
        byte[] b = in.readNBytes((int) MAX_INPUT + 1);
        if (b.length > MAX_INPUT) {
            throw error(what + ": more than " + (MAX_INPUT >> 20) + " MiB; give the part with the oops");
        }
        return b;
    }

    private List<String> dumpLog(Path dump) {
        List<Path> files = new ArrayList<>(List.of(dump));
        if (vmlinux != null) {
            files.add(vmlinux);
        }
        try (Session session = parent.openSession(files, moduleDirs)) {
            return DumpLog.lines(session);
        } catch (Main.InputError e) {
            throw e;
        } catch (VmcoreException e) {
            throw error(dump + ": " + e.getMessage());
        }
    }

    private void printJson(OopsSymbolizer sym, List<OopsLine> lines, String source) {
        StreamPrinter p = StreamPrinter.json(parent.out(), "symbolize");
        JsonOut j = p.json();
        j.field("input", source);
        JsonOut a = j.beginArray("frames");
        for (OopsLine l : lines) {
            if (l.frame().isEmpty()) {
                continue;
            }
            frameJson(a.beginObject(), sym, l, sym.resolve(l.frame().get()));
            a.end();
        }
        a.end();
        JsonOut n = j.beginArray("notes");
        sym.notes().forEach(n::value);
        n.end();
        p.finish();
    }

    private static void frameJson(JsonOut a, OopsSymbolizer sym, OopsLine l, FrameResolution r) {
        OopsLine.FrameRef f = r.ref();
        a.field("line", l.number()).field("kind", l.kind().name().toLowerCase(Locale.ROOT))
                .field("context", l.context()).field("reliable", f.reliable()).field("function", f.function())
                .hex("offset", f.offset()).hex("length", f.length());
        f.module().ifPresent(m -> a.field("module", m));
        f.buildId().ifPresent(b -> a.field("buildId", b));
        r.object().ifPresent(o -> a.field("object", o.toString()));
        r.address().ifPresent(ad -> a.hex("objectAddress", ad));
        a.field("resolved", r.resolved());
        if (r.resolved()) {
            Frame first = r.chain().get(0);
            a.field("file", sym.display(first.file())).field("lineNumber", first.line());
            JsonOut c = a.beginArray("inlineChain");
            for (Frame fr : r.chain()) {
                c.beginObject().field("function", fr.function()).field("file", sym.display(fr.file()))
                        .field("line", fr.line()).field("inlined", fr.inlined()).end();
            }
            c.end();
        }
        r.note().ifPresent(n -> a.field("note", n));
    }

    private static Main.InputError error(String message) {
        return new Main.InputError("vmcore symbolize: " + message);
    }
}
