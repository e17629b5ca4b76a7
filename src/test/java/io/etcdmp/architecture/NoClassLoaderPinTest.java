package io.etcdmp.architecture;

import io.etcdmp.registry.ServiceInstance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No class of the library lets the JDK keep the application's class loader after undeploy. On JDK 17, the
 * {@code equals}, {@code hashCode} and {@code toString} that javac generates for a record are bootstrapped by
 * {@code java.lang.runtime.ObjectMethods}, whose static method handles cache (in {@code asTypeCache}, a strong
 * reference) the method type of the last record class they served: that record's class, and so the whole WAR,
 * stays loaded for the life of the server (seen on Open Liberty and WildFly: a heap dump after undeploy showed
 * {@code ObjectMethods -> DirectMethodHandle.asTypeCache -> MethodType -> Series.class -> AppClassLoader}).
 * So every record of the library declares the three methods itself, and no compiled class refers to
 * {@code ObjectMethods}.
 */
@Tag("unit")
@Timeout(60)
class NoClassLoaderPinTest {
    static final String OBJECT_METHODS = "java/lang/runtime/ObjectMethods";
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Set<String> TOOLS = Set.of("cli", "testing", "bench", "demo", "it");

    @Test
    void noRecordOfTheLibraryUsesTheGeneratedEqualsHashCodeOrToString() throws IOException, URISyntaxException {
        Path classes = Path.of(ServiceInstance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).as("the library's compiled classes").isDirectory();
        assertThat(referringTo(classes, OBJECT_METHODS))
                .as("classes bootstrapped by " + OBJECT_METHODS + " (records without their own equals, hashCode and"
                        + " toString): on JDK 17 they keep an undeployed application's class loader")
                .isEmpty();
    }

    /**
     * The other modules whose code runs inside applications ({@code grpc/}, {@code quarkus/}, and any module added
     * next, except the tools {@code cli/}, {@code testing/}, {@code bench/}, {@code demo/} and {@code it/}) are built
     * after the library, so their sources are checked: a file declares each of the three methods at least once per
     * record it declares.
     */
    @Test
    void everyRecordOfTheOtherApplicationModulesDeclaresTheThreeMethods() throws IOException {
        Pattern record = Pattern.compile("(?m)^\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*(?:(?:public|protected|private|static|final)\\s+)*record\\s+\\w+\\s*[(<]");
        List<String> missing = new ArrayList<>();
        for (Path tree : SourceSizesTest.mainSourceTrees()) {
            Path module = ROOT.relativize(tree.getParent().getParent().getParent()); // <module>/src/main/java
            if (module.toString().isEmpty() || TOOLS.contains(module.getName(0).toString())) {
                continue;
            }
            try (Stream<Path> files = Files.walk(tree)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    long records = record.matcher(text).results().count();
                    if (records > Math.min(count(text, "boolean equals(Object"),
                            Math.min(count(text, "int hashCode()"), count(text, "String toString()")))) {
                        missing.add(ROOT.relativize(file).toString());
                    }
                }
            }
        }
        assertThat(missing).as("files with a record lacking its own equals, hashCode or toString").isEmpty();
    }

    private static long count(String text, String part) {
        return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }

    /** The class files under {@code classes} whose constant pool names {@code internalName}. */
    static List<String> referringTo(Path classes, String internalName) throws IOException {
        byte[] needle = internalName.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .filter(f -> contains(read(f), needle))
                    .map(f -> classes.relativize(f).toString())
                    .sorted()
                    .toList();
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
