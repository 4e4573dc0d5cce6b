package dev.vmcore.commands;

import java.util.Set;

/** ptov: physical address to its kernel direct-map virtual address. */
final class PtovCommand implements Command {
    @Override
    public String name() {
        return "ptov";
    }

    @Override
    public String summary() {
        return "physical to kernel virtual address";
    }

    @Override
    public String help() {
        return """
                NAME
                  ptov - physical to kernel virtual address

                SYNOPSIS
                  ptov PHYSICAL...

                DESCRIPTION
                  Gives the direct-map (page_offset_base) virtual address of each PHYSICAL address (hex).
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), Set.of());
        if (o.positional().isEmpty()) {
            throw new CommandException("ptov: usage: ptov PHYSICAL...");
        }
        java.util.List<Long> addresses = o.positional().stream().map(arg -> Numbers.hexAddress(arg)
                .orElseThrow(() -> new CommandException("ptov: invalid address: " + arg))).toList();
        long base = call.session().directMapBase();
        Printer out = call.out();
        JsonOut json = out.isJson() ? out.json().beginArray("translations") : null;
        if (json == null) {
            out.printf("%-16s  %s", "VIRTUAL", "PHYSICAL");
        }
        for (long paddr : addresses) {
            if (json != null) {
                json.beginObject().hex("physical", paddr).hex("virtual", base + paddr).end();
            } else {
                out.printf("%016x  %x", base + paddr, paddr);
            }
        }
        if (json != null) {
            json.end();
        }
    }
}
