package dev.vmcore.kernel;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.Unsigned;
import dev.vmcore.util.VmcoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel log from the lockless printk ring buffer (Linux 5.10+, commit 896fbe20b4e2 "printk:
 * use the lockless ringbuffer"), located and laid out entirely by VMCOREINFO
 * (kernel/printk/printk.c {@code log_buf_vmcoreinfo_setup}), so no types are needed.
 *
 * <p>Mirrors kernel/printk/printk_ringbuffer.c: descriptors from {@code tail_id} to {@code head_id},
 * slot = id mod 2^count_bits, only committed or finalized descriptors whose state_var id matches;
 * text from the data ring via {@code get_data()}'s rules (regular or wrapped block, the block's
 * {@code unsigned long} id in front of the text). Every count and length is capped: corrupt data
 * gives the records read so far plus warnings, never a long loop or a large allocation.
 */
public final class Printk {
    /** What was read: the records in id order and what went wrong on the way (empty when nothing). */
    public record Log(List<LogRecord> records, List<String> warnings) {
        public Log {
            records = List.copyOf(records);
            warnings = List.copyOf(warnings);
        }
    }

    static final int MAX_COUNT_BITS = 24;
    static final int MAX_SIZE_BITS = 31;
    private static final long ID_MASK = ~(3L << 62);
    private static final int STATE_COMMITTED = 1;
    private static final int STATE_FINALIZED = 2;
    private static final long ID_SIZE = 8;

    private final AddressSpace mem;
    private final Layout l;
    private final List<String> warnings = new ArrayList<>();
    private int skippedBadData;

    private Printk(AddressSpace mem, Layout layout) {
        this.mem = mem;
        this.l = layout;
    }

    /** crash's PID_CHARS_DEFAULT: the caller-id column width when pid_max is unknown or above 999999. */
    public static final int CALLER_WIDTH_DEFAULT = 8;

    /**
     * The width of the caller-id column as crash's dump_lockless_record_log sizes it from
     * {@code pid_max} (kernel/pid.c): 6 up to 99999, 7 up to 999999, else 8 (also without the symbol).
     */
    public static int callerWidth(SymbolTable symbols, AddressSpace mem) {
        Optional<Symbol> pidMax = symbols.find("pid_max");
        if (pidMax.isEmpty()) {
            return CALLER_WIDTH_DEFAULT;
        }
        long max;
        try {
            max = Integer.toUnsignedLong(mem.readInt(pidMax.get().address()));
        } catch (VmcoreException e) {
            return CALLER_WIDTH_DEFAULT;
        }
        return max <= 99_999 ? 6 : max <= 999_999 ? 7 : CALLER_WIDTH_DEFAULT;
    }

    /** True when VMCOREINFO describes a lockless ring buffer. */
    public static boolean present(VmcoreInfo info) {
        return info.symbol("prb").isPresent();
    }

    /**
     * Reads the log: the lockless ring buffer, else the legacy log_buf (3.5-5.9). Empty when
     * VMCOREINFO describes neither.
     *
     * @throws MemoryFault when the ring buffer's header itself cannot be read
     */
    public static Optional<Log> read(VmcoreInfo info, AddressSpace mem) {
        if (!present(info)) {
            return LegacyPrintk.read(info, mem);
        }
        return Layout.from(info).map(layout -> new Printk(mem, layout).readAll());
    }

    private Log readAll() {
        long prb = mem.readLong(l.prbSymbol);
        long descRing = prb + l.descRing;
        int countBits = mem.readInt(descRing + l.countBits);
        long descs = mem.readLong(descRing + l.descs);
        long infos = mem.readLong(descRing + l.infos);
        long headId = mem.readLong(descRing + l.headId + l.counter) & ID_MASK;
        long tailId = mem.readLong(descRing + l.tailId + l.counter) & ID_MASK;
        long textRing = prb + l.textDataRing;
        int sizeBits = mem.readInt(textRing + l.sizeBits);
        long data = mem.readLong(textRing + l.data);
        List<LogRecord> records = new ArrayList<>();
        if (countBits < 0 || countBits > MAX_COUNT_BITS || sizeBits < 4 || sizeBits > MAX_SIZE_BITS) {
            warnings.add("printk ring buffer: implausible sizes (count_bits " + countBits + ", size_bits "
                    + sizeBits + "); no records read");
            return new Log(records, warnings);
        }
        long count = 1L << countBits;
        long span = (headId - tailId) & ID_MASK;
        if (Unsigned.lessOrEqual(count, span)) {
            warnings.add("printk ring buffer: tail id " + tailId + " to head id " + headId
                    + " spans more than the " + count + " descriptors; reading the last " + count);
            tailId = (headId - count + 1) & ID_MASK;
            span = count - 1;
        }
        for (long i = 0, id = tailId; i <= span; i++, id = (id + 1) & ID_MASK) {
            try {
                readRecord(id, descs, infos, count, data, sizeBits).ifPresent(records::add);
            } catch (MemoryFault e) {
                warnings.add("printk ring buffer: stopped at descriptor id " + id + ": " + e.getMessage());
                break;
            }
        }
        if (skippedBadData > 0) {
            warnings.add("printk ring buffer: " + skippedBadData + " record(s) with invalid text positions skipped");
        }
        return new Log(records, warnings);
    }

    private Optional<LogRecord> readRecord(long id, long descs, long infos, long count, long data, int sizeBits) {
        long slot = id & (count - 1);
        long desc = descs + slot * l.descSize;
        long stateVar = mem.readLong(desc + l.stateVar + l.counter);
        int state = (int) (stateVar >>> 62);
        if ((stateVar & ID_MASK) != id || (state != STATE_COMMITTED && state != STATE_FINALIZED)) {
            return Optional.empty(); // reserved, reusable or recycled for another id: not printable
        }
        long begin = mem.readLong(desc + l.textBlkLpos + l.lposBegin);
        long next = mem.readLong(desc + l.textBlkLpos + l.lposNext);
        long info = infos + slot * l.infoSize;
        byte[] ib = mem.readBytes(info, (int) l.infoSize);
        long seq = ByteCursor.getLong(ib, (int) l.infoSeq);
        long ts = ByteCursor.getLong(ib, (int) l.infoTs);
        int textLen = (ib[(int) l.infoTextLen] & 0xff) | (ib[(int) l.infoTextLen + 1] & 0xff) << 8;
        int facility = ib[(int) l.infoTextLen + 2] & 0xff;
        int level = (ib[(int) l.infoTextLen + 3] & 0xff) >>> 5;
        int callerId = ByteCursor.getInt(ib, (int) l.infoCallerId);
        String subsystem = cString(ib, l.infoDevInfo + l.subsystem, l.subsystemLen);
        String device = cString(ib, l.infoDevInfo + l.device, l.deviceLen);
        byte[] text = text(begin, next, textLen, data, sizeBits);
        if (text == null) {
            skippedBadData++;
            return Optional.empty();
        }
        return Optional.of(new LogRecord(seq, ts, level, facility, callerId, text, subsystem, device));
    }

    /** The text bytes as get_data() finds them; empty for data-less records, null when invalid. */
    private byte[] text(long begin, long next, int textLen, long data, int sizeBits) {
        if ((begin & 1) != 0 || begin == next) {
            return new byte[0]; // FAILED_LPOS / NO_LPOS or empty block: a data-less record
        }
        long size = 1L << sizeBits;
        long offset;
        long blockSize;
        if (begin >>> sizeBits == next >>> sizeBits && Unsigned.lessThan(begin, next)) {
            offset = begin & (size - 1);
            blockSize = next - begin;
        } else if ((begin + size) >>> sizeBits == next >>> sizeBits) {
            offset = 0;
            blockSize = next & (size - 1);
        } else {
            return null;
        }
        if ((begin & (ID_SIZE - 1)) != 0 || (next & (ID_SIZE - 1)) != 0 || blockSize < ID_SIZE
                || offset + blockSize > size) {
            return null;
        }
        int len = (int) Math.min(textLen, blockSize - ID_SIZE);
        return mem.readBytes(data + offset + ID_SIZE, len);
    }

    private static String cString(byte[] b, long offset, long max) {
        if (max <= 0 || offset < 0 || offset + max > b.length) {
            return "";
        }
        int end = (int) offset;
        while (end < offset + max && b[end] != 0) {
            end++;
        }
        return new String(b, (int) offset, end - (int) offset, StandardCharsets.UTF_8);
    }

    /** Every offset and size the reader needs, from VMCOREINFO. */
    private record Layout(long prbSymbol, long descRing, long textDataRing, long countBits, long descs, long infos,
                          long headId, long tailId, long descSize, long stateVar, long textBlkLpos, long lposBegin,
                          long lposNext, long infoSize, long infoSeq, long infoTs, long infoTextLen,
                          long infoCallerId, long infoDevInfo, long subsystem, long subsystemLen, long device,
                          long deviceLen, long sizeBits, long data, long counter) {
        private static final long MAX_STRUCT = 4096;

        static Optional<Layout> from(VmcoreInfo i) {
            try {
                Layout l = new Layout(req(i.symbol("prb")), req(i.offset("printk_ringbuffer.desc_ring")),
                        req(i.offset("printk_ringbuffer.text_data_ring")), req(i.offset("prb_desc_ring.count_bits")),
                        req(i.offset("prb_desc_ring.descs")), req(i.offset("prb_desc_ring.infos")),
                        req(i.offset("prb_desc_ring.head_id")), req(i.offset("prb_desc_ring.tail_id")),
                        req(i.size("prb_desc")), req(i.offset("prb_desc.state_var")),
                        req(i.offset("prb_desc.text_blk_lpos")), req(i.offset("prb_data_blk_lpos.begin")),
                        req(i.offset("prb_data_blk_lpos.next")), req(i.size("printk_info")),
                        req(i.offset("printk_info.seq")), req(i.offset("printk_info.ts_nsec")),
                        req(i.offset("printk_info.text_len")), req(i.offset("printk_info.caller_id")),
                        req(i.offset("printk_info.dev_info")), i.offset("dev_printk_info.subsystem").orElse(0),
                        i.length("printk_info_subsystem").orElse(0), i.offset("dev_printk_info.device").orElse(0),
                        i.length("printk_info_device").orElse(0), req(i.offset("prb_data_ring.size_bits")),
                        req(i.offset("prb_data_ring.data")), i.offset("atomic_long_t.counter").orElse(0));
                return l.plausible() ? Optional.of(l) : Optional.empty();
            } catch (IllegalStateException missing) {
                return Optional.empty();
            }
        }

        private boolean plausible() {
            return descSize >= 8 && descSize <= MAX_STRUCT && infoSize >= 8 && infoSize <= MAX_STRUCT
                    && infoSeq + 8 <= infoSize && infoTs + 8 <= infoSize && infoTextLen + 4 <= infoSize
                    && infoCallerId + 4 <= infoSize && infoDevInfo <= infoSize
                    && stateVar + counter + 8 <= descSize && textBlkLpos + Math.max(lposBegin, lposNext) + 8 <= descSize
                    && infoDevInfo + Math.max(subsystem + subsystemLen, device + deviceLen) <= infoSize;
        }

        private static long req(OptionalLong v) {
            if (v.isEmpty()) {
                throw new IllegalStateException();
            }
            return v.getAsLong();
        }
    }
}
