package dev.vmcore.program;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files a session is opened from, already recognised by content.
 *
 * @param dumps the crash dump: one file, or every part of a split dump
 * @param vmlinux the kernel image with symbols, when the user gave one
 * @param moduleDirs where to look for kernel-module debuginfo (-m), in the order given
 * @param force use a vmlinux even when it does not match the dump
 */
public record SessionInputs(List<Path> dumps, Optional<Path> vmlinux, List<Path> moduleDirs, boolean force) {
    public SessionInputs {
        if (dumps.isEmpty()) {
            throw new IllegalArgumentException("no dump file");
        }
        dumps = List.copyOf(dumps);
        moduleDirs = List.copyOf(moduleDirs);
    }

    /** Inputs without --force. */
    public SessionInputs(List<Path> dumps, Optional<Path> vmlinux, List<Path> moduleDirs) {
        this(dumps, vmlinux, moduleDirs, false);
    }
}
