package dev.vmcore.program;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a module's .ko file by module name in the directories given with {@code -m} and then in
 * the system's module trees ({@code /usr/lib/debug/lib/modules/RELEASE}, {@code /lib/modules/RELEASE}).
 * The kernel writes module names with '_' where the file may have '-', so both are tried. Each
 * directory is walked once, on the first lookup, to a bounded depth and file count.
 */
final class ModuleFiles {
    private static final int MAX_DEPTH = 10;
    private static final int MAX_FILES = 500_000;

    private final List<Path> dirs;
    private volatile Map<String, Path> byName;

    ModuleFiles(List<Path> moduleDirs, Optional<String> release) {
        List<Path> d = new ArrayList<>(moduleDirs);
        release.ifPresent(r -> {
            d.add(Path.of("/usr/lib/debug/lib/modules", r));
            d.add(Path.of("/lib/modules", r));
        });
        this.dirs = List.copyOf(d);
    }

    /** The directories searched, in order. */
    List<Path> dirs() {
        return dirs;
    }

    /** The first file named like module {@code name} (NAME.ko, NAME.ko.debug; '_' or '-'). */
    Optional<Path> find(String name) {
        return Optional.ofNullable(index().get(key(name)));
    }

    private static String key(String moduleName) {
        return moduleName.replace('-', '_');
    }

    private Map<String, Path> index() {
        Map<String, Path> m = byName;
        if (m == null) {
            synchronized (this) {
                if (byName == null) {
                    byName = scan();
                }
                m = byName;
            }
        }
        return m;
    }

    private Map<String, Path> scan() {
        Map<String, Path> found = new HashMap<>();
        int[] seen = {0};
        for (Path dir : dirs) {
            if (Files.isRegularFile(dir)) {
                moduleName(dir).ifPresent(n -> found.putIfAbsent(n, dir));
                continue;
            }
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
                files.takeWhile(p -> ++seen[0] <= MAX_FILES).forEach(p -> moduleName(p)
                        .ifPresent(n -> found.putIfAbsent(n, p)));
            } catch (IOException | UncheckedIOException e) {
                // An unreadable corner of a tree: use what was found before it.
            }
        }
        return found;
    }

    private static Optional<String> moduleName(Path p) {
        String f = p.getFileName() == null ? "" : p.getFileName().toString();
        for (String suffix : new String[] {".ko", ".ko.debug"}) {
            if (f.endsWith(suffix) && f.length() > suffix.length()) {
                return Files.isRegularFile(p) ? Optional.of(key(f.substring(0, f.length() - suffix.length())))
                        : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
