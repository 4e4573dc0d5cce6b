package dev.vmcore.commands;

import dev.vmcore.dump.DumpFile;
import dev.vmcore.dump.VmcoreInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** info (and {@code vmcore info DUMP}): what the dump file is and holds. */
final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "what the dump file is and what it holds";
    }

    @Override
    public String help() {
        return """
                NAME
                  info - what the dump file is and what it holds

                SYNOPSIS
                  info
                  vmcore info DUMP          (from the command line, without opening the shell)

                DESCRIPTION
                  Prints the dump's format and compression, page size, how many pages are present,
                  all-zero, excluded by makedumpfile or missing, the dump level, the number of CPU
                  notes, the kernel release and the number of VMCOREINFO keys, and any warnings
                  found while opening the dump.
                """;
    }

    @Override
    public void run(Invocation call) {
        if (!call.args().isEmpty()) {
            throw new CommandException("info: takes no arguments");
        }
        DumpFile dump = call.session().dump();
        DumpFile.PageCounts pages = dump.pageCounts();
        Optional<VmcoreInfo> vmcoreInfo = dump.vmcoreInfo().map(VmcoreInfo::parse);
        String release = vmcoreInfo.flatMap(VmcoreInfo::release).orElse(headerValue(dump, "release"));
        int cpus = dump.cpuCount();
        List<String> files = dump.files().stream().map(Path::toString).toList();
        Printer out = call.out();
        if (out.isJson()) {
            JsonOut j = out.json();
            j.beginArray("files");
            files.forEach(j::value);
            j.end();
            j.field("format", dump.format().describe())
                    .field("container", dump.format().container().label())
                    .field("compression", dump.format().compression())
                    .field("flattened", dump.format().flattened())
                    .field("pageSize", dump.memory().pageSize())
                    .beginObject("pages").field("present", pages.present()).field("zero", pages.zero())
                    .field("excluded", pages.excluded()).field("truncated", pages.truncated())
                    .field("total", pages.total()).end()
                    .field("dumpLevel", dump.dumpLevel())
                    .field("cpus", cpus)
                    .field("release", release)
                    .field("vmcoreinfoKeys", vmcoreInfo.map(v -> v.entries().size()).orElse(0));
            j.beginArray("warnings");
            dump.warnings().forEach(j::value);
            j.end();
            return;
        }
        out.printf("%-16s%s", "file:", String.join(" ", files));
        out.printf("%-16s%s", "format:", dump.format().describe());
        out.printf("%-16s%d", "page size:", dump.memory().pageSize());
        out.printf("%-16spresent %d, zero %d, excluded %d, truncated %d (of %d page frames)", "pages:",
                pages.present(), pages.zero(), pages.excluded(), pages.truncated(), pages.total());
        out.printf("%-16s%s", "dump level:", dump.dumpLevel() < 0 ? "(not filtered)" : Integer.toString(dump.dumpLevel()));
        out.printf("%-16s%d", "CPUs:", cpus);
        out.printf("%-16s%s", "release:", release);
        out.printf("%-16s%s", "VMCOREINFO:", vmcoreInfo.map(v -> v.entries().size() + " keys").orElse("(none in this dump)"));
        for (String w : dump.warnings()) {
            out.printf("%-16s%s", "warning:", w);
        }
    }

    private static String headerValue(DumpFile dump, String name) {
        return dump.header().stream().filter(f -> f.name().equals(name)).map(DumpFile.HeaderField::value)
                .findFirst().orElse("(unknown)");
    }
}
