package io.etcdmp.internal.metrics;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenTelemetry and Micrometer are optional: only the two binding classes name them, and the metrics
 * package works (counts, gauges, no export) in a class loader that has neither.
 */
@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsStayOptionalTest {

    @Test
    void onlyTheBindingClassesNameOpenTelemetryOrMicrometer() throws Exception {
        Path classes = Path.of(Metrics.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders;
        try (Stream<Path> all = Files.walk(classes)) {
            offenders = all.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString())
                    .filter(name -> !name.startsWith("io/etcdmp/internal/metrics/OpenTelemetryBinding")
                            && !name.startsWith("io/etcdmp/internal/metrics/MicrometerBinding"))
                    .filter(name -> names(classes.resolve(name), "io/opentelemetry/", "io/micrometer/"))
                    .toList();
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void metricsAreCountedAndNothingIsExportedWhereNeitherApiIsPresent() throws Exception {
        URL library = Metrics.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader bare = new URLClassLoader(new URL[] {library}, ClassLoader.getPlatformClassLoader())) {
            assertThat(visible(bare, "io.opentelemetry.api.OpenTelemetry")).isFalse();
            assertThat(visible(bare, "io.micrometer.core.instrument.MeterRegistry")).isFalse();
            Class<?> metrics = bare.loadClass(Metrics.class.getName());
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object lost = Enum.valueOf((Class) bare.loadClass(Metric.class.getName()), "LEASE_LOST");
            Class<?> metric = lost.getClass();
            metrics.getMethod("count", metric).invoke(null, lost);
            metrics.getMethod("operation", String.class, long.class).invoke(null, "range", System.nanoTime());
            assertThat(metrics.getMethod("total", metric, Map.class).invoke(null, lost, Map.of())).isEqualTo(1L);
            java.lang.reflect.Field binding = metrics.getDeclaredField("binding");
            binding.setAccessible(true);
            assertThat(binding.get(null)).isNull();
        }
    }

    private static boolean visible(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean names(Path classFile, String... prefixes) {
        try {
            String constants = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return Stream.of(prefixes).anyMatch(constants::contains);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
