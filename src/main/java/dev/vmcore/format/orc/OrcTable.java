package dev.vmcore.format.orc;

import dev.vmcore.util.Unsigned;

import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

import java.util.Optional;

/**
 * One ORC table: {@code count} instruction addresses ({@code .orc_unwind_ip}, each an s32 relative
 * to its own slot, sorted) and as many 6-byte entries ({@code .orc_unwind}). Looked up in place by
 * binary search over the sources, so a table in kernel memory costs a few page reads per lookup,
 * not a copy of the whole table.
 */
public final class OrcTable {
    /** sizeof(struct orc_entry). */
    public static final int ENTRY_SIZE = 6;

    private final String name;
    private final ByteSource ips;
    private final long ipsAddress;
    private final ByteSource entries;
    private final int count;
    private final OrcFormat format;

    /**
     * @param name       what the table is, for messages ("vmlinux", "module oops_uaf")
     * @param ips        the s32 instruction-pointer table, position 0 at its first slot
     * @param ipsAddress the address that first slot has in the kernel (the entries are relative to their slots)
     * @param entries    the orc_entry table, position 0 at its first entry
     * @param count      the number of entries in both
     */
    public OrcTable(String name, ByteSource ips, long ipsAddress, ByteSource entries, int count, OrcFormat format) {
        if (count < 0 || ips.size() < 4L * count || entries.size() < (long) ENTRY_SIZE * count) {
            throw new FormatException(name, 0, "ORC table of " + count + " entries does not fit its "
                    + ips.size() + "-byte ip table and " + entries.size() + "-byte entry table");
        }
        this.name = name;
        this.ips = ips;
        this.ipsAddress = ipsAddress;
        this.entries = entries;
        this.count = count;
        this.format = format;
    }

    public String name() {
        return name;
    }

    public int size() {
        return count;
    }

    public OrcFormat format() {
        return format;
    }

    /** The instruction address entry {@code i} starts at. */
    public long ipAt(int i) {
        long slot = 4L * i;
        int rel = ByteCursor.getInt(ips.readBytes(slot, 4), 0);
        return ipsAddress + slot + rel;
    }

    /** Entry {@code i}, decoded; a FormatException when its bits are not a valid entry of this format. */
    public OrcEntry entryAt(int i) {
        byte[] b = entries.readBytes((long) ENTRY_SIZE * i, ENTRY_SIZE);
        short sp = (short) ((b[0] & 0xff) | (b[1] << 8));
        short bp = (short) ((b[2] & 0xff) | (b[3] << 8));
        int bits = (b[4] & 0xff) | ((b[5] & 0xff) << 8);
        OrcEntry e = format.decode(sp, bp, bits);
        if (e == null) {
            throw new FormatException(name, (long) ENTRY_SIZE * i, "ORC entry " + i + " has invalid bits 0x"
                    + Integer.toHexString(bits) + " for the " + format + " layout");
        }
        return e;
    }

    /**
     * The entry covering {@code ip}: the last one starting at or below it (the kernel's __orc_find);
     * empty when the table is empty or {@code ip} lies below its first address.
     */
    public Optional<OrcEntry> find(long ip) {
        int i = indexOf(ip);
        return i < 0 ? Optional.empty() : Optional.of(entryAt(i));
    }

    /** The index {@link #find} would use, or -1. */
    public int indexOf(long ip) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Unsigned.lessOrEqual(ipAt(mid), ip)) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
