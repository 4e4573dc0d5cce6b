package dev.vmcore.commands;

import dev.vmcore.program.ModuleDebugInfo;
import dev.vmcore.program.Session;
import dev.vmcore.types.TypeSource;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;

/**
 * help -s: where each kind of knowledge comes from in this session (symbols, kernel types, each
 * module's types and lines), loading what has not been loaded yet, and what went wrong on the way.
 */
final class SourcesReport {
    private SourcesReport() {
    }

    static void print(Session session, Printer out) {
        String symbols = attempt(() -> session.symbols().source());
        List<String> types = new ArrayList<>();
        String typesProblem = null;
        try {
            types.addAll(session.typeSourceDescriptions());
        } catch (VmcoreException e) {
            typesProblem = e.getMessage();
        }
        List<String[]> modules = new ArrayList<>();
        try {
            for (ModuleDebugInfo m : session.moduleDebugInfo()) {
                modules.add(new String[] {m.module().name(),
                        m.btf().map(TypeSource::description).orElse("-"),
                        m.dwarf().map(d -> d.file().toString()).orElse("-")});
            }
        } catch (VmcoreException e) {
            modules.add(new String[] {"(module list)", e.getMessage(), ""});
        }
        String lines = session.kernelDwarf().isPresent() ? "DWARF from vmlinux" : "none (no vmlinux with DWARF)";
        if (out.isJson()) {
            JsonOut j = out.json().field("symbols", symbols);
            j.beginArray("types");
            types.forEach(j::value);
            j.end();
            if (typesProblem != null) {
                j.field("typesProblem", typesProblem);
            }
            j.field("kernelLines", lines);
            j.beginArray("modules");
            for (String[] m : modules) {
                j.beginObject().field("name", m[0]).field("btf", m[1]).field("dwarf", m[2]).end();
            }
            j.end();
            j.beginArray("warnings");
            session.warnings().forEach(j::value);
            j.end();
            return;
        }
        out.println("     SYMBOLS: " + symbols);
        out.println("       TYPES: " + (typesProblem != null ? typesProblem : String.join(", ", types)));
        out.println("SOURCE LINES: " + lines);
        for (String[] m : modules) {
            out.println(String.format("      MODULE: %-20s BTF: %s  DWARF: %s", m[0], m[1], m[2]));
        }
        for (String w : session.warnings()) {
            out.println("     WARNING: " + w);
        }
    }

    private static String attempt(java.util.function.Supplier<String> s) {
        try {
            return s.get();
        } catch (VmcoreException e) {
            return e.getMessage();
        }
    }
}
