package dev.vmcore.program;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleFilesTest {
    @Test
    void findsAModuleByNameInTheGivenDirectoriesInOrder(@TempDir Path tmp) throws Exception {
        Path first = Files.createDirectories(tmp.resolve("first/kernel/drivers"));
        Path second = Files.createDirectories(tmp.resolve("second"));
        Files.writeString(first.resolve("qemu_fw_cfg.ko"), "x");
        Files.writeString(second.resolve("qemu_fw_cfg.ko"), "x");
        Files.writeString(second.resolve("pvpanic-mmio.ko"), "x");
        Files.writeString(second.resolve("oops_uaf.ko.debug"), "x");
        Files.writeString(second.resolve("notes.txt"), "x");
        Files.createDirectories(second.resolve("dir.ko"));
        ModuleFiles f = new ModuleFiles(List.of(tmp.resolve("first"), second, tmp.resolve("missing")), Optional.empty());
        assertEquals(Optional.of(first.resolve("qemu_fw_cfg.ko")), f.find("qemu_fw_cfg"), "the first directory wins");
        assertEquals(Optional.of(second.resolve("pvpanic-mmio.ko")), f.find("pvpanic_mmio"), "'-' in file names");
        assertEquals(Optional.of(second.resolve("oops_uaf.ko.debug")), f.find("oops_uaf"));
        assertTrue(f.find("notes").isEmpty());
        assertTrue(f.find("dir").isEmpty(), "a directory named like a module is no module");
    }

    @Test
    void aKoFileItselfMayBeGivenAndTheSystemTreesFollowTheGivenOnes(@TempDir Path tmp) throws Exception {
        Path ko = Files.writeString(tmp.resolve("oops_bug.ko"), "x");
        ModuleFiles f = new ModuleFiles(List.of(ko), Optional.of("6.1.0-54-cloud-amd64"));
        assertEquals(Optional.of(ko), f.find("oops_bug"));
        assertEquals(List.of(ko, Path.of("/usr/lib/debug/lib/modules/6.1.0-54-cloud-amd64"),
                Path.of("/lib/modules/6.1.0-54-cloud-amd64")), f.dirs());
    }
}
