package dev.vmcore.format.dwarf;

/** A line-table row as found for an address: file path, line (0 when unknown), column, discriminator. */
public record SourceLine(String file, int line, int column, int discriminator) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
