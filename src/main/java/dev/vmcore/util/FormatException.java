package dev.vmcore.util;

/** Bytes that are corrupt or of an unsupported format, with the source and offset where it was noticed. */
public class FormatException extends VmcoreException {
    private final String source;
    private final long offset;

    public FormatException(String source, long offset, String problem) {
        super(source + (offset >= 0 ? " at offset 0x" + Long.toHexString(offset) : "") + ": " + problem);
        this.source = source;
        this.offset = offset;
    }

    /** The file or buffer the bytes came from. */
    public String source() {
        return source;
    }

    /** Byte offset of the problem in {@link #source()}, or -1 when it concerns the whole input. */
    public long offset() {
        return offset;
    }
}
