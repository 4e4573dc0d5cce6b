package dev.vmcore.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read with positional I/O: thread-safe, never loaded whole, opened read-only. Large
 * read-mostly ranges (DWARF sections) may be {@link #map mapped} read-only instead.
 */
public final class FileByteSource implements ByteSource {
    private final Path path;
    private final FileChannel channel;
    private final long size;

    private FileByteSource(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /** Opens {@code path} read-only. */
    public static FileByteSource open(Path path) {
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            return new FileByteSource(path, ch, ch.size());
        } catch (NoSuchFileException e) {
            throw new InputFileException(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new InputFileException(path, "permission denied");
        } catch (IOException e) {
            throw new InputFileException(path, "cannot open: " + e.getMessage());
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position < 0 || position >= size) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.wrap(dst, off, (int) Math.min(len, size - position));
        try {
            int total = 0;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": read error at offset 0x" + Long.toHexString(position), e);
        }
    }

    /**
     * The bytes {@code [offset, offset+length)} mapped read-only (the file is never written; the
     * mapping stays valid after {@link #close}). Pages are read by the kernel when first touched.
     */
    public ByteBuffer map(long offset, long length) {
        if (offset < 0 || length < 0 || length > Integer.MAX_VALUE || offset > size - length) {
            throw new FormatException(name(), offset, "cannot map 0x" + Long.toHexString(length)
                    + " bytes: past the end of the file (size 0x" + Long.toHexString(size) + ") or over 2 GiB");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot map 0x" + Long.toHexString(length) + " bytes at 0x"
                    + Long.toHexString(offset), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only channel cannot lose data
        }
    }
}
