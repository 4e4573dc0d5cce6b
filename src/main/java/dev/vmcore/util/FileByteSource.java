package dev.vmcore.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file read with positional I/O: thread-safe, never mapped or loaded whole, opened read-only. */
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

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only channel cannot lose data
        }
    }
}
