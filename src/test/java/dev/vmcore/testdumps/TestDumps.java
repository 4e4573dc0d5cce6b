package dev.vmcore.testdumps;

import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the real test dumps are (see testdumps/LAYOUT.md) and what cases exist. Real-dump tests
 * call {@link #require} so that they skip on a machine without the dumps, and fail under CI=true.
 */
public final class TestDumps {
    /** The dump files every case has, by file name. */
    public static final List<String> DUMP_FILES = List.of("vmcore.elf", "vmcore.kdump-zlib", "vmcore.d31.zlib",
            "vmcore.d31.lzo", "vmcore.d31.zstd", "vmcore.d31.elf", "vmcore.d31.flat");

    private TestDumps() {
    }

    /** One generated case: kernel (6.1, 6.12, 6.1-la57), case name, module name. */
    public record Case(String kernel, String name, String module) {
        public Path dir() {
            return root().resolve("cases").resolve(kernel).resolve(name);
        }

        /** The kernel directory holding vmlinux and friends (6.1-la57 uses the 6.1 kernel). */
        public Path kernelDir() {
            return root().resolve("kernels").resolve(kernel.replace("-la57", ""));
        }

        @Override
        public String toString() {
            return kernel + "/" + name;
        }
    }

    /** The repository checkout (tests run with the working directory there). */
    public static Path repo() {
        String env = System.getenv("VMCORE_REPO");
        return Path.of(env != null ? env : ".").toAbsolutePath().normalize();
    }

    public static Path root() {
        String env = System.getenv("VMCORE_TESTDUMPS");
        return env != null && !env.isEmpty() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "vmcore-testdumps");
    }

    /** The cases listed in testdumps/cases.tsv. */
    public static List<Case> cases() {
        try {
            return Files.readAllLines(repo().resolve("testdumps/cases.tsv")).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split("\t", -1))
                    .map(f -> new Case(f[0], f[1], f[2]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean underCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips the calling test when the case was not generated here; under CI a missing case fails. */
    public static void require(Case c) {
        boolean present = Files.isRegularFile(c.dir().resolve("COMPLETE"));
        if (!present && underCi()) {
            throw new AssertionError("test dump " + c + " missing under CI (run scripts/make-testdumps): " + c.dir());
        }
        Assumptions.assumeTrue(present, "test dump " + c + " not generated here (scripts/make-testdumps)");
    }

    /** A session on one of the case's dump files alone: symbols and types from kernel memory. */
    public static Session open(Case c, String dump) {
        return Session.open(new SessionInputs(List.of(c.dir().resolve(dump)), Optional.empty(), List.of()));
    }

    /** A session on one of the case's dump files with the debug vmlinux, and module debuginfo (dirs or .ko files). */
    public static Session openWithVmlinux(Case c, String dump, List<Path> modules) {
        return Session.open(new SessionInputs(List.of(c.dir().resolve(dump)), Optional.of(c.kernelDir().resolve("vmlinux")),
                modules));
    }
}
