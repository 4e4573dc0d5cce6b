package dev.vmcore.format.elf;

import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.FormatException;

import java.util.ArrayList;
import java.util.List;

/**
 * One ELF note: owner name, type and descriptor bytes.
 *
 * @param offset where the note starts in its source, for messages
 */
public record ElfNote(String name, int type, byte[] desc, long offset) {
    /** Upper bound on notes in one segment; real dumps have a few per CPU. */
    static final int MAX_NOTES = 1 << 16;

    /**
     * Parses a note area (name and descriptor each padded to 4 bytes). A zero-filled tail ends the
     * list, as the kernel leaves unused space in its per-CPU note buffers.
     */
    public static List<ElfNote> parseAll(String source, byte[] area, long baseOffset) {
        ByteCursor c = new ByteCursor(source, area, baseOffset);
        List<ElfNote> notes = new ArrayList<>();
        while (c.remaining() >= 12) {
            long start = c.sourceOffset();
            long namesz = c.u32();
            long descsz = c.u32();
            int type = c.s32();
            if (namesz == 0 && descsz == 0 && type == 0) {
                break;
            }
            if (namesz > c.remaining() || descsz > c.remaining()) {
                throw new FormatException(source, start, "note sizes (name " + namesz + ", desc " + descsz
                        + ") run past the note area");
            }
            String name = c.fixedString(align4((int) namesz));
            int descLen = (int) descsz;
            byte[] desc = c.bytes(descLen);
            c.skip(Math.min(c.remaining(), align4(descLen) - descLen));
            notes.add(new ElfNote(name, type, desc, start));
            if (notes.size() > MAX_NOTES) {
                throw new FormatException(source, start, "more than " + MAX_NOTES + " notes");
            }
        }
        return notes;
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
