package dev.vmcore.cli;

import dev.vmcore.dump.FileKind;
import dev.vmcore.dump.FileProbe;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.util.InputFileException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Sorts the positional files into dump and vmlinux by content, in either order. */
final class InputFiles {
    private InputFiles() {
    }

    static SessionInputs recognise(List<Path> files, List<Path> moduleDirs) {
        if (files.isEmpty()) {
            throw new Main.InputError("vmcore: no dump file given (usage: vmcore [OPTIONS] [VMLINUX] DUMP)");
        }
        Path dump = null;
        FileKind dumpKind = null;
        Path vmlinux = null;
        for (Path file : files) {
            FileKind kind;
            try {
                kind = FileProbe.probe(file);
            } catch (InputFileException e) {
                throw new Main.InputError("vmcore: " + e.getMessage());
            }
            if (kind.isDump()) {
                if (dump != null) {
                    throw new Main.InputError("vmcore: two dump files given: " + dump + " and " + file
                            + " (give one dump, and optionally its vmlinux)");
                }
                dump = file;
                dumpKind = kind;
            } else if (kind == FileKind.ELF_VMLINUX) {
                if (vmlinux != null) {
                    throw new Main.InputError("vmcore: two kernel images given: " + vmlinux + " and " + file);
                }
                vmlinux = file;
            } else {
                throw new Main.InputError("vmcore: " + file + ": is a " + kind.description()
                        + "; give module directories with -m DIR");
            }
        }
        if (dump == null) {
            throw new Main.InputError("vmcore: no dump file given, only the kernel image " + vmlinux);
        }
        for (Path dir : moduleDirs) {
            if (!Files.isDirectory(dir)) {
                throw new Main.InputError("vmcore: -m " + dir + ": not a directory");
            }
        }
        return new SessionInputs(dump, dumpKind, Optional.ofNullable(vmlinux), moduleDirs);
    }
}
