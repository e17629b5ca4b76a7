package io.etcdmp.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The seam every module of the project keeps: its classes depend on nothing of {@code io.etcdmp} but
 * their own package, the library's API ({@link #LIBRARY_API}) and the {@code io.etcdmp.internal} packages
 * named for the module; a module declared {@link #withoutCdi() without CDI} (the CLI and its console)
 * also uses no {@code jakarta.enterprise} type and not the library's CDI extension. Classes outside
 * {@code io.etcdmp} (the JDK, jetcd, picocli, grpc-java, ...) are not this rule's business.
 *
 * <p>A module applies it in one test over its own main classes, e.g. the CLI:
 * <pre>{@code
 * ModuleRules.module("io.etcdmp.cli..", "io.etcdmp.internal.cli..").withoutCdi()
 *         .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
 *                 .importPackages("io.etcdmp.cli"));
 * }</pre>
 * The library's {@code ArchitectureTest} applies it to the library's own API packages (which may use no
 * internal package at all), so the rule itself is tested on every build.
 */
public final class ModuleRules {
    /** The library's API: every package of it outside {@code io.etcdmp.internal}. */
    public static final List<String> LIBRARY_API = List.of("io.etcdmp", "io.etcdmp.config..", "io.etcdmp.registry..",
            "io.etcdmp.restclient..", "io.etcdmp.cdi..");
    private static final String CDI_EXTENSION = "io.etcdmp.cdi..";

    private final String module;
    private final List<String> internals;
    private final boolean withoutCdi;

    private ModuleRules(String module, List<String> internals, boolean withoutCdi) {
        this.module = module;
        this.internals = internals;
        this.withoutCdi = withoutCdi;
    }

    /**
     * @param modulePackage the module's packages as an ArchUnit package identifier, e.g. {@code io.etcdmp.grpc..}
     * @param internals     the {@code io.etcdmp.internal} packages named for it, e.g. {@code io.etcdmp.internal.process..}
     */
    public static ModuleRules module(String modulePackage, String... internals) {
        for (String internal : internals) {
            if (!internal.startsWith("io.etcdmp.internal.")) {
                throw new IllegalArgumentException(internal + " is not an io.etcdmp.internal package");
            }
        }
        return new ModuleRules(modulePackage, List.of(internals), false);
    }

    /** Also: no {@code jakarta.enterprise} type (CDI) and not the library's CDI extension. */
    public ModuleRules withoutCdi() {
        return new ModuleRules(module, internals, true);
    }

    /** The rules, each naming the module, to check or to list. */
    public List<ArchRule> rules() {
        Set<String> allowed = new LinkedHashSet<>(List.of(module));
        LIBRARY_API.stream().filter(api -> !withoutCdi || !api.equals(CDI_EXTENSION)).forEach(allowed::add);
        allowed.addAll(internals);
        DescribedPredicate<JavaClass> seam = resideOutsideOfPackage("io.etcdmp..")
                .or(resideInAnyPackage(allowed.toArray(String[]::new)));
        List<ArchRule> rules = new ArrayList<>();
        rules.add(classes().that().resideInAPackage(module)
                .should().onlyDependOnClassesThat(seam.as("are outside io.etcdmp or in " + allowed))
                .because("a module depends only on the library's API and the internal packages named for it"));
        if (withoutCdi) {
            rules.add(noClasses().that().resideInAPackage(module)
                    .should().dependOnClassesThat().resideInAnyPackage("jakarta.enterprise..", CDI_EXTENSION)
                    .because("the CLI and its console run without a CDI container"));
        }
        return rules;
    }

    /** Checks every rule against {@code classes}; the first broken rule fails with every violation listed. */
    public void check(JavaClasses classes) {
        rules().forEach(rule -> rule.check(classes));
    }
}
