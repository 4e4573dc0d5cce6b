package dev.vmcore.program;

import dev.vmcore.dump.FileKind;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files a session is opened from, already recognised by content.
 *
 * @param dump the crash dump
 * @param dumpKind what {@code dump} is
 * @param vmlinux the kernel image with symbols, when the user gave one
 * @param moduleDirs where to look for kernel-module debuginfo (-m), in the order given
 */
public record SessionInputs(Path dump, FileKind dumpKind, Optional<Path> vmlinux, List<Path> moduleDirs) {
    public SessionInputs {
        if (!dumpKind.isDump()) {
            throw new IllegalArgumentException(dump + " is a " + dumpKind.description() + ", not a dump");
        }
        moduleDirs = List.copyOf(moduleDirs);
    }
}
