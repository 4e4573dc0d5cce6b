package dev.vmcore.dump;

import dev.vmcore.format.elf.ElfNote;
import dev.vmcore.memory.PhysicalMemory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** An open crash dump of any format: its physical memory, its notes, and facts about the file. */
public interface DumpFile extends AutoCloseable {
    /** The file (or, for a split dump, the files) read. */
    List<Path> files();

    DumpFormat format();

    PhysicalMemory memory();

    /** Every ELF note the dump carries, raw. */
    List<ElfNote> notes();

    /** The per-CPU register notes, decoded. */
    default List<CpuNote> cpuNotes() {
        return CpuNote.decodeAll(notes(), files().get(0).toString());
    }

    /** The number of CPUs, as the NT_PRSTATUS notes (one per CPU) count them. */
    default int cpuCount() {
        return (int) cpuNotes().stream().filter(c -> c.kind().equals("NT_PRSTATUS")).count();
    }

    /** The VMCOREINFO text (KEY=VALUE lines), if the dump has it. */
    Optional<String> vmcoreInfo();

    /** Header fields in file order, for {@code help -D}. */
    List<HeaderField> header();

    /** Counts of pages by what the dump holds for them. */
    PageCounts pageCounts();

    /** makedumpfile's dump level (-d), or -1 when the file does not say (ELF from QEMU or the kernel). */
    int dumpLevel();

    /** Problems found while opening that leave the dump usable (incomplete dump, bad notes). */
    List<String> warnings();

    @Override
    void close();

    /** One named header field and its value as text. */
    record HeaderField(String name, String value) {
    }

    /** Pages by state; {@code total} counts every page frame the dump describes. */
    record PageCounts(long present, long zero, long excluded, long truncated, long total) {
    }

    /** The VMCOREINFO text of the note named "VMCOREINFO", trailing NULs removed. */
    static Optional<String> vmcoreInfoNote(List<ElfNote> notes) {
        return notes.stream().filter(n -> n.name().equals("VMCOREINFO")).findFirst()
                .map(n -> new String(n.desc(), java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("\0+$", ""));
    }
}
