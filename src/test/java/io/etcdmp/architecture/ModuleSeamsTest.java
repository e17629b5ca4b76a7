package io.etcdmp.architecture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seams between the modules, read from the sources of every module of the checkout (found as
 * {@link SourceSizesTest} finds them), so that it holds for modules this build does not compile:
 * outside the library, a main source file names {@code io.etcdmp.internal} only in a package named for
 * its module ({@code io.etcdmp.internal.cli} for {@code cli/}, ...), in the seam it shares with another
 * module ({@code io.etcdmp.internal.process} for {@code grpc/} and {@code stork/}), or in the one file listed
 * below that documents why; the CLI and its console ({@code cli/}) name no CDI type. The compiled-class form of the
 * same rules, for a module's own tests, is {@link ModuleRules}.
 */
@Tag("unit")
@Timeout(60)
class ModuleSeamsTest {
    private static final Pattern INTERNAL = Pattern.compile("\\bio\\.etcdmp\\.internal(\\.[a-z0-9_]+)?");
    /**
     * Files of other modules allowed to use internal code, each with its reason in its own comments.
     * bench: {@code Internals}, the benchmarks' one hook (a registry outside CDI, a held connection).
     * it/support: {@code PeerServices}, a registry outside CDI in the test JVM for the called services.
     */
    private static final Map<String, String> HOOKS = Map.of(
            "bench/src/main/java/io/etcdmp/bench/Internals.java", "bench",
            "it/support/src/main/java/io/etcdmp/it/support/PeerServices.java", "it/support");

    /**
     * Modules whose seam is a package they share, instead of one named for each: gRPC's resolver and Stork's provider
     * both take the process's registry from {@code io.etcdmp.internal.process}, so that a process using both opens one.
     */
    private static final Map<String, String> SHARED_SEAMS = Map.of("grpc", ".internal.process", "stork", ".internal.process");

    @Test
    void noModuleButTheLibraryUsesInternalCodeOutsideItsOwnInternalPackageAndItsDocumentedHook() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Set<String> crossings = new LinkedHashSet<>();
        for (Path tree : SourceSizesTest.mainSourceTrees()) {
            Path module = root.relativize(tree.getParent().getParent().getParent());
            if (module.toString().isEmpty()) {
                continue; // the library itself
            }
            String own = SHARED_SEAMS.getOrDefault(module.toString(), ".internal." + module.getFileName().toString().replace("-", ""));
            try (Stream<Path> files = Files.walk(tree)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String relative = root.relativize(file).toString();
                    if (HOOKS.containsKey(relative)) {
                        continue;
                    }
                    Matcher m = INTERNAL.matcher(Files.readString(file));
                    while (m.find()) {
                        if (!m.group().endsWith(own)) {
                            crossings.add(relative + " uses " + m.group());
                        }
                    }
                }
            }
        }
        assertThat(crossings).as("internal code used outside its module's own package and the documented hooks "
                + HOOKS.keySet()).isEmpty();
    }

    /** The modules that run without a CDI container: the CLI and its console. */
    private static final Set<String> WITHOUT_CDI = Set.of("cli");

    @Test
    void theCliAndItsConsoleUseNoCdi() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Set<String> uses = new LinkedHashSet<>();
        for (Path tree : SourceSizesTest.mainSourceTrees()) {
            Path module = root.relativize(tree.getParent().getParent().getParent());
            if (!WITHOUT_CDI.contains(module.toString())) {
                continue;
            }
            try (Stream<Path> files = Files.walk(tree)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    if (text.contains("jakarta.enterprise") || text.contains("io.etcdmp.cdi")) {
                        uses.add(root.relativize(file).toString());
                    }
                }
            }
        }
        assertThat(uses).as("files of " + WITHOUT_CDI + " naming jakarta.enterprise or io.etcdmp.cdi").isEmpty();
    }

    @Test
    void everyDocumentedHookExists() {
        HOOKS.keySet().forEach(hook -> assertThat(Path.of(hook)).as("a documented hook").isRegularFile());
    }
}
