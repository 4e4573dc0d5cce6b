package dev.vmcore.commands;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PagingConfig;
import dev.vmcore.memory.Translation;
import dev.vmcore.memory.x86_64.X86_64AddressSpace;

import java.util.Locale;
import java.util.Set;

/** vtop: translate a kernel virtual address, showing each page-table level like crash. */
final class VtopCommand implements Command {
    @Override
    public String name() {
        return "vtop";
    }

    @Override
    public String summary() {
        return "virtual to physical address, with the page-table walk";
    }

    @Override
    public String help() {
        return """
                NAME
                  vtop - virtual to physical address, with the page-table walk

                SYNOPSIS
                  vtop [-k] ADDRESS...

                DESCRIPTION
                  Translates each kernel virtual ADDRESS (hex) and shows the page-table entries
                  visited (PGD, P4D with 5-level paging, PUD, PMD, PTE) as crash does. Kernel
                  text and direct-map addresses are walked through the tables too.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of("-k"));
        if (o.positional().isEmpty()) {
            throw new CommandException("vtop: usage: vtop ADDRESS...");
        }
        X86_64AddressSpace kernel = (X86_64AddressSpace) call.session().kernelMemory();
        PagingConfig cfg = kernel.config();
        Printer out = call.out();
        JsonOut json = out.isJson() ? out.json().beginArray("translations") : null;
        boolean first = true;
        for (String arg : o.positional()) {
            long vaddr = Addresses.resolve(call, name(), arg);
            Translation t;
            try {
                t = kernel.walk(vaddr);
            } catch (MemoryFault.NotMapped f) {
                if (json != null) {
                    json.beginObject().hex("virtual", vaddr).field("error", f.getMessage()).end();
                    continue;
                }
                throw new CommandException("vtop: " + f.getMessage());
            }
            if (json != null) {
                json.beginObject().hex("virtual", vaddr).hex("physical", t.paddr()).field("pageSize", t.pageSize())
                        .beginArray("walk");
                for (Translation.Step s : t.steps()) {
                    json.beginObject().field("level", s.level()).hex("entryAddress", s.tableEntryAddress())
                            .hex("entry", s.entry()).end();
                }
                json.end().end();
                continue;
            }
            if (!first) {
                out.println("");
            }
            first = false;
            print(out, cfg, t);
        }
        if (json != null) {
            json.end();
        }
    }

    private static void print(Printer out, PagingConfig cfg, Translation t) {
        out.printf("%-16s  %-16s", "VIRTUAL", "PHYSICAL");
        out.printf("%-16x  %-16x", t.vaddr(), t.paddr());
        out.println("");
        // crash shows the top table by its kernel-text virtual address.
        long topVirtual = cfg.physBase() == PagingConfig.PHYS_BASE_UNKNOWN ? cfg.topTablePhys()
                : cfg.topTablePhys() - cfg.physBase() + PagingConfig.START_KERNEL_MAP;
        out.printf("PGD DIRECTORY: %x", topVirtual);
        var steps = t.steps();
        out.printf("PAGE DIRECTORY: %x", steps.get(0).entry());
        for (int i = 1; i < steps.size(); i++) {
            Translation.Step s = steps.get(i);
            out.printf("   %s: %x => %x", s.level(), s.tableEntryAddress(), s.entry());
        }
        long page = t.paddr() & -t.pageSize();
        String large = t.pageSize() == 1L << 30 ? "  (1GB)" : t.pageSize() == 1L << 21 ? "  (2MB)" : "";
        out.printf("  PAGE: %x%s", page, large);
        out.println("");
        // crash labels the leaf "PTE" at every level, centres the labels over the value widths,
        // and right-aligns the physical address in at least 8 columns.
        Translation.Step leaf = steps.get(steps.size() - 1);
        String entry = Long.toHexString(leaf.entry());
        int physWidth = Math.max(8, Long.toHexString(page).length());
        out.printf("%s  %s  FLAGS", centre("PTE", entry.length()), centre("PHYSICAL", physWidth));
        out.printf("%s  %" + physWidth + "x  (%s)", entry, page, flags(leaf.entry(), !leaf.level().equals("PTE")));
    }

    private static String centre(String label, int width) {
        if (label.length() >= width) {
            return label;
        }
        int left = (width - label.length()) / 2;
        return " ".repeat(left) + label + " ".repeat(width - label.length() - left);
    }

    /** Entry flag names as crash prints them (arch/x86/include/asm/pgtable_types.h bit numbers). */
    static String flags(long e, boolean large) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"PRESENT", "RW", "USER", "PWT", "PCD", "ACCESSED", "DIRTY", large ? "PSE" : "PAT", "GLOBAL"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((e & (1L << bit)) != 0) {
                sb.append(sb.length() > 0 ? "|" : "").append(names[bit]);
            }
        }
        if (e < 0) {
            sb.append(sb.length() > 0 ? "|" : "").append("NX");
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }
}
