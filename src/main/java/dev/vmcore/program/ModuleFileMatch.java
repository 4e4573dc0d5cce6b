package dev.vmcore.program;

import dev.vmcore.symbols.ModuleKallsyms;
import dev.vmcore.types.Types;
import dev.vmcore.util.VmcoreException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a .ko file is the module loaded in the dump under a name (mod -i). By srcversion when
 * both the file's .modinfo and the loaded {@code struct module.srcversion} have one (an MD4 of the
 * module's sources, scripts/mod/modpost.c); else by the check mod -s makes before loading DWARF
 * (every function of the file sits where the loaded module's own kallsyms put it, see
 * {@link ModuleDebugInfo}).
 *
 * @param loaded  whether a module of that name is loaded at all
 * @param matches whether the file is that module (false also when it cannot be told)
 * @param how     one line: what was compared, or why it does not match
 */
public record ModuleFileMatch(boolean loaded, boolean matches, String how) {
    /** struct module.srcversion is MODULE_NAME_LEN-sized at most in practice (25 characters). */
    private static final int MAX_SRCVERSION = 64;

    /**
     * Compares {@code ko} (whose .modinfo gives its name {@code fileName} and srcversion
     * {@code fileSrcversion}) with the loaded module {@code name}.
     */
    public static ModuleFileMatch check(Session session, String name, Path ko, Optional<String> fileName,
                                        Optional<String> fileSrcversion) {
        Optional<ModuleKallsyms.LoadedModule> m = session.modules().stream().filter(x -> x.name().equals(name)).findFirst();
        if (m.isEmpty()) {
            return new ModuleFileMatch(false, false, "no module named " + name + " is loaded");
        }
        if (fileName.isPresent() && !fileName.get().equals(name)) {
            return new ModuleFileMatch(true, false, "the file is module " + fileName.get() + ", not " + name);
        }
        Optional<String> loadedSrcversion = srcversion(session, m.get());
        if (fileSrcversion.isPresent() && loadedSrcversion.isPresent()) {
            boolean same = fileSrcversion.get().equals(loadedSrcversion.get());
            return new ModuleFileMatch(true, same, same ? "srcversion " + fileSrcversion.get() + " equals the loaded module's"
                    : "srcversion " + fileSrcversion.get() + " differs from the loaded module's " + loadedSrcversion.get());
        }
        try {
            ModuleDebugInfo.dwarf(session.kernelMemory(), session.kernelTypes(), m.get(), ko);
        } catch (VmcoreException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            // The placement check runs before the DWARF is looked for: a file without DWARF passed it.
            if (!msg.endsWith("no DWARF debugging information (.debug_info)")) {
                return new ModuleFileMatch(true, false, msg.startsWith(ko.toString()) ? msg.substring(ko.toString().length())
                        .replaceFirst("^:? *", "") : msg);
            }
        }
        return new ModuleFileMatch(true, true, "its functions sit where the loaded module's kallsyms put them");
    }

    /** The loaded module's srcversion string, when the kernel keeps one (MODULE_VERSION or CONFIG_MODULE_SRCVERSION_ALL). */
    private static Optional<String> srcversion(Session session, ModuleKallsyms.LoadedModule m) {
        Optional<Long> off = session.kernelTypes().findType("struct module").flatMap(t -> Types.offsetOf(t, "srcversion"));
        if (off.isEmpty()) {
            return Optional.empty();
        }
        try {
            long p = session.kernelMemory().readLong(m.struct() + off.get());
            if (p == 0) {
                return Optional.empty();
            }
            byte[] b = session.kernelMemory().readBytes(p, MAX_SRCVERSION);
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return n == 0 ? Optional.empty() : Optional.of(new String(b, 0, n, StandardCharsets.US_ASCII));
        } catch (VmcoreException e) {
            return Optional.empty();
        }
    }
}
