package dev.vmcore.format.orc;

import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lookups in ORC tables written in test code: relative s32 ips and 6-byte entries, as objtool lays them out. */
class OrcTableTest {
    /** Where the ip table sits: after the text, as in vmlinux, so the relative values are negative. */
    private static final long IPS = 0xffffffff82a00000L;
    private static final long TEXT = 0xffffffff81000000L;

    /** The .orc_unwind_ip bytes for {@code ips} placed at {@code ipsAddress}. */
    static byte[] ipTable(long ipsAddress, long... ips) {
        byte[] b = new byte[4 * ips.length];
        for (int i = 0; i < ips.length; i++) {
            long rel = ips[i] - (ipsAddress + 4L * i);
            if (rel != (int) rel) {
                throw new IllegalArgumentException("ip " + Long.toHexString(ips[i]) + " out of s32 reach");
            }
            putInt(b, 4 * i, (int) rel);
        }
        return b;
    }

    /** The .orc_unwind bytes for {@code entries} in {@code format}. */
    static byte[] entryTable(OrcFormat format, List<OrcEntry> entries) {
        byte[] b = new byte[OrcTable.ENTRY_SIZE * entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            OrcEntry e = entries.get(i);
            putEntry(b, i, e.spOffset(), e.bpOffset(), OrcFormatTest.bits(format, e.spReg(), e.bpReg(), e.type(), e.signal()));
        }
        return b;
    }

    static void putEntry(byte[] b, int index, int sp, int bp, int bits) {
        int at = OrcTable.ENTRY_SIZE * index;
        b[at] = (byte) sp;
        b[at + 1] = (byte) (sp >> 8);
        b[at + 2] = (byte) bp;
        b[at + 3] = (byte) (bp >> 8);
        b[at + 4] = (byte) bits;
        b[at + 5] = (byte) (bits >> 8);
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int k = 0; k < 4; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
    }

    /** Entry {@code i}: a CALL frame whose sp offset tells the entries apart. */
    private static OrcEntry call(int i) {
        return new OrcEntry(OrcReg.SP, 8 + 8 * i, OrcReg.UNDEFINED, 0, OrcType.CALL, false);
    }

    private static OrcTable table(OrcFormat format, long ipsAddress, long[] ips, List<OrcEntry> entries) {
        return new OrcTable("test ORC", ByteSource.of("ips", ipTable(ipsAddress, ips)), ipsAddress,
                ByteSource.of("entries", entryTable(format, entries)), ips.length, format);
    }

    @Test
    void ipsAreRelativeToTheirSlots() {
        long[] ips = {TEXT, TEXT + 0x10, TEXT + 0x10_0000};
        OrcTable t = table(OrcFormat.TYPED, IPS, ips, List.of(call(0), call(1), call(2)));
        assertEquals(3, t.size());
        assertEquals("test ORC", t.name());
        assertEquals(OrcFormat.TYPED, t.format());
        for (int i = 0; i < ips.length; i++) {
            assertEquals(ips[i], t.ipAt(i), "ip " + i);
            assertEquals(call(i), t.entryAt(i), "entry " + i);
        }
    }

    @Test
    void findIsTheLastEntryAtOrBelow() {
        long[] ips = {TEXT + 0x100, TEXT + 0x140, TEXT + 0x141, TEXT + 0x200, TEXT + 0x1000};
        List<OrcEntry> entries = List.of(call(0), call(1), call(2), call(3), call(4));
        OrcTable t = table(OrcFormat.TYPED, IPS, ips, entries);
        assertEquals(Optional.empty(), t.find(TEXT));
        assertEquals(Optional.empty(), t.find(TEXT + 0xff));
        assertEquals(-1, t.indexOf(TEXT + 0xff));
        assertEquals(-1, t.indexOf(0), "address 0 lies below kernel text (unsigned)");
        for (int i = 0; i < ips.length; i++) {
            assertEquals(Optional.of(entries.get(i)), t.find(ips[i]), "exactly at entry " + i);
            assertEquals(i, t.indexOf(ips[i]));
        }
        assertEquals(Optional.of(call(0)), t.find(TEXT + 0x13f));
        assertEquals(Optional.of(call(3)), t.find(TEXT + 0x201));
        assertEquals(Optional.of(call(3)), t.find(TEXT + 0xfff));
        assertEquals(Optional.of(call(4)), t.find(TEXT + 0x1001), "after the last");
        assertEquals(Optional.of(call(4)), t.find(-1L), "far past the end, unsigned");
    }

    @Test
    void duplicatesResolveToTheLastOne() {
        // objtool emits several entries at one address (the kernel's __orc_find takes the last)
        long[] ips = {TEXT, TEXT + 0x20, TEXT + 0x20, TEXT + 0x20, TEXT + 0x40};
        List<OrcEntry> entries = List.of(call(0), call(1), call(2), call(3), call(4));
        OrcTable t = table(OrcFormat.END_BIT, IPS, ips, entries);
        assertEquals(3, t.indexOf(TEXT + 0x20));
        assertEquals(Optional.of(call(3)), t.find(TEXT + 0x20));
        assertEquals(Optional.of(call(3)), t.find(TEXT + 0x3f));
        assertEquals(Optional.of(call(0)), t.find(TEXT + 0x1f));
    }

    @Test
    void everySizeOfTableFindsEveryEntry() {
        for (int n = 1; n <= 33; n++) {
            long[] ips = new long[n];
            List<OrcEntry> entries = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                ips[i] = TEXT + 0x10L * i;
                entries.add(call(i));
            }
            OrcTable t = table(OrcFormat.TYPED_RENUMBERED, IPS, ips, entries);
            assertEquals(-1, t.indexOf(TEXT - 1), "n=" + n);
            for (int i = 0; i < n; i++) {
                assertEquals(i, t.indexOf(ips[i]), "n=" + n + " at " + i);
                assertEquals(i, t.indexOf(ips[i] + 0xf), "n=" + n + " inside " + i);
            }
        }
    }

    @Test
    void comparisonIsUnsigned() {
        // a table straddling 0x8000000000000000: a signed comparison would put the second ip first
        long ipsAddress = 0x8000000000000000L;
        long[] ips = {0x7ffffffffffffff0L, 0x8000000000000010L};
        OrcTable t = table(OrcFormat.TYPED, ipsAddress, ips, List.of(call(0), call(1)));
        assertEquals(ips[0], t.ipAt(0));
        assertEquals(ips[1], t.ipAt(1));
        assertEquals(0, t.indexOf(0x8000000000000000L));
        assertEquals(1, t.indexOf(0x8000000000000010L));
        assertEquals(1, t.indexOf(0xffffffffffffffffL));
        assertEquals(-1, t.indexOf(0x7fffffffffffffefL));
    }

    @Test
    void emptyTableFindsNothing() {
        OrcTable t = new OrcTable("empty", ByteSource.of("ips", new byte[0]), IPS, ByteSource.of("entries", new byte[0]),
                0, OrcFormat.TYPED);
        assertEquals(0, t.size());
        assertEquals(Optional.empty(), t.find(TEXT));
        assertEquals(-1, t.indexOf(-1L));
    }

    @Test
    void countBeyondTheBytesIsAFormatException() {
        byte[] ips = ipTable(IPS, TEXT, TEXT + 0x10);
        byte[] entries = entryTable(OrcFormat.TYPED, List.of(call(0), call(1)));
        FormatException shortIps = assertThrows(FormatException.class, () -> new OrcTable("vmlinux",
                ByteSource.of("ips", ips), IPS, ByteSource.of("entries", java.util.Arrays.copyOf(entries, 18)), 3,
                OrcFormat.TYPED));
        assertEquals("vmlinux", shortIps.source());
        assertTrue(shortIps.getMessage().contains("3 entries"), shortIps.getMessage());
        assertThrows(FormatException.class, () -> new OrcTable("vmlinux",
                ByteSource.of("ips", java.util.Arrays.copyOf(ips, 12)), IPS, ByteSource.of("entries", entries), 3,
                OrcFormat.TYPED), "entries too short");
        assertThrows(FormatException.class, () -> new OrcTable("vmlinux", ByteSource.of("ips", ips), IPS,
                ByteSource.of("entries", java.util.Arrays.copyOf(entries, 11)), 2, OrcFormat.TYPED),
                "one byte short of two entries");
        assertThrows(FormatException.class, () -> new OrcTable("vmlinux", ByteSource.of("ips", ips), IPS,
                ByteSource.of("entries", entries), -1, OrcFormat.TYPED), "negative count");
        // fewer entries than the bytes hold is fine: only the first count are used
        OrcTable t = new OrcTable("vmlinux", ByteSource.of("ips", ips), IPS, ByteSource.of("entries", entries), 1,
                OrcFormat.TYPED);
        assertEquals(Optional.of(call(0)), t.find(TEXT + 0x10));
    }

    @Test
    void invalidEntryBitsAreAFormatExceptionAtTheEntry() {
        long[] ips = {TEXT, TEXT + 0x10, TEXT + 0x20};
        byte[] entries = entryTable(OrcFormat.TYPED, List.of(call(0), call(1), call(2)));
        putEntry(entries, 1, 8, 0, OrcFormatTest.typedBits(5, 0, 7, false));
        OrcTable t = new OrcTable("vmlinux", ByteSource.of("ips", ipTable(IPS, ips)), IPS,
                ByteSource.of("entries", entries), 3, OrcFormat.TYPED);
        assertEquals(Optional.of(call(0)), t.find(TEXT + 0xf));
        assertEquals(Optional.of(call(2)), t.find(TEXT + 0x20));
        FormatException e = assertThrows(FormatException.class, () -> t.find(TEXT + 0x18));
        assertEquals(6, e.offset());
        assertTrue(e.getMessage().contains("0x705"), e.getMessage());
        assertEquals(1, t.indexOf(TEXT + 0x18), "indexOf does not decode");

        byte[] badReg = entryTable(OrcFormat.END_BIT, List.of(call(0)));
        putEntry(badReg, 0, 8, 0, OrcFormatTest.endBitBits(12, 0, 0, false, false));
        OrcTable t2 = new OrcTable("module m", ByteSource.of("ips", ipTable(IPS, TEXT)), IPS,
                ByteSource.of("entries", badReg), 1, OrcFormat.END_BIT);
        assertEquals(0, assertThrows(FormatException.class, () -> t2.entryAt(0)).offset());
    }

    @Test
    void entriesRoundTripInEveryFormat() {
        List<OrcEntry> entries = List.of(
                new OrcEntry(OrcReg.SP, 8, OrcReg.UNDEFINED, 0, OrcType.CALL, false),
                new OrcEntry(OrcReg.BP, 16, OrcReg.PREV_SP, -16, OrcType.CALL, false),
                new OrcEntry(OrcReg.SP, 0, OrcReg.UNDEFINED, 0, OrcType.REGS, true),
                new OrcEntry(OrcReg.SP, 40, OrcReg.UNDEFINED, 0, OrcType.REGS_PARTIAL, true),
                new OrcEntry(OrcReg.SP_INDIRECT, 8, OrcReg.UNDEFINED, 0, OrcType.CALL, true),
                new OrcEntry(OrcReg.R10, 0, OrcReg.BP, -8, OrcType.CALL, false),
                new OrcEntry(OrcReg.UNDEFINED, 0, OrcReg.UNDEFINED, 0, OrcType.END_OF_STACK, false),
                new OrcEntry(OrcReg.UNDEFINED, 0, OrcReg.UNDEFINED, 0, OrcType.UNDEFINED, false));
        long[] ips = new long[entries.size()];
        for (int i = 0; i < ips.length; i++) {
            ips[i] = TEXT + 0x100L * i;
        }
        for (OrcFormat f : OrcFormat.values()) {
            OrcTable t = table(f, IPS, ips, entries);
            for (int i = 0; i < ips.length; i++) {
                assertEquals(Optional.of(entries.get(i)), t.find(ips[i] + 0x80), f + " entry " + i);
            }
        }
    }
}
