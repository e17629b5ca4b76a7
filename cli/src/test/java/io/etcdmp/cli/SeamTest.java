package io.etcdmp.cli;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module's seam: the tool depends on nothing of the library but its API and {@code io.etcdmp.internal.cli}
 * (so key naming, documents and layering can only be the library's own), uses no CDI, and its core (what a
 * console calls) knows nothing of picocli or of the output.
 */
@Tag("unit")
@Timeout(60)
class SeamTest {
    private static final JavaClasses TOOL = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.etcdmp.cli");

    @Test
    void theToolUsesOnlyTheLibrarysApiAndTheInternalPackageNamedForIt() {
        classes().that().resideInAPackage("io.etcdmp.cli..")
                .should().onlyDependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage("io.etcdmp.internal..")
                        .or(JavaClass.Predicates.resideInAPackage("io.etcdmp.internal.cli.."))
                        .as("are outside io.etcdmp.internal or in io.etcdmp.internal.cli"))
                .check(TOOL);
        noClasses().that().resideInAPackage("io.etcdmp.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.etcdmp.internal.config..", "io.etcdmp.internal.client..",
                        "io.etcdmp.internal.watch..", "io.etcdmp.internal.registry..", "io.etcdmp.internal.cdi..",
                        "io.etcdmp.internal.health..", "io.etcdmp.cdi..", "jakarta.enterprise..")
                .check(TOOL);
    }

    @Test
    void theCoreThatAConsoleCallsKnowsNoCommandLineAndNoOutput() {
        noClasses().that().resideInAPackage("io.etcdmp.cli.core..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "io.etcdmp.cli.command..", "io.etcdmp.cli.output..")
                .check(TOOL);
    }

    @Test
    void noSourceFileIsLongerThan350Lines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> tooLong = files.filter(f -> f.toString().endsWith(".java")).filter(f -> lines(f) > 350)
                    .map(Path::toString).toList();
            assertThat(tooLong).isEmpty();
        }
    }

    private static long lines(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
