package dev.vmcore.util;

/** A window onto another {@link ByteSource}. */
final class SliceByteSource implements ByteSource {
    private final ByteSource base;
    private final long offset;
    private final long length;

    SliceByteSource(ByteSource base, long offset, long length) {
        if (offset < 0 || length < 0 || offset > base.size() || length > base.size() - offset) {
            throw new FormatException(base.name(), offset, "slice of " + length + " bytes runs past the end (size 0x"
                    + Long.toHexString(base.size()) + ")");
        }
        this.base = base;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position < 0 || position >= length) {
            return 0;
        }
        return base.read(offset + position, dst, off, (int) Math.min(len, length - position));
    }
}
