package io.etcdmp.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's public API and its layering, checked on the compiled classes so that a change cannot
 * quietly widen the API or tangle the packages: everything outside {@code io.etcdmp.internal} is API,
 * at most 15 public top-level types, each documented, none of whose public or protected members
 * mentions an internal type.
 */
@Tag("unit")
@Timeout(60)
class ArchitectureTest {
    private static final String INTERNAL = "io.etcdmp.internal..";
    private static final int MAX_API_TYPES = 15;
    private static JavaClasses library;
    private static List<JavaClass> apiTypes;

    @BeforeAll
    static void importLibrary() {
        // the test class path also holds the etcd harness (io.etcdmp.testing, the artifact etcd-microprofile-testing):
        // not the library
        library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .withImportOption(location -> !location.contains("/io/etcdmp/testing/"))
                .importPackages("io.etcdmp");
        apiTypes = library.stream()
                .filter(c -> c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC))
                .filter(c -> !c.getPackageName().startsWith("io.etcdmp.internal"))
                .sorted((a, b) -> a.getName().compareTo(b.getName()))
                .toList();
    }

    @Test
    void thePublicApiHasAtMostFifteenTopLevelTypesOutsideInternal() {
        assertThat(apiTypes).as("public top-level types outside io.etcdmp.internal").hasSizeLessThanOrEqualTo(MAX_API_TYPES)
                .isNotEmpty();
    }

    @Test
    void everyApiTypeAndApiPackageIsDocumented() throws IOException {
        Path sources = Path.of("src/main/java");
        List<String> undocumented = new ArrayList<>();
        Set<String> packages = new LinkedHashSet<>();
        for (JavaClass type : apiTypes) {
            Path file = sources.resolve(type.getName().replace('.', '/') + ".java");
            String text = Files.readString(file);
            int declaration = text.indexOf("public ", text.indexOf("\nimport ") < 0 ? 0 : text.lastIndexOf("\nimport "));
            if (!text.substring(0, declaration).contains("/**")) {
                undocumented.add(type.getName());
            }
            packages.add(type.getPackageName());
        }
        for (String pkg : packages) {
            Path info = sources.resolve(pkg.replace('.', '/')).resolve("package-info.java");
            if (!Files.exists(info) || !Files.readString(info).contains("/**")) {
                undocumented.add(pkg + " (package-info.java)");
            }
        }
        assertThat(undocumented).as("API types and packages without Javadoc").isEmpty();
    }

    /**
     * The library's API packages are a module like any other, with no internal package named for them: a
     * public record or interface that calls internal code ties the API to what may change (and makes a
     * cycle, as {@code ServiceInstance} and {@code InstanceRecords} once did over the weight rule). The
     * CDI extension is left out: it is the one place whose job is to wire the internals together. The
     * registry API is also held to the CLI's rule (no CDI), since the CLI and console are built on it.
     */
    @Test
    void theApiPackagesDependOnNoInternalCodeAndTheRegistryApiOnNoCdi() {
        ModuleRules.module("io.etcdmp").check(library);
        ModuleRules.module("io.etcdmp.config..").check(library);
        ModuleRules.module("io.etcdmp.restclient..").check(library);
        ModuleRules.module("io.etcdmp.registry..").withoutCdi().check(library);
    }

    @Test
    void noPublicApiMemberExposesAnInternalType() {
        classes().that(DescribedPredicate.describe("are public API types", (JavaClass c) -> apiTypes.contains(c)))
                .should(exposeNoInternalType())
                .check(library);
    }

    @Test
    void thePackagesFormLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("client").definedBy("io.etcdmp.internal.client..")
                .layer("watch").definedBy("io.etcdmp.internal.watch..")
                .layer("config").definedBy("io.etcdmp.config..", "io.etcdmp.internal.config..")
                .layer("registry").definedBy("io.etcdmp.registry..", "io.etcdmp.internal.registry..",
                        "io.etcdmp.restclient..", "io.etcdmp.internal.restclient..")
                .layer("health").definedBy("io.etcdmp.internal.health..")
                .layer("cdi").definedBy("io.etcdmp.cdi..", "io.etcdmp.internal.cdi..")
                .layer("cli").definedBy("io.etcdmp.internal.cli..")
                .layer("process").definedBy("io.etcdmp.internal.process..")
                .whereLayer("cdi").mayNotBeAccessedByAnyLayer()
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("process").mayNotBeAccessedByAnyLayer()
                .whereLayer("health").mayOnlyBeAccessedByLayers("cdi")
                .whereLayer("registry").mayOnlyBeAccessedByLayers("health", "cdi", "cli", "process")
                .whereLayer("config").mayOnlyBeAccessedByLayers("health", "cdi", "cli", "process")
                .whereLayer("watch").mayOnlyBeAccessedByLayers("config", "registry", "health", "cdi", "cli")
                .whereLayer("client").mayOnlyBeAccessedByLayers("watch", "config", "registry", "health", "cdi", "cli", "process")
                .check(library);
    }

    @Test
    void internalCodeOutsideTheCdiLayerNeverDependsOnTheCdiExtension() {
        classes().that().resideInAPackage(INTERNAL).and().resideOutsideOfPackage("io.etcdmp.internal.cdi..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages("io.etcdmp.cdi..", "io.etcdmp.internal.cdi..")
                .check(library);
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no io.etcdmp.internal type in a public or protected signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                List<String> exposed = new ArrayList<>();
                type.getRawSuperclass().filter(ArchitectureTest::isInternal)
                        .ifPresent(s -> exposed.add("extends " + s.getName()));
                type.getRawInterfaces().stream().filter(ArchitectureTest::isInternal)
                        .forEach(i -> exposed.add("implements " + i.getName()));
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                    if (!visible(unit.getModifiers()) || unit.getOwner().isAnonymousClass()) {
                        continue;
                    }
                    Stream.concat(unit.getReturnType().getAllInvolvedRawTypes().stream(),
                                    unit.getParameterTypes().stream().flatMap(p -> p.getAllInvolvedRawTypes().stream()))
                            .filter(ArchitectureTest::isInternal)
                            .forEach(t -> exposed.add(unit.getFullName() + " uses " + t.getName()));
                }
                for (JavaField field : type.getFields()) {
                    if (visible(field.getModifiers())) {
                        field.getType().getAllInvolvedRawTypes().stream().filter(ArchitectureTest::isInternal)
                                .forEach(t -> exposed.add(field.getFullName() + " is a " + t.getName()));
                    }
                }
                exposed.forEach(what -> events.add(SimpleConditionEvent.violated(type, what)));
                if (exposed.isEmpty()) {
                    events.add(SimpleConditionEvent.satisfied(type, type.getName() + " exposes no internal type"));
                }
            }
        };
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static boolean isInternal(JavaClass type) {
        return type.getPackageName().startsWith("io.etcdmp.internal");
    }
}
