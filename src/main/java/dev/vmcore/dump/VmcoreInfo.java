package dev.vmcore.dump;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The VMCOREINFO text as keys and values, read syntactically (kernel/vmcore_info.c writes
 * {@code KEY=VALUE} lines: SYMBOL(x) and KERNELOFFSET in hex, SIZE/OFFSET/LENGTH in decimal,
 * NUMBER in decimal or 0x-hex). What the keys mean is for the layers above.
 */
public final class VmcoreInfo {
    private final Map<String, String> entries;

    private VmcoreInfo(Map<String, String> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    public static VmcoreInfo parse(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.putIfAbsent(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return new VmcoreInfo(map);
    }

    /** Every key, in the order written. */
    public Map<String, String> entries() {
        return entries;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** OSRELEASE: the kernel release. */
    public Optional<String> release() {
        return get("OSRELEASE");
    }

    /** SYMBOL(name): a runtime (KASLR-shifted) address, hex without prefix. */
    public OptionalLong symbol(String name) {
        return hex(entries.get("SYMBOL(" + name + ")"));
    }

    /** KERNELOFFSET: the KASLR text offset, hex. */
    public OptionalLong kernelOffset() {
        return hex(entries.get("KERNELOFFSET"));
    }

    /** NUMBER(name): decimal, or hex with a 0x prefix. */
    public OptionalLong number(String name) {
        return integer(entries.get("NUMBER(" + name + ")"));
    }

    public OptionalLong size(String type) {
        return integer(entries.get("SIZE(" + type + ")"));
    }

    public OptionalLong offset(String typeDotMember) {
        return integer(entries.get("OFFSET(" + typeDotMember + ")"));
    }

    public OptionalLong length(String name) {
        return integer(entries.get("LENGTH(" + name + ")"));
    }

    private static OptionalLong hex(String v) {
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            String digits = v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
            return OptionalLong.of(Long.parseUnsignedLong(digits, 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong integer(String v) {
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v.startsWith("0x") || v.startsWith("0X")) {
            return hex(v);
        }
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
