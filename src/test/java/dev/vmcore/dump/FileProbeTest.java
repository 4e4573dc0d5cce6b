package dev.vmcore.dump;

import dev.vmcore.util.InputFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileProbeTest {
    @TempDir
    Path dir;

    /** The first 64 bytes of an x86-64 ELF file of the given e_type. */
    static byte[] elfHeader(int type) {
        byte[] h = new byte[64];
        h[0] = 0x7f;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[4] = 2; // ELFCLASS64
        h[5] = 1; // little-endian
        h[6] = 1;
        h[16] = (byte) type;
        h[18] = 62; // EM_X86_64
        return h;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void recognisesEachKindByContentNotName() throws IOException {
        assertEquals(FileKind.ELF_CORE, FileProbe.probe(write("vmlinux", elfHeader(4))));
        assertEquals(FileKind.ELF_VMLINUX, FileProbe.probe(write("vmcore", elfHeader(2))));
        assertEquals(FileKind.ELF_VMLINUX, FileProbe.probe(write("a", elfHeader(3))));
        assertEquals(FileKind.ELF_RELOCATABLE, FileProbe.probe(write("b", elfHeader(1))));
        byte[] kdump = new byte[4096];
        System.arraycopy("KDUMP   ".getBytes(StandardCharsets.US_ASCII), 0, kdump, 0, 8);
        assertEquals(FileKind.KDUMP_COMPRESSED, FileProbe.probe(write("c", kdump)));
        System.arraycopy("DISKDUMP".getBytes(StandardCharsets.US_ASCII), 0, kdump, 0, 8);
        assertEquals(FileKind.DISKDUMP, FileProbe.probe(write("d", kdump)));
        byte[] flat = new byte[4096];
        System.arraycopy("makedumpfile".getBytes(StandardCharsets.US_ASCII), 0, flat, 0, 12);
        assertEquals(FileKind.FLATTENED, FileProbe.probe(write("e", flat)));
    }

    @Test
    void dumpKindsAreDumpsAndImagesAreNot() {
        assertTrue(FileKind.ELF_CORE.isDump());
        assertTrue(FileKind.FLATTENED.isDump());
        assertTrue(!FileKind.ELF_VMLINUX.isDump());
    }

    @Test
    void badFilesGiveOneLineNamingTheFile() throws IOException {
        Path missing = dir.resolve("nope");
        assertEquals(missing + ": no such file",
                assertThrows(InputFileException.class, () -> FileProbe.probe(missing)).getMessage());
        assertEquals(dir + ": is a directory, not a file",
                assertThrows(InputFileException.class, () -> FileProbe.probe(dir)).getMessage());
        Path empty = write("empty", new byte[0]);
        assertEquals(empty + ": is empty",
                assertThrows(InputFileException.class, () -> FileProbe.probe(empty)).getMessage());
        Path text = write("notes.txt", "hello world\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(assertThrows(InputFileException.class, () -> FileProbe.probe(text)).getMessage()
                .contains("not a crash dump or vmlinux"));
        byte[] elf32 = elfHeader(4);
        elf32[4] = 1;
        Path e32 = write("elf32", elf32);
        assertTrue(assertThrows(InputFileException.class, () -> FileProbe.probe(e32)).getMessage()
                .contains("not 64-bit little-endian"));
        Path shortElf = write("short", new byte[] {0x7f, 'E', 'L', 'F', 2, 1});
        assertTrue(assertThrows(InputFileException.class, () -> FileProbe.probe(shortElf)).getMessage()
                .contains("truncated ELF header"));
    }

    @Test
    void probeNeverModifiesTheFile() throws IOException {
        Path core = write("core", elfHeader(4));
        long before = Files.getLastModifiedTime(core).toMillis();
        byte[] content = Files.readAllBytes(core);
        FileProbe.probe(core);
        assertEquals(before, Files.getLastModifiedTime(core).toMillis());
        org.junit.jupiter.api.Assertions.assertArrayEquals(content, Files.readAllBytes(core));
    }
}
