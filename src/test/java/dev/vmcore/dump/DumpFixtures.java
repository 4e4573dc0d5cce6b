package dev.vmcore.dump;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small synthetic dumps written to disk, for tests of the layers above the readers. */
public final class DumpFixtures {
    private DumpFixtures() {
    }

    /**
     * An ELF core with two pages of RAM at 0x1000 (filled with 0x11 and 0x22), one zero page after
     * them, two NT_PRSTATUS notes (pids 4242 and 0; RIP 0xffffffff81000010 on the first) and a
     * VMCOREINFO note for release 6.1.0-test.
     */
    public static Path smallElfCore(Path dir) {
        byte[] data = new byte[2 * 4096];
        java.util.Arrays.fill(data, 0, 4096, (byte) 0x11);
        java.util.Arrays.fill(data, 4096, 8192, (byte) 0x22);
        long[] regs = new long[27];
        regs[16] = 0xffffffff81000010L; // rip
        regs[19] = 0xffffc90000003f00L; // rsp
        byte[] core = new ElfCoreWriter().segment(0x1000, 0xffff888000001000L, data, 3 * 4096)
                .prstatus(4242, regs).prstatus(0, new long[27])
                .vmcoreInfo("OSRELEASE=6.1.0-test\nPAGESIZE=4096\nKERNELOFFSET=2a000000\nNUMBER(phys_base)=-2000000\n")
                .build();
        try {
            return Files.write(dir.resolve("small.core"), core);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
