package dev.vmcore.commands;

import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One of crash 8.0.6's answers recorded for a real test dump: CASE/crash/NAME.txt and the command
 * that produced it (CASE/crash/commands.tsv, name TAB command). A reference not generated here
 * skips the test, and fails it under CI=true, like a missing dump.
 */
record CrashReference(String name, String command, String text) {
    static CrashReference of(TestDumps.Case c, String name) {
        TestDumps.require(c);
        Path dir = c.dir().resolve("crash");
        Path file = dir.resolve(name + ".txt");
        String command = command(dir.resolve("commands.tsv"), name);
        boolean present = command != null && Files.isRegularFile(file);
        if (!present && TestDumps.underCi()) {
            throw new AssertionError("crash reference " + name + " missing for " + c + " under CI: " + file);
        }
        Assumptions.assumeTrue(present, "crash reference " + name + " not generated for " + c + " (scripts/make-testdumps)");
        try {
            return new CrashReference(name, command, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> lines() {
        return text.lines().toList();
    }

    private static String command(Path tsv, String name) {
        try {
            for (String line : Files.readAllLines(tsv)) {
                String[] f = line.split("\t", 2);
                if (f.length == 2 && f[0].equals(name)) {
                    return f[1];
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
