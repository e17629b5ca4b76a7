package io.etcdmp.internal.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsExportTest {
    private static final Map<String, String> PREFIX = Map.of("etcd.config.prefix", "/test-metrics/");

    @AfterEach
    void unbind() {
        Metrics.unbind();
    }

    @Test
    void countersGaugesAndDurationsReachAnOpenTelemetryMeter() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
             AutoCloseable gauges = Metrics.gauges((metric, sink) -> {
                 if (metric == Metric.CONFIG_REVISION) {
                     sink.record(PREFIX, 42);
                 }
             })) {
            Metrics.bindTo(sdk);
            long before = Metrics.total(Metric.CONFIG_CHANGES, PREFIX);
            Metrics.count(Metric.CONFIG_CHANGES, PREFIX, 3);
            Metrics.operation("range", System.nanoTime() - 2_000_000);

            Collection<MetricData> data = reader.collectAllMetrics();

            assertThat(sum(data, "etcd.config.changes")).isEqualTo(before + 3);
            assertThat(gauge(data, "etcd.config.revision")).isEqualTo(42.0);
            MetricData durations = find(data, "etcd.client.operation.duration");
            assertThat(durations.getUnit()).isEqualTo("s");
            assertThat(durations.getHistogramData().getPoints()).singleElement()
                    .satisfies(p -> assertThat(p.getSum()).isGreaterThanOrEqualTo(0.002))
                    .satisfies(p -> assertThat(p.getAttributes().asMap().values()).containsExactly("range"));
        }
    }

    @Test
    void aGaugeSourceThatIsClosedIsNoLongerExported() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
            Metrics.bindTo(sdk);
            AutoCloseable gauges = Metrics.gauges((metric, sink) -> {
                if (metric == Metric.CONFIG_KEYS) {
                    sink.record(PREFIX, 7);
                }
            });
            assertThat(gauge(reader.collectAllMetrics(), "etcd.config.keys")).isEqualTo(7.0);
            gauges.close();
            assertThat(reader.collectAllMetrics()).noneMatch(m -> m.getName().equals("etcd.config.keys")
                    && !m.getDoubleGaugeData().getPoints().isEmpty());
        }
    }

    @Test
    void withoutOpenTelemetryTheMetricsGoToMicrometersGlobalRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.addRegistry(registry);
        try (AutoCloseable gauges = Metrics.gauges((metric, sink) -> {
            if (metric == Metric.DISCOVERY_INSTANCES) {
                sink.record(Map.of("service.name", "billing", "status", "UP"), 2);
            }
        })) {
            // a series of this test's own: in one test JVM other tests' registries count lost leases too
            Map<String, String> series = Map.of("etcd.registry.prefix", "/test-micrometer/");
            Metrics.count(Metric.LEASE_LOST, series, 1);
            assertThat(registry.get("etcd.registry.lease.lost").tag("etcd.registry.prefix", "/test-micrometer/")
                    .functionCounter().count()).isEqualTo(Metrics.total(Metric.LEASE_LOST, series)).isPositive();
            assertThat(registry.get("etcd.discovery.instances").tag("service.name", "billing").tag("status", "UP")
                    .gauge().value()).isEqualTo(2.0);
        } finally {
            io.micrometer.core.instrument.Metrics.removeRegistry(registry);
        }
    }

    private static MetricData find(Collection<MetricData> data, String name) {
        return data.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not exported; got " + data.stream().map(MetricData::getName).toList()));
    }

    private static long sum(Collection<MetricData> data, String name) {
        return find(data, name).getLongSumData().getPoints().stream()
                .filter(p -> p.getAttributes().asMap().values().contains("/test-metrics/"))
                .mapToLong(p -> p.getValue()).sum();
    }

    private static double gauge(Collection<MetricData> data, String name) {
        return find(data, name).getDoubleGaugeData().getPoints().stream()
                .filter(p -> p.getAttributes().asMap().values().contains("/test-metrics/"))
                .mapToDouble(p -> p.getValue()).findFirst().orElseThrow();
    }
}
