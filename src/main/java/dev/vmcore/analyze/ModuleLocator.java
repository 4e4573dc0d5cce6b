package dev.vmcore.analyze;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds the .ko files that may be a module, by name: first in the {@code -m} directories (or .ko
 * files) given, then, only when those have none, in every kernel's tree under
 * {@code /usr/lib/debug/lib/modules/} and {@code /lib/modules/}. The kernel prints module names with
 * '_' where the file may have '-'; both match. Each group of directories is walked once, on its
 * first lookup, to a bounded depth and file count.
 */
final class ModuleLocator {
    private static final int MAX_DEPTH = 10;
    private static final int MAX_FILES = 500_000;
    static final List<Path> SYSTEM_ROOTS = List.of(Path.of("/usr/lib/debug/lib/modules"), Path.of("/lib/modules"));

    private final List<Path> given;
    private final List<Path> systemRoots;
    private Map<String, List<Path>> givenIndex;
    private Map<String, List<Path>> systemIndex;

    ModuleLocator(List<Path> given, List<Path> systemRoots) {
        this.given = List.copyOf(given);
        this.systemRoots = List.copyOf(systemRoots);
    }

    /** The candidate files for module {@code name}, the given directories' first; empty when none. */
    synchronized List<Path> candidates(String name) {
        if (givenIndex == null) {
            givenIndex = scan(given);
        }
        List<Path> found = givenIndex.get(key(name));
        if (found != null) {
            return found;
        }
        if (systemIndex == null) {
            List<Path> trees = new ArrayList<>();
            for (Path root : systemRoots) {
                if (Files.isDirectory(root)) {
                    try (DirectoryStream<Path> kernels = Files.newDirectoryStream(root)) {
                        kernels.forEach(trees::add);
                    } catch (IOException | UncheckedIOException e) {
                        // an unreadable root: skip it
                    }
                }
            }
            systemIndex = scan(trees);
        }
        return systemIndex.getOrDefault(key(name), List.of());
    }

    /** Where it looks, for messages. */
    String searched() {
        List<String> where = new ArrayList<>();
        given.forEach(p -> where.add(p.toString()));
        systemRoots.forEach(p -> where.add(p + "/*/"));
        return String.join(", ", where);
    }

    static String key(String moduleName) {
        return moduleName.replace('-', '_');
    }

    private static Map<String, List<Path>> scan(List<Path> dirs) {
        Map<String, List<Path>> found = new HashMap<>();
        int[] seen = {0};
        for (Path dir : dirs) {
            if (Files.isRegularFile(dir)) {
                add(found, dir);
                continue;
            }
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
                files.takeWhile(p -> ++seen[0] <= MAX_FILES).forEach(p -> add(found, p));
            } catch (IOException | UncheckedIOException e) {
                // an unreadable corner of a tree: use what was found before it
            }
        }
        return found;
    }

    private static void add(Map<String, List<Path>> found, Path p) {
        String f = p.getFileName() == null ? "" : p.getFileName().toString();
        for (String suffix : new String[] {".ko.debug", ".ko"}) {
            if (f.endsWith(suffix) && f.length() > suffix.length() && Files.isRegularFile(p)) {
                found.computeIfAbsent(key(f.substring(0, f.length() - suffix.length())), k -> new ArrayList<>()).add(p);
                return;
            }
        }
    }
}
