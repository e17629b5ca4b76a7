package io.etcdmp.restclient;

import io.etcdmp.registry.ServiceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MicroProfile Rest Client and JAX-RS APIs are optional: only the classes of {@code io.etcdmp.restclient} and {@code io.etcdmp.internal.restclient}
 * (loaded by a Rest Client implementation through {@code META-INF/services}, or by the application) name
 * them, so the rest of the library loads where they are absent.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestClientStaysOptionalTest {

    @Test
    void noLibraryClassOutsideTheRestClientPackageNamesTheRestClientOrJaxRsApi() throws URISyntaxException, IOException {
        Path classes = Path.of(ServiceRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> offenders;
        try (Stream<Path> all = Files.walk(classes)) {
            offenders = all.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !classes.relativize(p).toString().startsWith("io/etcdmp/restclient/")
                            && !classes.relativize(p).toString().startsWith("io/etcdmp/internal/restclient/"))
                    .filter(RestClientStaysOptionalTest::namesOptionalApi)
                    .toList();
        }
        assertThat(classes.resolve("io/etcdmp/restclient/ServiceNameFilter.class")).exists();
        assertThat(offenders).isEmpty();
    }

    private static boolean namesOptionalApi(Path classFile) {
        try {
            String constants = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return constants.contains("jakarta/ws/rs/") || constants.contains("org/eclipse/microprofile/rest/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
