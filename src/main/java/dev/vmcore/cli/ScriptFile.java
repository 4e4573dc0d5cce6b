package dev.vmcore.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** An -i script: one command line per line; blank lines and lines starting with '#' are skipped. */
final class ScriptFile {
    private ScriptFile() {
    }

    static List<String> read(Path file) {
        if (Files.isDirectory(file)) {
            throw new Main.InputError("vmcore: " + file + ": is a directory, not a command file");
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (NoSuchFileException e) {
            throw new Main.InputError("vmcore: " + file + ": no such file");
        } catch (IOException e) {
            throw new Main.InputError("vmcore: " + file + ": cannot read: " + e.getMessage());
        }
    }
}
