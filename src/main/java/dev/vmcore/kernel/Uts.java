package dev.vmcore.kernel;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.util.ByteCursor;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's struct new_utsname (include/uapi/linux/utsname.h: six 65-byte strings), read from
 * init_uts_ns at the offset VMCOREINFO gives (SYMBOL(init_uts_ns), OFFSET(uts_namespace.name)).
 */
public record Uts(String sysname, String nodename, String release, String version, String machine,
                  String domainname) {
    private static final int FIELD = 65;

    /** Reads init_uts_ns.name, when VMCOREINFO locates it. */
    public static Optional<Uts> read(VmcoreInfo info, AddressSpace kernel) {
        OptionalLong ns = info.symbol("init_uts_ns");
        OptionalLong offset = info.offset("uts_namespace.name");
        if (ns.isEmpty() || offset.isEmpty()) {
            return Optional.empty();
        }
        long address = ns.getAsLong() + offset.getAsLong();
        ByteCursor c = new ByteCursor(kernel.name(), kernel.readBytes(address, 6 * FIELD), address);
        return Optional.of(new Uts(c.fixedString(FIELD), c.fixedString(FIELD), c.fixedString(FIELD),
                c.fixedString(FIELD), c.fixedString(FIELD), c.fixedString(FIELD)));
    }
}
