package dev.vmcore.dump;

import dev.vmcore.util.InputFileException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Recognises dumps and kernel images by content. Reads at most the first 64 bytes of a file and
 * never modifies it.
 */
public final class FileProbe {
    private static final int PROBE_BYTES = 64;
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int E_TYPE = 16;
    private static final int ET_REL = 1;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;
    private static final int ET_CORE = 4;

    private FileProbe() {
    }

    /**
     * Says what {@code path} is.
     *
     * @throws InputFileException when the file is missing, a directory, empty, unreadable, or
     *     neither a dump nor a kernel image; the message names the file and the problem
     */
    public static FileKind probe(Path path) {
        byte[] head = readHead(path);
        return classify(path, head);
    }

    static FileKind classify(Path path, byte[] head) {
        String ascii = new String(head, 0, Math.min(head.length, 16), StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("KDUMP   ")) {
            return FileKind.KDUMP_COMPRESSED;
        }
        if (ascii.startsWith("DISKDUMP")) {
            return FileKind.DISKDUMP;
        }
        // makedumpfile writes the signature NUL-padded to 16 bytes (makedumpfile.h MAKEDUMPFILE_SIGNATURE).
        if (ascii.startsWith("makedumpfile\0")) {
            return FileKind.FLATTENED;
        }
        if (head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return classifyElf(path, head);
        }
        throw new InputFileException(path, "not a crash dump or vmlinux (unrecognised content)");
    }

    private static FileKind classifyElf(Path path, byte[] head) {
        if (head.length < E_TYPE + 2) {
            throw new InputFileException(path, "truncated ELF header (" + head.length + " bytes)");
        }
        if (head[EI_CLASS] != ELFCLASS64 || head[EI_DATA] != ELFDATA2LSB) {
            throw new InputFileException(path, "ELF file is not 64-bit little-endian (only x86-64 is supported)");
        }
        int type = ByteBuffer.wrap(head, E_TYPE, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        return switch (type) {
            case ET_CORE -> FileKind.ELF_CORE;
            case ET_EXEC, ET_DYN -> FileKind.ELF_VMLINUX;
            case ET_REL -> FileKind.ELF_RELOCATABLE;
            default -> throw new InputFileException(path, "ELF file of unexpected type " + type
                    + " (neither a core dump nor a kernel image)");
        };
    }

    private static byte[] readHead(Path path) {
        if (Files.isDirectory(path)) {
            throw new InputFileException(path, "is a directory, not a file");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(PROBE_BYTES);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading: a pipe or slow file may return short reads
            }
            if (buf.position() == 0) {
                throw new InputFileException(path, "is empty");
            }
            byte[] head = new byte[buf.position()];
            buf.flip().get(head);
            return head;
        } catch (NoSuchFileException e) {
            throw new InputFileException(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new InputFileException(path, "permission denied");
        } catch (IOException e) {
            throw new InputFileException(path, "cannot read: " + e.getMessage());
        }
    }
}
