package dev.vmcore.util;

/** A {@link ByteSource} over an array. */
final class ArrayByteSource implements ByteSource {
    private final String name;
    private final byte[] bytes;

    ArrayByteSource(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position < 0 || position >= bytes.length) {
            return 0;
        }
        int n = (int) Math.min(len, bytes.length - position);
        System.arraycopy(bytes, (int) position, dst, off, n);
        return n;
    }
}
