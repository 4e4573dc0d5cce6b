package dev.vmcore.format.modsig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A module's {@code .modinfo} section: NUL-terminated "key=value" strings (MODULE_INFO,
 * include/linux/moduleparam.h), in file order. Strings without '=' are kept with an empty value,
 * as kmod keeps them.
 */
public record ModInfo(List<Field> fields) {
    /** A .modinfo section holds a few KiB; more fields than this means a corrupt file. */
    static final int MAX_FIELDS = 1 << 16;

    /** One key=value string. */
    public record Field(String key, String value) {
    }

    public ModInfo {
        fields = List.copyOf(fields);
    }

    /** The fields of a .modinfo section's bytes; padding NULs between strings are skipped. */
    public static ModInfo parse(byte[] section) {
        List<Field> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= section.length && out.size() < MAX_FIELDS; i++) {
            if (i == section.length || section[i] == 0) {
                if (i > start) {
                    String s = new String(section, start, i - start, StandardCharsets.UTF_8);
                    int eq = s.indexOf('=');
                    out.add(eq < 0 ? new Field(s, "") : new Field(s.substring(0, eq), s.substring(eq + 1)));
                }
                start = i + 1;
            }
        }
        return new ModInfo(out);
    }

    /** The first value of {@code key}. */
    public Optional<String> first(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).map(Field::value).findFirst();
    }
}
