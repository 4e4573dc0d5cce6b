package dev.vmcore.commands;

import dev.vmcore.dump.CpuNote;
import dev.vmcore.dump.DumpFile;
import dev.vmcore.format.elf.ElfNote;

import java.util.List;
import java.util.Locale;

/** help -D (the dump file's header) and help -n (its notes), as crash offers them. */
final class DumpHeaderReport {
    private static final int REGS_PER_LINE = 3;

    private DumpHeaderReport() {
    }

    static void header(DumpFile dump, Printer out) {
        if (out.isJson()) {
            JsonOut j = out.json().field("format", dump.format().describe()).beginArray("header");
            for (DumpFile.HeaderField f : dump.header()) {
                j.beginObject().field("name", f.name()).field("value", f.value()).end();
            }
            j.end();
            return;
        }
        out.println("DUMPFILE: " + String.join(" ", dump.files().stream().map(Object::toString).toList()));
        out.println("  format: " + dump.format().describe());
        int width = dump.header().stream().mapToInt(f -> f.name().length()).max().orElse(0);
        for (DumpFile.HeaderField f : dump.header()) {
            out.printf("%" + (width + 2) + "s: %s", f.name(), f.value());
        }
    }

    static void notes(DumpFile dump, Printer out) {
        List<ElfNote> notes = dump.notes();
        List<CpuNote> cpus = dump.cpuNotes();
        if (out.isJson()) {
            JsonOut j = out.json().beginArray("notes");
            for (ElfNote n : notes) {
                j.beginObject().field("name", n.name()).field("type", n.type()).field("typeName", typeName(n))
                        .field("size", n.desc().length).hex("offset", n.offset()).end();
            }
            j.end().beginArray("cpus");
            for (CpuNote c : cpus) {
                j.beginObject().field("index", c.index()).field("kind", c.kind()).field("pid", c.pid());
                j.beginObject("registers");
                c.registers().forEach(j::hex);
                j.end().end();
            }
            j.end();
            dump.vmcoreInfo().ifPresent(v -> j.field("vmcoreinfo", v));
            return;
        }
        int prstatus = 0;
        int qemu = 0;
        for (ElfNote n : notes) {
            out.printf("Elf64_Nhdr: n_name \"%s\"  n_type %d (%s)  n_descsz %d  at offset 0x%x",
                    n.name(), n.type(), typeName(n), n.desc().length, n.offset());
            CpuNote cpu = null;
            if (n.name().equals("CORE") && n.type() == 1) {
                cpu = cpus.stream().filter(c -> c.kind().equals("NT_PRSTATUS")).skip(prstatus++).findFirst().orElse(null);
            } else if (n.name().equals("QEMU") && n.type() == 0) {
                cpu = cpus.stream().filter(c -> c.kind().equals("QEMU")).skip(qemu++).findFirst().orElse(null);
            }
            if (cpu != null) {
                printRegisters(cpu, out);
            } else if (n.name().equals("VMCOREINFO")) {
                dump.vmcoreInfo().ifPresent(v -> v.lines().forEach(l -> out.println("    " + l)));
            }
            out.println("");
        }
    }

    private static void printRegisters(CpuNote cpu, Printer out) {
        if (cpu.kind().equals("NT_PRSTATUS")) {
            out.printf("    CPU note %d  pid: %d", cpu.index(), cpu.pid());
        } else {
            out.printf("    QEMU CPU state %d", cpu.index());
        }
        StringBuilder line = new StringBuilder();
        int n = 0;
        for (var e : cpu.registers().entrySet()) {
            line.append(String.format(Locale.ROOT, "%9s: %016x", e.getKey().toUpperCase(Locale.ROOT), e.getValue()));
            if (++n % REGS_PER_LINE == 0) {
                out.println("   " + line);
                line.setLength(0);
            }
        }
        if (line.length() > 0) {
            out.println("   " + line);
        }
    }

    private static String typeName(ElfNote n) {
        if (n.name().equals("CORE")) {
            return switch (n.type()) {
                case 1 -> "NT_PRSTATUS";
                case 2 -> "NT_PRFPREG";
                case 3 -> "NT_PRPSINFO";
                case 6 -> "NT_AUXV";
                case 0x46494c45 -> "NT_FILE";
                default -> "type " + n.type();
            };
        }
        if (n.name().equals("VMCOREINFO")) {
            return "VMCOREINFO";
        }
        if (n.name().equals("QEMU")) {
            return "QEMUCPUState";
        }
        return "unknown";
    }
}
