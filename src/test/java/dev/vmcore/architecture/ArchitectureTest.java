package dev.vmcore.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The layering of ../shared/DESIGN.md: each package imports only the ones below it. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vmcore");

    @Test
    void layersOnlyReachDownward() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("util").definedBy("dev.vmcore.util..")
                .layer("format").definedBy("dev.vmcore.format..")
                .layer("memory").definedBy("dev.vmcore.memory..")
                .layer("dump").definedBy("dev.vmcore.dump..")
                .layer("symbols").definedBy("dev.vmcore.symbols..")
                .layer("types").definedBy("dev.vmcore.types..")
                .layer("program").definedBy("dev.vmcore.program..")
                .layer("unwind").definedBy("dev.vmcore.unwind..")
                .layer("kernel").definedBy("dev.vmcore.kernel..")
                .layer("analyze").definedBy("dev.vmcore.analyze..")
                .layer("commands").definedBy("dev.vmcore.commands..")
                .layer("shell").definedBy("dev.vmcore.shell..")
                .layer("cli").definedBy("dev.vmcore.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("shell").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("commands").mayOnlyBeAccessedByLayers("shell", "cli")
                .whereLayer("analyze").mayOnlyBeAccessedByLayers("commands", "shell", "cli")
                .whereLayer("kernel").mayOnlyBeAccessedByLayers("analyze", "commands", "shell", "cli")
                .whereLayer("unwind").mayOnlyBeAccessedByLayers("kernel", "analyze", "commands", "shell", "cli")
                .whereLayer("program").mayOnlyBeAccessedByLayers("unwind", "kernel", "analyze", "commands", "shell", "cli")
                .whereLayer("symbols").mayOnlyBeAccessedByLayers("types", "program", "unwind", "kernel", "analyze",
                        "commands", "shell", "cli")
                .whereLayer("types").mayOnlyBeAccessedByLayers("program", "unwind", "kernel", "analyze", "commands",
                        "shell", "cli")
                .whereLayer("dump").mayOnlyBeAccessedByLayers("symbols", "types", "program", "unwind", "kernel",
                        "analyze", "commands", "shell", "cli")
                .whereLayer("memory").mayOnlyBeAccessedByLayers("dump", "symbols", "types", "program", "unwind",
                        "kernel", "analyze", "commands", "shell", "cli")
                .whereLayer("format").mayOnlyBeAccessedByLayers("memory", "dump", "symbols", "types", "program",
                        "unwind", "kernel", "analyze", "commands", "shell", "cli")
                .check(CLASSES);
    }

    @Test
    void formatReadersDoNotKnowEachOther() {
        for (String f : new String[] {"elf", "dwarf", "btf", "orc"}) {
            noClasses().that().resideInAPackage("dev.vmcore.format." + f + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(
                            otherFormats(f))
                    .allowEmptyShould(true)
                    .check(CLASSES);
        }
    }

    @Test
    void onlyTheUiLayersTouchJlineAndPicocli() {
        noClasses().that().resideOutsideOfPackages("dev.vmcore.shell..", "dev.vmcore.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jline..", "picocli..")
                .check(CLASSES);
    }

    @Test
    void unsignedAddressComparisonLivesInOnePlace() {
        noClasses().that().doNotHaveFullyQualifiedName("dev.vmcore.util.Unsigned")
                .should().callMethod(Long.class, "compareUnsigned", long.class, long.class)
                .check(CLASSES);
    }

    @Test
    void commandsNeverWriteToSystemOut() {
        noClasses().that().resideInAnyPackage("dev.vmcore.commands..", "dev.vmcore.shell..")
                .should().accessField(System.class, "out")
                .check(CLASSES);
    }

    private static String[] otherFormats(String self) {
        return java.util.Arrays.stream(new String[] {"elf", "dwarf", "btf", "orc"})
                .filter(f -> !f.equals(self)).map(f -> "dev.vmcore.format." + f + "..").toArray(String[]::new);
    }
}
