package dev.vmcore.kernel;

import dev.vmcore.memory.ArrayAddressSpace;
import dev.vmcore.util.VmcoreException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** struct bug_entry with relative pointers, as x86-64 lays it out, in a synthetic image. */
class BugTableTest {
    private static final long BASE = 0xffffffffc0000000L;
    private static final int TABLE = 0x100;
    private static final int TEXT = 0x800;
    private static final int FILES = 0xc00;

    /** Three entries: a BUG at text+0x10, a WARN (taint flags in the high byte) at +0x40, a BUG at +0x90. */
    private static ArrayAddressSpace image() {
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        put(b, 0, TEXT + 0x10, FILES, 27, 0);
        put(b, 1, TEXT + 0x40, FILES + 0x20, 1234, 0x901);
        put(b, 2, TEXT + 0x90, FILES, 31, 0x2);
        b.put(FILES, "drivers/oops.c\0".getBytes(StandardCharsets.UTF_8));
        b.put(FILES + 0x20, "include/linux/list.h\0".getBytes(StandardCharsets.UTF_8));
        return new ArrayAddressSpace(BASE, b.array());
    }

    private static void put(ByteBuffer b, int index, int site, int file, int line, int flags) {
        int at = TABLE + index * 12;
        b.putInt(at, site - at);
        b.putInt(at + 4, file - (at + 4));
        b.putShort(at + 8, (short) line);
        b.putShort(at + 10, (short) flags);
    }

    @Test
    void findsTheSiteByItsRelativeAddress() {
        BugTable.Entry e = BugTable.search(image(), BASE + TABLE, 3, BASE + TEXT + 0x90).orElseThrow();
        assertEquals("drivers/oops.c:31", e.where());
        assertEquals(BASE + TEXT + 0x90, e.address());
        assertFalse(e.warning());
    }

    @Test
    void aWarnSiteIsMarkedWhateverTheTaintBits() {
        BugTable.Entry e = BugTable.search(image(), BASE + TABLE, 3, BASE + TEXT + 0x40).orElseThrow();
        assertEquals("include/linux/list.h", e.file());
        assertEquals(1234, e.line());
        assertTrue(e.warning());
    }

    @Test
    void anAddressThatIsNoSiteHasNoEntry() {
        assertTrue(BugTable.search(image(), BASE + TABLE, 3, BASE + TEXT + 0x11).isEmpty());
        // Only the first two entries are searched.
        assertTrue(BugTable.search(image(), BASE + TABLE, 2, BASE + TEXT + 0x90).isEmpty());
    }

    @Test
    void anImplausibleCountIsAnErrorNotAHugeRead() {
        VmcoreException e = assertThrows(VmcoreException.class,
                () -> BugTable.search(image(), BASE + TABLE, 1L << 40, BASE + TEXT));
        assertTrue(e.getMessage().contains("not plausible"), e.getMessage());
    }

    @Test
    void aTableRunningOffMappedMemoryFaults() {
        assertThrows(VmcoreException.class, () -> BugTable.search(image(), BASE + 0xff0, 3, BASE + TEXT));
    }
}
