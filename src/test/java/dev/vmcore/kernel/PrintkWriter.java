package dev.vmcore.kernel;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.ArrayAddressSpace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds a lockless printk ring buffer (the Linux 6.1 x86-64 layout, as its VMCOREINFO gives it) in
 * a byte image mapped at {@link #BASE}, appending records the way printk_ringbuffer.c's
 * data_alloc() places them: a block = the unsigned long id + text, 8-aligned; a block that does not
 * fit before the end of the ring goes to offset 0 with the next wrap's lpos.
 */
final class PrintkWriter {
    static final long BASE = 0xffffffff81000000L;
    static final long PRB_SYMBOL = BASE;
    static final long RB = BASE + 0x100;
    static final long DESCS = BASE + 0x1000;
    static final long INFOS = BASE + 0x2000;
    static final long DATA = BASE + 0x4000;
    static final long DESC_SIZE = 24;
    static final long INFO_SIZE = 88;
    static final String VMCOREINFO = """
            SYMBOL(prb)=%x
            SIZE(printk_ringbuffer)=88
            OFFSET(printk_ringbuffer.desc_ring)=0
            OFFSET(printk_ringbuffer.text_data_ring)=48
            OFFSET(printk_ringbuffer.fail)=80
            SIZE(prb_desc_ring)=48
            OFFSET(prb_desc_ring.count_bits)=0
            OFFSET(prb_desc_ring.descs)=8
            OFFSET(prb_desc_ring.infos)=16
            OFFSET(prb_desc_ring.head_id)=24
            OFFSET(prb_desc_ring.tail_id)=32
            SIZE(prb_desc)=24
            OFFSET(prb_desc.state_var)=0
            OFFSET(prb_desc.text_blk_lpos)=8
            SIZE(prb_data_blk_lpos)=16
            OFFSET(prb_data_blk_lpos.begin)=0
            OFFSET(prb_data_blk_lpos.next)=8
            SIZE(printk_info)=88
            OFFSET(printk_info.seq)=0
            OFFSET(printk_info.ts_nsec)=8
            OFFSET(printk_info.text_len)=16
            OFFSET(printk_info.caller_id)=20
            OFFSET(printk_info.dev_info)=24
            SIZE(dev_printk_info)=64
            OFFSET(dev_printk_info.subsystem)=0
            LENGTH(printk_info_subsystem)=16
            OFFSET(dev_printk_info.device)=16
            LENGTH(printk_info_device)=48
            SIZE(prb_data_ring)=32
            OFFSET(prb_data_ring.size_bits)=0
            OFFSET(prb_data_ring.data)=8
            OFFSET(prb_data_ring.head_lpos)=16
            OFFSET(prb_data_ring.tail_lpos)=24
            SIZE(atomic_long_t)=8
            OFFSET(atomic_long_t.counter)=0
            """.formatted(PRB_SYMBOL);

    final ByteBuffer image = ByteBuffer.allocate(0x8000).order(ByteOrder.LITTLE_ENDIAN);
    final int countBits;
    final int sizeBits;
    long nextId;
    long tailId;
    long headLpos;

    /** An empty ring of 2^countBits descriptors and 2^sizeBits data bytes; lpos start at startWrap. */
    PrintkWriter(int countBits, int sizeBits, long firstId, long startWrap) {
        this.countBits = countBits;
        this.sizeBits = sizeBits;
        this.nextId = firstId;
        this.tailId = firstId;
        this.headLpos = startWrap << sizeBits;
        putLong(PRB_SYMBOL, RB);
        image.putInt(off(RB), countBits);
        putLong(RB + 8, DESCS);
        putLong(RB + 16, INFOS);
        image.putInt(off(RB + 48), sizeBits);
        putLong(RB + 48 + 8, DATA);
    }

    VmcoreInfo info() {
        return VmcoreInfo.parse(VMCOREINFO);
    }

    /** Appends a finalized record; returns its id. */
    long add(long tsNs, int level, int callerId, String text) {
        return add(tsNs, level, callerId, text, "", "", 2);
    }

    long add(long tsNs, int level, int callerId, String text, String subsystem, String device, int state) {
        long id = nextId++;
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        long size = 1L << sizeBits;
        long blockSize = (8 + t.length + 7) & ~7L;
        long begin = headLpos;
        long next = begin + blockSize;
        long dataOffset = begin & (size - 1);
        if (begin >>> sizeBits != next >>> sizeBits) { // as get_next_lpos(): wraps to offset 0
            putLong(DATA + dataOffset, id);
            next = ((begin >>> sizeBits) + 1 << sizeBits) + blockSize;
            dataOffset = 0;
        }
        putLong(DATA + dataOffset, id);
        for (int i = 0; i < t.length; i++) {
            image.put(off(DATA + dataOffset + 8 + i), t[i]);
        }
        headLpos = next;
        long slot = id & ((1L << countBits) - 1);
        long desc = DESCS + slot * DESC_SIZE;
        putLong(desc, (long) state << 62 | id);
        putLong(desc + 8, begin);
        putLong(desc + 16, next);
        long info = INFOS + slot * INFO_SIZE;
        putLong(info, id);
        putLong(info + 8, tsNs);
        image.putShort(off(info + 16), (short) t.length);
        image.put(off(info + 18), (byte) 0);
        image.put(off(info + 19), (byte) (level << 5));
        image.putInt(off(info + 20), callerId);
        putString(info + 24, subsystem, 16);
        putString(info + 40, device, 48);
        putLong(RB + 24, id); // head_id
        putLong(RB + 32, tailId);
        return id;
    }

    /** Moves the tail (as the kernel does when it recycles the oldest descriptors). */
    void tail(long id) {
        tailId = id;
        putLong(RB + 32, id);
    }

    void descState(long id, int state, long storedId) {
        putLong(DESCS + (id & ((1L << countBits) - 1)) * DESC_SIZE, (long) state << 62 | storedId);
    }

    void lpos(long id, long begin, long next) {
        long desc = DESCS + (id & ((1L << countBits) - 1)) * DESC_SIZE;
        putLong(desc + 8, begin);
        putLong(desc + 16, next);
    }

    void putLong(long address, long value) {
        image.putLong(off(address), value);
    }

    private void putString(long address, String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Math.min(b.length, max - 1); i++) {
            image.put(off(address + i), b[i]);
        }
    }

    private static int off(long address) {
        return Math.toIntExact(address - BASE);
    }

    AddressSpace memory() {
        return new ArrayAddressSpace(BASE, image.array());
    }
}
