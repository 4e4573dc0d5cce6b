package dev.vmcore.dump;

import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;

/**
 * One kdump bitmap (bit {@code pfn & 7} of byte {@code pfn >> 3}) with a rank index: the count of set
 * bits below every 4096-bit chunk, so {@link #rank} costs at most 64 word pop-counts, not a scan.
 *
 * <p>Only the bits that exist are loaded: the bitmap is read with positional reads, up to the bits
 * the caller needs and no further than the file goes. Bits past the end of the file are unknown
 * ({@link #known}).
 */
final class DumpBitmap {
    /** Bits per rank chunk, as crash's BITMAP_SECT_LEN. */
    static final int CHUNK_BITS = 4096;
    /** Largest bitmap loaded: 2^32 page frames (16 TiB of 4 KiB pages). */
    static final long MAX_BYTES = 1L << 29;
    private static final int READ_CHUNK = 1 << 20;

    private final long[] words;
    private final long knownBits;
    private final long[] chunkRank;
    private final long setBits;

    private DumpBitmap(long[] words, long knownBits) {
        this.words = words;
        this.knownBits = knownBits;
        int chunks = (int) ((knownBits + CHUNK_BITS - 1) / CHUNK_BITS);
        this.chunkRank = new long[chunks + 1];
        long total = 0;
        for (int c = 0; c < chunks; c++) {
            chunkRank[c] = total;
            int from = c * (CHUNK_BITS / 64);
            int to = Math.min(words.length, from + CHUNK_BITS / 64);
            for (int w = from; w < to; w++) {
                total += Long.bitCount(words[w]);
            }
        }
        chunkRank[chunks] = total;
        this.setBits = total;
    }

    /**
     * Loads the bits {@code [0, wantBits)} of the bitmap of {@code lengthBytes} bytes at {@code offset}
     * of {@code src}; bits beyond the bitmap's length are not loaded, bits beyond the file are unknown.
     */
    static DumpBitmap read(ByteSource src, long offset, long lengthBytes, long wantBits) {
        long wantBytes = Math.min(lengthBytes, (wantBits + 7) >>> 3);
        // Only what the file holds is read: a header claiming 2^60 pages costs nothing more.
        long available = Math.max(0, Math.min(wantBytes, src.size() - offset));
        if (available > MAX_BYTES) {
            throw new FormatException(src.name(), offset, "bitmap of " + available + " bytes is larger than the "
                    + MAX_BYTES + " supported");
        }
        long[] words = new long[(int) ((available + 7) >>> 3)];
        byte[] buf = new byte[(int) Math.min(READ_CHUNK, Math.max(available, 8))];
        long done = 0;
        while (done < available) {
            int n = (int) Math.min(buf.length, available - done);
            src.readFully(offset + done, buf, 0, n);
            for (int i = 0; i < n; i++) {
                long b = done + i;
                words[(int) (b >>> 3)] |= (buf[i] & 0xffL) << ((b & 7) * 8);
            }
            done += n;
        }
        return new DumpBitmap(words, available * 8);
    }

    /** A bitmap over an array (tests). */
    static DumpBitmap of(byte[] bytes) {
        return read(ByteSource.of("bitmap", bytes), 0, bytes.length, (long) bytes.length * 8);
    }

    /** Number of bits the file holds (the rest are unknown). */
    long knownBits() {
        return knownBits;
    }

    boolean known(long bit) {
        return bit >= 0 && bit < knownBits;
    }

    /** The bit, false when unknown. */
    boolean get(long bit) {
        if (!known(bit)) {
            return false;
        }
        return (words[(int) (bit >>> 6)] & (1L << (bit & 63))) != 0;
    }

    /** Number of set bits in {@code [0, bit)}; {@code bit} may be past the known bits. */
    long rank(long bit) {
        if (bit <= 0) {
            return 0;
        }
        if (bit >= knownBits) {
            return setBits;
        }
        int chunk = (int) (bit / CHUNK_BITS);
        long r = chunkRank[chunk];
        int word = (int) (bit >>> 6);
        for (int w = chunk * (CHUNK_BITS / 64); w < word; w++) {
            r += Long.bitCount(words[w]);
        }
        int rest = (int) (bit & 63);
        if (rest != 0) {
            r += Long.bitCount(words[word] & ((1L << rest) - 1));
        }
        return r;
    }

    /** Number of set bits. */
    long count() {
        return setBits;
    }

    /** The first set bit at or after {@code bit}, or -1. */
    long nextSet(long bit) {
        if (bit < 0) {
            bit = 0;
        }
        if (bit >= knownBits) {
            return -1;
        }
        int w = (int) (bit >>> 6);
        long word = words[w] & (-1L << (bit & 63));
        while (true) {
            if (word != 0) {
                long b = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return b < knownBits ? b : -1;
            }
            if (++w >= words.length) {
                return -1;
            }
            word = words[w];
        }
    }
}
