package io.etcdmp.internal.metrics;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gauge sources reporting one attribute set (two registries on one prefix in one class loader, two config
 * sources of the same prefixes) give one point that combines both: OpenTelemetry would keep only one of them.
 */
@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GaugeAggregationTest {
    static final Map<String, String> REGISTRY = Map.of("etcd.registry.prefix", "/aggregation/");
    static final Map<String, String> SOURCE = Map.of("etcd.config.prefixes", "/aggregation/");

    @AfterEach
    void unbind() {
        Metrics.unbind();
    }

    private static AutoCloseable source(int registrations, long revision, double syncAge) {
        return Metrics.gauges((metric, sink) -> {
            switch (metric) {
                case REGISTRATIONS -> sink.record(REGISTRY, registrations);
                case CONFIG_REVISION -> sink.record(SOURCE, revision);
                case CONFIG_SYNC_AGE -> sink.record(SOURCE, syncAge);
                default -> {
                }
            }
        });
    }

    @Test
    void oneAttributeSetFromTwoSourcesIsOnePointAddedForCountsLowestRevisionHighestAge() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
             AutoCloseable a = source(1, 70, 0);
             AutoCloseable b = source(2, 50, 3.5)) {
            Metrics.bindTo(sdk);
            Collection<MetricData> data = reader.collectAllMetrics();
            assertThat(points(data, "etcd.registry.registrations", REGISTRY)).containsExactly(3.0);
            assertThat(points(data, "etcd.config.revision", SOURCE)).containsExactly(50.0);
            assertThat(points(data, "etcd.config.sync.age", SOURCE)).containsExactly(3.5);
        }
    }

    private static List<Double> points(Collection<MetricData> data, String name, Map<String, String> attributes) {
        return data.stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getDoubleGaugeData().getPoints().stream())
                .filter(p -> p.getAttributes().asMap().entrySet().stream()
                        .anyMatch(e -> attributes.containsValue(String.valueOf(e.getValue()))))
                .map(DoublePointData::getValue).toList();
    }
}
