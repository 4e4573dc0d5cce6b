package dev.vmcore.dump;

import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FileByteSource;
import dev.vmcore.util.FormatException;
import dev.vmcore.util.InputFileException;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens a dump of any supported format, recognised by content: ELF core, kdump-compressed or
 * diskdump, either of them flattened (makedumpfile -F, QEMU kdump-*), or a set of split
 * kdump-compressed files (makedumpfile --split).
 */
public final class DumpOpener {
    private DumpOpener() {
    }

    /** Opens one dump file, or all the parts of a split dump. */
    public static DumpFile open(List<Path> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no dump files");
        }
        if (paths.size() > 1) {
            return KdumpDump.openSplit(paths);
        }
        Path path = paths.get(0);
        FileKind kind = FileProbe.probe(path);
        FileByteSource file = FileByteSource.open(path);
        try {
            return open(path, kind, file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static DumpFile open(Path path, FileKind kind, FileByteSource file) {
        return switch (kind) {
            case ELF_CORE -> new ElfCoreDump(List.of(path), file, false);
            case KDUMP_COMPRESSED, DISKDUMP -> KdumpDump.open(List.of(path), file, false);
            case FLATTENED -> openFlattened(path, file);
            default -> throw new InputFileException(path, "is a " + kind.description() + ", not a dump");
        };
    }

    private static DumpFile openFlattened(Path path, FileByteSource file) {
        ByteSource inner = FlattenedSource.index(file);
        FileKind innerKind = FileProbe.classify(path, inner.readBytes(0, (int) Math.min(64, inner.size())));
        return switch (innerKind) {
            case ELF_CORE -> new ElfCoreDump(List.of(path), inner, true);
            case KDUMP_COMPRESSED, DISKDUMP -> KdumpDump.open(List.of(path), inner, true);
            default -> throw new FormatException(path.toString(), 0, "flattened file holds a "
                    + innerKind.description() + ", not a dump");
        };
    }
}
