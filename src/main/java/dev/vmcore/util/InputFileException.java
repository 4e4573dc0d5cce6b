package dev.vmcore.util;

import java.nio.file.Path;

/** A file named by the user that cannot be used at all: missing, a directory, empty, unreadable. */
public class InputFileException extends VmcoreException {
    private final Path path;

    public InputFileException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
