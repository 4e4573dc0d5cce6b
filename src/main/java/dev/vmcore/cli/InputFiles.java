package dev.vmcore.cli;

import dev.vmcore.dump.FileKind;
import dev.vmcore.dump.FileProbe;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.util.InputFileException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sorts the positional files into dump and vmlinux by content, in either order. */
final class InputFiles {
    private InputFiles() {
    }

    static SessionInputs recognise(List<Path> files, List<Path> moduleDirs, boolean force) {
        if (files.isEmpty()) {
            throw new Main.InputError("vmcore: no dump file given (usage: vmcore [OPTIONS] [VMLINUX] DUMP)");
        }
        List<Path> dumps = new ArrayList<>();
        List<FileKind> dumpKinds = new ArrayList<>();
        Path vmlinux = null;
        for (Path file : files) {
            FileKind kind;
            try {
                kind = FileProbe.probe(file);
            } catch (InputFileException e) {
                throw new Main.InputError("vmcore: " + e.getMessage());
            }
            if (kind.isDump()) {
                dumps.add(file);
                dumpKinds.add(kind);
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
        if (dumps.isEmpty()) {
            throw new Main.InputError("vmcore: no dump file given, only the kernel image " + vmlinux);
        }
        // Several dump files are only meaningful as the parts of one split kdump-compressed dump.
        if (dumps.size() > 1 && !dumpKinds.stream().allMatch(k -> k == FileKind.KDUMP_COMPRESSED)) {
            throw new Main.InputError("vmcore: two dump files given: " + dumps.get(0) + " and " + dumps.get(1)
                    + " (give one dump, and optionally its vmlinux; several files only for a split kdump dump)");
        }
        for (Path dir : moduleDirs) {
            String f = String.valueOf(dir.getFileName());
            boolean koFile = Files.isRegularFile(dir) && (f.endsWith(".ko") || f.endsWith(".ko.debug"));
            if (!Files.isDirectory(dir) && !koFile) {
                throw new Main.InputError("vmcore: -m " + dir + ": not a directory or a .ko file");
            }
        }
        return new SessionInputs(dumps, Optional.ofNullable(vmlinux), moduleDirs, force);
    }
}
