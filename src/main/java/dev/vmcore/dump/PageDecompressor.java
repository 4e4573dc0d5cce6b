package dev.vmcore.dump;

import dev.vmcore.util.FormatException;
import io.airlift.compress.Decompressor;
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
 * stateless; zstd's and zlib's keep buffers, so each thread has its own.
 */
final class PageDecompressor {
    static final int ZLIB = 0x1;
    static final int LZO = 0x2;
    static final int SNAPPY = 0x4;
    static final int ZSTD = 0x20;

    private static final LzoDecompressor LZO_DECOMPRESSOR = new LzoDecompressor();
    private static final SnappyDecompressor SNAPPY_DECOMPRESSOR = new SnappyDecompressor();
    private static final ThreadLocal<ZstdDecompressor> ZSTD_DECOMPRESSOR = ThreadLocal.withInitial(ZstdDecompressor::new);

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
        int n;
        try {
            if ((flags & ZLIB) != 0) {
                n = inflate(source, offset, data, page);
            } else if ((flags & LZO) != 0) {
                n = run(LZO_DECOMPRESSOR, data, page);
            } else if ((flags & SNAPPY) != 0) {
                int len = SnappyDecompressor.getUncompressedLength(data, 0);
                if (len != page.length) {
                    throw bad(source, offset, "snappy", "declares " + len + " bytes");
                }
                n = run(SNAPPY_DECOMPRESSOR, data, page);
            } else if ((flags & ZSTD) != 0) {
                n = run(ZSTD_DECOMPRESSOR.get(), data, page);
            } else {
                if (data.length != page.length) {
                    throw new FormatException(source, offset, "uncompressed page of " + data.length
                            + " bytes, expected " + page.length);
                }
                System.arraycopy(data, 0, page, 0, page.length);
                n = page.length;
            }
        } catch (FormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // aircompressor reports malformed input as MalformedInputException, and occasionally as
            // an index or argument error; all of them mean "corrupt page data" here.
            throw bad(source, offset, String.join("+", names(flags)), e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        }
        if (n != page.length) {
            throw bad(source, offset, String.join("+", names(flags)), "gives " + n + " bytes");
        }
    }

    private static int run(Decompressor d, byte[] data, byte[] page) {
        return d.decompress(data, 0, data.length, page, 0, page.length);
    }

    private static int inflate(String source, long offset, byte[] data, byte[] page) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data);
            int n = 0;
            while (n < page.length && !inf.finished()) {
                int k = inf.inflate(page, n, page.length - n);
                if (k == 0) {
                    throw bad(source, offset, "zlib", "stream ends early after " + n + " bytes");
                }
                n += k;
            }
            if (!inf.finished()) {
                // The output is full; one more call consumes the stream's checksum, or finds more data.
                if (inf.inflate(new byte[1]) > 0) {
                    throw bad(source, offset, "zlib", "gives more than " + page.length + " bytes");
                }
                if (!inf.finished()) {
                    throw bad(source, offset, "zlib", "stream does not end after " + page.length + " bytes");
                }
            }
            return n;
        } catch (DataFormatException e) {
            throw bad(source, offset, "zlib", e.getMessage());
        } finally {
            inf.end();
        }
    }

    private static FormatException bad(String source, long offset, String kind, String problem) {
        return new FormatException(source, offset, "page data does not decompress (" + kind + "): " + problem);
    }
}
