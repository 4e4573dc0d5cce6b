package dev.vmcore.commands;

import dev.vmcore.program.ModuleDebugInfo;
import dev.vmcore.program.Session;
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
        Options o = Options.parse(name(), call.args(), Set.of("-s", "-S", "-d"));
        String mode = o.oneOf(name(), "-s", "-S", "-d");
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

    private static String pad(String s, int width) {
        return String.format(Locale.ROOT, "%-" + width + "s", s);
    }

    /** crash's mkstring(CENTER|LJUST): the text centred, any odd space on the right. */
    private static String center(String s, int width) {
        int left = Math.max(0, (width - s.length()) / 2);
        return pad(" ".repeat(left) + s, width);
    }
}
