package dev.vmcore.dump;

/**
 * What kind of dump file a dump is.
 *
 * @param container the file structure
 * @param flattened true for makedumpfile's -F stream (and QEMU's kdump-* output) read in place
 * @param compression "none", "zlib", "lzo", "snappy", "zstd", or several joined with "+" when pages differ
 */
public record DumpFormat(Container container, boolean flattened, String compression) {
    public enum Container {
        ELF("ELF"), KDUMP("kdump-compressed"), DISKDUMP("diskdump");

        private final String label;

        Container(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** e.g. "kdump-compressed (zlib), flattened". */
    public String describe() {
        String s = container.label() + (compression.equals("none") ? "" : " (" + compression + ")");
        return flattened ? s + ", flattened" : s;
    }
}
