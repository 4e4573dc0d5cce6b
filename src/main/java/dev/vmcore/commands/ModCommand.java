package dev.vmcore.commands;

import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.format.modsig.ModInfo;
import dev.vmcore.format.modsig.ModuleSignature;
import dev.vmcore.program.ModuleDebugInfo;
import dev.vmcore.program.ModuleFileMatch;
import dev.vmcore.program.Session;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.VmcoreException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** mod: the loaded modules as crash lists them, and loading (-s, -S) or dropping (-d) their .ko debuginfo. */
final class ModCommand implements Command {
    private static final int ADDRESS_WIDTH = 16;

    @Override
    public String name() {
        return "mod";
    }

    @Override
    public String summary() {
        return "module list and module debuginfo";
    }

    @Override
    public String help() {
        return """
                NAME
                  mod - module list and module debuginfo

                SYNOPSIS
                  mod
                  mod -s MODULE [FILE]
                  mod -S [DIR]
                  mod -d MODULE
                  mod -i MODULE FILE

                DESCRIPTION
                  Lists the loaded modules as crash does: the address of each struct module, its
                  name, where its text starts, its size (the memory it keeps after init) and the
                  .ko file whose debuginfo is loaded, else "(not loaded)".
                    -s MODULE [FILE]  load MODULE's DWARF (types, globals, source lines) from FILE,
                                      or from MODULE.ko in the -m directories; the file must
                                      match the module in memory
                    -S [DIR]          the same for every module with a .ko in DIR (or the -m
                                      directories)
                    -d MODULE         forget MODULE's DWARF
                    -i MODULE FILE    FILE's .modinfo and signature as modinfo(8) prints
                                      them (signer, key id and hash of the PKCS#7
                                      signature), and whether FILE is the MODULE loaded
                                      in the dump (srcversion, else where its functions
                                      sit)
                  Module symbols come from each module's own kallsyms in the dump and need no file.
                """;
    }

    @Override
    public void run(Invocation call) {
        try {
            list(call);
        } catch (CommandException e) {
            throw e;
        } catch (VmcoreException e) {
            throw new CommandException("mod: " + e.getMessage());
        }
    }

    private void list(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-s", "-S", "-d", "-i"));
        String mode = o.oneOf(name(), "-s", "-S", "-d", "-i");
        Session session = call.session();
        List<String> pos = o.positional();
        List<ModuleDebugInfo> shown;
        if ("-s".equals(mode)) {
            if (pos.isEmpty() || pos.size() > 2) {
                throw new CommandException("mod: usage: mod -s MODULE [FILE]");
            }
            shown = List.of(session.loadModuleDebugInfo(pos.get(0), pos.size() > 1 ? Optional.of(Path.of(pos.get(1)))
                    : Optional.empty()));
        } else if ("-S".equals(mode)) {
            if (pos.size() > 1) {
                throw new CommandException("mod: usage: mod -S [DIR]");
            }
            shown = loadAll(call, pos.isEmpty() ? Optional.empty() : Optional.of(Path.of(pos.get(0))));
        } else if ("-i".equals(mode)) {
            if (pos.size() != 2) {
                throw new CommandException("mod: usage: mod -i MODULE FILE");
            }
            modinfo(call, pos.get(0), Path.of(pos.get(1)));
            return;
        } else if ("-d".equals(mode)) {
            if (pos.size() != 1) {
                throw new CommandException("mod: usage: mod -d MODULE");
            }
            session.dropModuleDebugInfo(pos.get(0));
            return;
        } else {
            if (!pos.isEmpty()) {
                throw new CommandException("mod: unexpected argument " + pos.get(0) + " (see help mod)");
            }
            shown = session.moduleDebugInfo();
        }
        print(call, shown);
    }

    /** mod -S: every module whose .ko is in {@code dir} (or the -m directories), loaded; a mismatch is one warning line. */
    private static List<ModuleDebugInfo> loadAll(Invocation call, Optional<Path> dir) {
        List<ModuleDebugInfo> loaded = new ArrayList<>();
        for (ModuleDebugInfo m : call.session().moduleDebugInfo()) {
            String name = m.module().name();
            Optional<Path> file = dir.flatMap(d -> call.session().moduleFileIn(d, name));
            if (dir.isPresent() && file.isEmpty()) {
                continue;
            }
            try {
                loaded.add(call.session().loadModuleDebugInfo(name, file));
            } catch (VmcoreException e) {
                if (dir.isPresent() || !e.getMessage().startsWith("no " + name + ".ko")) {
                    loaded.add(m);
                    if (!call.out().isJson()) {
                        call.out().println("mod: " + name + ": " + e.getMessage());
                    }
                }
            }
        }
        return loaded;
    }

    private static void print(Invocation call, List<ModuleDebugInfo> modules) {
        Session session = call.session();
        List<ModuleDebugInfo> sorted = new ArrayList<>(modules);
        // crash lists modules by where they sit in memory
        sorted.sort(Comparator.comparing(m -> m.module().base(), dev.vmcore.util.Unsigned::compare));
        List<Long> sizes = sorted.stream().map(m -> session.moduleSize(m.module())).toList();
        if (call.out().isJson()) {
            JsonOut j = call.out().json().beginArray("modules");
            for (int i = 0; i < sorted.size(); i++) {
                ModuleDebugInfo m = sorted.get(i);
                j.beginObject().hex("module", m.module().struct()).field("name", m.module().name())
                        .hex("base", m.module().base()).field("size", sizes.get(i));
                m.dwarf().ifPresent(d -> j.field("objectFile", d.file().toString()));
                j.end();
            }
            j.end();
            return;
        }
        // Column widths come from every loaded module, also when only some are shown (mod -s).
        int nameWidth = "NAME".length();
        int sizeWidth = "SIZE".length();
        for (ModuleDebugInfo m : session.moduleDebugInfo()) {
            nameWidth = Math.max(nameWidth, m.module().name().length());
            sizeWidth = Math.max(sizeWidth, Long.toString(session.moduleSize(m.module())).length());
        }
        String base = session.moduleMemoryLayout() ? "TEXT_BASE" : "BASE";
        call.out().println(center("MODULE", ADDRESS_WIDTH) + "  " + pad("NAME", nameWidth) + "  "
                + center(base, ADDRESS_WIDTH) + "  " + String.format(Locale.ROOT, "%" + sizeWidth + "s", "SIZE")
                + "  OBJECT FILE");
        for (int i = 0; i < sorted.size(); i++) {
            ModuleDebugInfo m = sorted.get(i);
            String file = m.dwarf().map(d -> d.file().toString() + " ").orElse("(not loaded)  [CONFIG_KALLSYMS]");
            call.out().println(String.format(Locale.ROOT, "%016x  %s  %016x  %" + sizeWidth + "d  %s", m.module().struct(),
                    pad(m.module().name(), nameWidth), m.module().base(), sizes.get(i), file));
        }
    }

    /** mod -i: the .ko's .modinfo and signature in modinfo(8)'s layout, then whether it is the loaded module. */
    private static void modinfo(Invocation call, String module, Path file) {
        byte[] bytes = readKo(file);
        String source = file.toString();
        ModInfo info;
        Optional<ModuleSignature> sig;
        try (ElfSymbols elf = ElfSymbols.read(ByteSource.of(source, bytes))) {
            info = ModInfo.parse(elf.sectionData(".modinfo").orElseThrow(
                    () -> new CommandException("mod: " + file + ": no .modinfo section (not a kernel module?)")));
        } catch (CommandException e) {
            throw e;
        } catch (VmcoreException e) {
            throw new CommandException("mod: " + file + ": not a kernel module: " + e.getMessage());
        }
        try {
            sig = ModuleSignature.read(source, bytes);
        } catch (VmcoreException e) {
            throw new CommandException("mod: " + e.getMessage());
        }
        ModuleFileMatch match = ModuleFileMatch.check(call.session(), module, file, info.first("name"),
                info.first("srcversion"));
        List<String[]> lines = modinfoLines(absolute(file), info, sig);
        Printer out = call.out();
        if (out.isJson()) {
            JsonOut j = out.json();
            j.beginArray("fields");
            lines.forEach(l -> j.beginObject().field("key", l[0]).field("value", l[1]).end());
            j.end();
            j.field("module", module).field("loaded", match.loaded()).field("matches", match.matches())
                    .field("match", match.how());
            return;
        }
        for (String[] l : lines) {
            out.println(modinfoLine(l[0], l[1]));
        }
        String verdict = !match.loaded() ? match.how()
                : (match.matches() ? "matches " : "DOES NOT match ") + module + " in the dump: " + match.how();
        out.println(modinfoLine("loaded", verdict));
    }

    /** .ko files are a few MiB at most; more is not a module. */
    private static final long MAX_KO = 512L << 20;

    private static byte[] readKo(Path file) {
        try {
            if (java.nio.file.Files.size(file) > MAX_KO) {
                throw new CommandException("mod: " + file + ": larger than " + (MAX_KO >> 20) + " MiB, not a module");
            }
            return java.nio.file.Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandException("mod: cannot read " + file + ": no such file");
        } catch (java.io.IOException e) {
            throw new CommandException("mod: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String absolute(Path file) {
        try {
            return file.toRealPath().toString();
        } catch (java.io.IOException e) {
            return file.toAbsolutePath().normalize().toString();
        }
    }

    /**
     * kmod's modinfo: filename, the .modinfo fields in file order but parameters, the signature,
     * then one line per parameter ("name:description (type)"), parameters last seen first.
     */
    static List<String[]> modinfoLines(String filename, ModInfo info, Optional<ModuleSignature> sig) {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {"filename", filename});
        java.util.Map<String, String[]> params = new java.util.LinkedHashMap<>(); // name -> {description, type}
        for (ModInfo.Field f : info.fields()) {
            if (f.key().equals("parm") || f.key().equals("parmtype")) {
                int colon = f.value().indexOf(':');
                String pname = colon < 0 ? f.value() : f.value().substring(0, colon);
                String text = colon < 0 ? "" : f.value().substring(colon + 1);
                params.computeIfAbsent(pname, k -> new String[2])[f.key().equals("parm") ? 0 : 1] = text;
            } else {
                out.add(new String[] {f.key(), f.value()});
            }
        }
        sig.ifPresent(s -> {
            out.add(new String[] {"sig_id", s.idType()});
            out.add(new String[] {"signer", s.signer()});
            out.add(new String[] {"sig_key", hexBytes(s.keyId(), Integer.MAX_VALUE)});
            out.add(new String[] {"sig_hashalgo", s.hashAlgo()});
            out.add(new String[] {"signature", hexBytes(s.signature(), SIGNATURE_BYTES_PER_LINE)});
        });
        List<String> names = new ArrayList<>(params.keySet());
        java.util.Collections.reverse(names);
        for (String n : names) {
            String[] p = params.get(n);
            String desc = p[0] == null ? "" : p[0];
            out.add(new String[] {"parm", n + ":" + desc + (p[1] == null ? "" : " (" + p[1] + ")")});
        }
        return out;
    }

    /** modinfo wraps the signature after 20 bytes a line, continuation lines indented by two tabs. */
    private static final int SIGNATURE_BYTES_PER_LINE = 20;

    /** "AB:CD:..." in upper case, a line break (":" then newline and two tabs) after every {@code perLine} bytes. */
    static String hexBytes(byte[] b, int perLine) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(i % perLine == 0 ? ":\n\t\t" : ":");
            }
            sb.append(String.format(Locale.ROOT, "%02X", b[i] & 0xff));
        }
        return sb.toString();
    }

    /** "key:" left-justified in 16 columns, then the value, as modinfo prints a field. */
    static String modinfoLine(String key, String value) {
        return String.format(Locale.ROOT, "%-16s%s", key + ":", value);
    }

    private static String pad(String s, int width) {
        return String.format(Locale.ROOT, "%-" + width + "s", s);
    }

    /** crash's mkstring(CENTER|LJUST): the text centred, any odd space on the right. */
    private static String center(String s, int width) {
        int left = Math.max(0, (width - s.length()) / 2);
        return pad(" ".repeat(left) + s, width);
    }
}
