package dev.vmcore.util;

import java.io.Closeable;

/**
 * Bytes readable at any position: a file (positional I/O, never loaded whole), a slice of one, or
 * an array. Implementations are safe for concurrent readers.
 */
public interface ByteSource extends Closeable {
    /** What the bytes are, for error messages (usually the file name). */
    String name();

    /** Number of bytes. */
    long size();

    /**
     * Reads up to {@code len} bytes at {@code position}; fewer only at the end of the source.
     *
     * @return the number of bytes read, 0 at or past the end
     */
    int read(long position, byte[] dst, int off, int len);

    /** Reads exactly {@code len} bytes or throws a {@link FormatException} saying the source is too short. */
    default void readFully(long position, byte[] dst, int off, int len) {
        if (position < 0 || len < 0 || position > size() - len) {
            throw new FormatException(name(), position, "needs " + len + " bytes but the file ends at 0x"
                    + Long.toHexString(size()) + " (truncated?)");
        }
        int done = 0;
        while (done < len) {
            int n = read(position + done, dst, off + done, len - done);
            if (n <= 0) {
                throw new FormatException(name(), position + done, "unexpected end of data");
            }
            done += n;
        }
    }

    /** Reads exactly {@code len} bytes at {@code position} into a new array. */
    default byte[] readBytes(long position, int len) {
        if (len < 0 || position < 0 || position > size() - len) {
            throw new FormatException(name(), position, "needs " + len + " bytes but the file ends at 0x"
                    + Long.toHexString(size()) + " (truncated?)");
        }
        byte[] b = new byte[len];
        readFully(position, b, 0, len);
        return b;
    }

    /** A cursor over {@code len} bytes at {@code position}; offsets in its errors are file offsets. */
    default ByteCursor cursor(long position, int len) {
        return new ByteCursor(name(), readBytes(position, len), position);
    }

    /** The bytes {@code [offset, offset+length)} of this source as a source of their own. */
    default ByteSource slice(long offset, long length) {
        return new SliceByteSource(this, offset, length);
    }

    @Override
    default void close() {
    }

    /** A source over an array (tests, notes, buffers read from kernel memory). */
    static ByteSource of(String name, byte[] bytes) {
        return new ArrayByteSource(name, bytes);
    }
}
