package io.etcdmp.architecture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At most 350 lines per main source file, in every module of the checkout: the library's {@code src/main/java}
 * and that of every folder one or two levels below the root that has one ({@code testing/}, {@code quarkus/},
 * {@code bench/}, {@code demo/}, {@code it/support/}, ... and whatever module is added next, with no list to
 * update). Run from the library's folder, the root of the checkout, as Maven does.
 */
@Tag("unit")
@Timeout(60)
class SourceSizesTest {
    static final int MAX_LINES = 350;
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void noMainSourceFileOfAnyModuleIsLongerThan350Lines() throws IOException {
        List<Path> trees = mainSourceTrees();
        assertThat(trees).as("main source trees found under " + ROOT)
                .contains(ROOT.resolve("src/main/java"), ROOT.resolve("testing/src/main/java"));
        List<String> tooLong = new ArrayList<>();
        for (Path tree : trees) {
            try (Stream<Path> files = Files.walk(tree)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    long lines = Files.readAllLines(file).size();
                    if (lines > MAX_LINES) {
                        tooLong.add(ROOT.relativize(file) + ": " + lines + " lines");
                    }
                }
            }
        }
        assertThat(tooLong).as("main source files over " + MAX_LINES + " lines: split along their seams (CONTRIBUTING.md)")
                .isEmpty();
    }

    /** {@code src/main/java} of the root and of every folder up to two levels below it (so {@code it/*}), sorted. */
    static List<Path> mainSourceTrees() throws IOException {
        List<Path> trees = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(ROOT, 2)) {
            dirs.filter(Files::isDirectory)
                    .filter(d -> ROOT.relativize(d).toString().isEmpty() || !isSkipped(ROOT.relativize(d)))
                    .map(d -> d.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .sorted()
                    .forEach(trees::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return trees;
    }

    private static boolean isSkipped(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".") || name.equals("target") || name.equals("node_modules") || name.equals("src")) {
                return true;
            }
        }
        return false;
    }
}
