package dev.vmcore.kernel;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.util.ByteCursor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The variable-length-record log buffer of Linux 3.5 to 5.9 (commit 7ff9554bb578 "printk: convert
 * byte-buffer to variable-length record buffer"; replaced by the lockless ring buffer in 5.10), laid
 * out by VMCOREINFO: {@code log_buf} (pointer), {@code log_buf_len}, {@code log_first_idx},
 * {@code log_next_idx} and {@code struct printk_log} {ts_nsec, len, text_len, dict_len, facility,
 * flags:5 level:3}. Records run from log_first_idx to log_next_idx; a header with len 0 means "wrap
 * to offset 0". Sequence numbers count from 0 at the oldest record (log_first_seq is not in
 * VMCOREINFO); the caller id is not recorded here (0).
 */
final class LegacyPrintk {
    private static final long MAX_BUF = 1L << 31;

    private LegacyPrintk() {
    }

    static Optional<Printk.Log> read(VmcoreInfo i, AddressSpace mem) {
        OptionalLong logBuf = i.symbol("log_buf");
        OptionalLong bufLen = i.symbol("log_buf_len");
        OptionalLong first = i.symbol("log_first_idx");
        OptionalLong next = i.symbol("log_next_idx");
        OptionalLong size = i.size("printk_log");
        OptionalLong ts = i.offset("printk_log.ts_nsec");
        OptionalLong len = i.offset("printk_log.len");
        OptionalLong textLen = i.offset("printk_log.text_len");
        OptionalLong dictLen = i.offset("printk_log.dict_len");
        if (logBuf.isEmpty() || bufLen.isEmpty() || first.isEmpty() || next.isEmpty() || size.isEmpty()
                || ts.isEmpty() || len.isEmpty() || textLen.isEmpty()) {
            return Optional.empty();
        }
        long hdr = size.getAsLong();
        long dictOff = dictLen.orElse(-1);
        if (hdr < 16 || hdr > 256 || ts.getAsLong() + 8 > hdr || len.getAsLong() + 2 > hdr
                || textLen.getAsLong() + 2 > hdr || dictOff + 4 > hdr) {
            return Optional.empty();
        }
        List<LogRecord> records = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long buf = mem.readLong(logBuf.getAsLong());
        long bufSize = mem.readInt(bufLen.getAsLong()) & 0xffff_ffffL;
        long idx = mem.readInt(first.getAsLong()) & 0xffff_ffffL;
        long end = mem.readInt(next.getAsLong()) & 0xffff_ffffL;
        if (bufSize < hdr || bufSize > MAX_BUF || idx >= bufSize || end >= bufSize) {
            warnings.add("log_buf: implausible length " + bufSize + " or indexes " + idx + ", " + end);
            return Optional.of(new Printk.Log(records, warnings));
        }
        long cap = bufSize / hdr + 2;
        boolean wrapped = false;
        for (long seq = 0; seq < cap; seq++) {
            if (seq > 0 && idx == end) {
                return Optional.of(new Printk.Log(records, warnings));
            }
            try {
                if (idx + hdr > bufSize) {
                    throw new IllegalStateException("header at " + idx + " runs past the buffer end");
                }
                byte[] h = mem.readBytes(buf + idx, (int) hdr);
                int recLen = u16(h, len.getAsLong());
                if (recLen == 0) {
                    if (records.isEmpty() && idx == end) {
                        return Optional.of(new Printk.Log(records, warnings)); // nothing logged yet
                    }
                    if (wrapped || idx == 0) {
                        throw new IllegalStateException("empty record at " + idx);
                    }
                    wrapped = true;
                    idx = 0;
                    seq--;
                    continue;
                }
                wrapped = false;
                int tl = u16(h, textLen.getAsLong());
                int dl = dictOff >= 0 ? u16(h, dictOff) : 0;
                if (recLen < hdr + tl + dl || idx + recLen > bufSize) {
                    throw new IllegalStateException("record at " + idx + " has length " + recLen);
                }
                byte[] body = mem.readBytes(buf + idx + hdr, tl + dl);
                byte[] text = java.util.Arrays.copyOf(body, tl);
                String dict = new String(body, tl, dl, StandardCharsets.UTF_8);
                int facility = dictOff >= 0 ? h[(int) dictOff + 2] & 0xff : 0;
                int level = dictOff >= 0 ? (h[(int) dictOff + 3] & 0xff) >>> 5 : 0;
                records.add(new LogRecord(seq, ByteCursor.getLong(h, (int) ts.getAsLong()), level, facility, 0, text,
                        dictValue(dict, "SUBSYSTEM="), dictValue(dict, "DEVICE=")));
                idx += recLen;
                if (idx >= bufSize) {
                    idx = 0;
                }
            } catch (IllegalStateException | MemoryFault e) {
                warnings.add("log_buf: stopped after " + records.size() + " records: " + e.getMessage());
                return Optional.of(new Printk.Log(records, warnings));
            }
        }
        warnings.add("log_buf: more records than the buffer can hold; stopped after " + records.size());
        return Optional.of(new Printk.Log(records, warnings));
    }

    private static int u16(byte[] b, long off) {
        return (b[(int) off] & 0xff) | (b[(int) off + 1] & 0xff) << 8;
    }

    private static String dictValue(String dict, String key) {
        for (String kv : dict.split("\0")) {
            if (kv.startsWith(key)) {
                return kv.substring(key.length());
            }
        }
        return "";
    }
}
