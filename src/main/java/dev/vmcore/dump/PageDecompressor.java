package dev.vmcore.dump;

import dev.vmcore.util.FormatException;
import io.airlift.compress.lzo.LzoDecompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses one kdump-compressed page by its descriptor flags (makedumpfile diskdump_mod.h:
 * DUMP_DH_COMPRESSED_ZLIB 0x1, _LZO 0x2, _SNAPPY 0x4, _ZSTD 0x20). zlib is a zlib stream
 * ({@code compress2}), lzo raw LZO1X, snappy a raw snappy block, zstd a zstd frame.
 *
 * <p>The only class that touches aircompressor. Thread-safe: the LZO and Snappy decompressors are
 * stateless; zstd's and zlib's keep buffers, so each thread has its own. The zlib {@link Inflater} is
 * reset and reused for every page of its thread: creating and ending one per page (native state and
 * a 32 KiB window each time) cost as much as inflating the page (scripts/bench-read).
 */
final class PageDecompressor {
    static final int ZLIB = 0x1;
    static final int LZO = 0x2;
    static final int SNAPPY = 0x4;
    static final int ZSTD = 0x20;

    private static final LzoDecompressor LZO_DECOMPRESSOR = new LzoDecompressor();
    private static final SnappyDecompressor SNAPPY_DECOMPRESSOR = new SnappyDecompressor();
    private static final ThreadLocal<ZstdDecompressor> ZSTD_DECOMPRESSOR = ThreadLocal.withInitial(ZstdDecompressor::new);
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);
    private static final byte[] EMPTY = new byte[0];

    private PageDecompressor() {
    }

    /** Names of the compression flags set in {@code flags}, in flag order; empty for none. */
    static List<String> names(long flags) {
        List<String> n = new ArrayList<>();
        if ((flags & ZLIB) != 0) {
            n.add("zlib");
        }
        if ((flags & LZO) != 0) {
            n.add("lzo");
        }
        if ((flags & SNAPPY) != 0) {
            n.add("snappy");
        }
        if ((flags & ZSTD) != 0) {
            n.add("zstd");
        }
        return n;
    }

    /**
     * Fills {@code page} with the page stored as {@code data} (compressed per {@code flags}, or raw).
     *
     * @param source file name for errors
     * @param offset file offset of the data for errors
     * @throws FormatException when the data does not decompress to exactly {@code page.length} bytes
     */
    static void decompress(String source, long offset, int flags, byte[] data, byte[] page) {
        decompress(source, offset, flags, data, data.length, page);
    }

    /** As {@link #decompress(String, long, int, byte[], byte[])} with the data in {@code data[0, length)}. */
    static void decompress(String source, long offset, int flags, byte[] data, int length, byte[] page) {
        decompress(source, offset, flags, data, 0, length, page, 0, page.length);
    }

    /**
     * Fills {@code out[outOff, outOff+pageSize)} with the page stored as {@code data[dataOff,
     * dataOff+length)}.
     */
    static void decompress(String source, long offset, int flags, byte[] data, int dataOff, int length, byte[] out,
                           int outOff, int pageSize) {
        int n;
        try {
            if ((flags & ZLIB) != 0) {
                n = inflate(source, offset, data, dataOff, length, out, outOff, pageSize);
            } else if ((flags & LZO) != 0) {
                n = LZO_DECOMPRESSOR.decompress(data, dataOff, length, out, outOff, pageSize);
            } else if ((flags & SNAPPY) != 0) {
                int len = SnappyDecompressor.getUncompressedLength(data, dataOff);
                if (len != pageSize) {
                    throw bad(source, offset, "snappy", "declares " + len + " bytes");
                }
                n = SNAPPY_DECOMPRESSOR.decompress(data, dataOff, length, out, outOff, pageSize);
            } else if ((flags & ZSTD) != 0) {
                n = ZSTD_DECOMPRESSOR.get().decompress(data, dataOff, length, out, outOff, pageSize);
            } else {
                if (length != pageSize) {
                    throw new FormatException(source, offset, "uncompressed page of " + length
                            + " bytes, expected " + pageSize);
                }
                System.arraycopy(data, dataOff, out, outOff, pageSize);
                n = pageSize;
            }
        } catch (FormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // aircompressor reports malformed input as MalformedInputException, and occasionally as
            // an index or argument error; all of them mean "corrupt page data" here.
            throw bad(source, offset, String.join("+", names(flags)), e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        }
        if (n != pageSize) {
            throw bad(source, offset, String.join("+", names(flags)), "gives " + n + " bytes");
        }
    }

    private static int inflate(String source, long offset, byte[] data, int dataOff, int length, byte[] out,
                               int outOff, int pageSize) {
        Inflater inf = INFLATER.get();
        inf.reset();
        try {
            inf.setInput(data, dataOff, length);
            int n = 0;
            while (n < pageSize && !inf.finished()) {
                int k = inf.inflate(out, outOff + n, pageSize - n);
                if (k == 0) {
                    throw bad(source, offset, "zlib", "stream ends early after " + n + " bytes");
                }
                n += k;
            }
            if (!inf.finished()) {
                // The output is full; one more call consumes the stream's checksum, or finds more data.
                if (inf.inflate(new byte[1]) > 0) {
                    throw bad(source, offset, "zlib", "gives more than " + pageSize + " bytes");
                }
                if (!inf.finished()) {
                    throw bad(source, offset, "zlib", "stream does not end after " + pageSize + " bytes");
                }
            }
            return n;
        } catch (DataFormatException e) {
            throw bad(source, offset, "zlib", e.getMessage());
        } finally {
            inf.setInput(EMPTY); // drop the reference to the caller's buffer
        }
    }

    private static FormatException bad(String source, long offset, String kind, String problem) {
        return new FormatException(source, offset, "page data does not decompress (" + kind + "): " + problem);
    }
}
