package dev.vmcore.unwind;

import dev.vmcore.util.ByteSource;

import java.nio.ByteBuffer;

/** A mapped file section as a ByteSource (the vmlinux's ORC tables). */
final class BufferSource implements ByteSource {
    private final String name;
    private final ByteBuffer buffer;

    BufferSource(String name, ByteBuffer buffer) {
        this.name = name;
        this.buffer = buffer.duplicate();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return buffer.limit();
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position >= buffer.limit()) {
            return 0;
        }
        int n = (int) Math.min(len, buffer.limit() - position);
        buffer.get((int) position, dst, off, n);
        return n;
    }

    @Override
    public void close() {
    }
}
