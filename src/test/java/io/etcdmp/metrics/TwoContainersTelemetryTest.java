package io.etcdmp.metrics;

import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Two CDI containers alive at once in one JVM and class loader (parallel weld-junit classes, an embedded second
 * container), each with its own OpenTelemetry bean. The library's metrics are per class loader; the container
 * that stops first must not take them away from the one that still runs: after B stops, A's OpenTelemetry
 * still receives the config source's revision.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoContainersTelemetryTest {
    static final InMemoryMetricReader READER_A = InMemoryMetricReader.create();
    static final InMemoryMetricReader READER_B = InMemoryMetricReader.create();

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    @ApplicationScoped
    public static class TelemetryA {
        @Produces
        @ApplicationScoped
        OpenTelemetry openTelemetry() {
            return OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(READER_A).build()).build();
        }

        void close(@Disposes OpenTelemetry telemetry) {
            ((OpenTelemetrySdk) telemetry).close();
        }
    }

    @ApplicationScoped
    public static class TelemetryB {
        @Produces
        @ApplicationScoped
        OpenTelemetry openTelemetry() {
            return OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(READER_B).build()).build();
        }

        void close(@Disposes OpenTelemetry telemetry) {
            ((OpenTelemetrySdk) telemetry).close();
        }
    }

    @Test
    void theContainerThatStopsFirstLeavesTheMetricsToTheOneStillRunning() {
        etcd.ctl().put("/config/orders/color", "red");
        Map<String, String> settings = CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders");
        try (CdiApp a = CdiApp.startKeepingConfig(settings, TelemetryA.class)) {
            long red = etcd.ctl().revision();
            await("A exports the revision").atMost(Duration.ofSeconds(10)).until(() -> revision(READER_A.collectAllMetrics()) >= red);
            try (CdiApp b = CdiApp.startKeepingConfig(settings, TelemetryB.class)) {
                await("B exports the revision").atMost(Duration.ofSeconds(10)).until(() -> revision(READER_B.collectAllMetrics()) >= red);
            }
            etcd.ctl().put("/config/orders/color", "blue");
            long blue = etcd.ctl().revision();
            await("A still exports the revision after B stopped").atMost(Duration.ofSeconds(10))
                    .until(() -> revision(READER_A.collectAllMetrics()) == blue);
        } finally {
            CdiApp.releaseKeptConfig();
        }
    }

    private static double revision(Collection<MetricData> data) {
        return data.stream().filter(m -> m.getName().equals("etcd.config.revision"))
                .flatMap(m -> m.getDoubleGaugeData().getPoints().stream())
                .filter(p -> "/config/application/,/config/orders/".equals(
                        p.getAttributes().asMap().entrySet().stream().filter(e -> e.getKey().getKey().equals("etcd.config.prefixes"))
                                .map(e -> String.valueOf(e.getValue())).findFirst().orElse(null)))
                .mapToDouble(p -> p.getValue()).max().orElse(-1);
    }
}
