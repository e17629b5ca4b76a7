package io.etcdmp.metrics;

import io.etcdmp.internal.metrics.Metrics;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Without an OpenTelemetry bean the library exports to {@code GlobalOpenTelemetry} (set up by the OpenTelemetry
 * Java agent, in a class loader all deployments of a server share). Its callbacks hold the library's classes: once
 * the deployment's last container stopped they must be gone, or every redeploy leaves its class loader pinned and
 * its counters exported beside the new deployment's. Seen from the global meter: no etcd counter after the stop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GlobalTelemetryReleaseTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    @Test
    void theGlobalExportEndsWhenTheLastContainerStops() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        Metrics.unbind();
        GlobalOpenTelemetry.resetForTest();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).buildAndRegisterGlobal()) {
            etcd.ctl().put("/config/orders/color", "red");
            try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> "red".equals(app.config().getValue("color", String.class)));
                etcd.ctl().put("/config/orders/color", "blue");
                await("the change counted through the global meter").atMost(Duration.ofSeconds(10))
                        .until(() -> changes(reader.collectAllMetrics()) > 0);
            }
            assertThat(changes(reader.collectAllMetrics())).as("etcd.config.changes points after the last container stopped")
                    .isEqualTo(-1);
        } finally {
            Metrics.unbind();
            GlobalOpenTelemetry.resetForTest();
        }
    }

    /** The summed points of etcd.config.changes; -1 when it has none. */
    private static long changes(Collection<MetricData> data) {
        return data.stream().filter(m -> m.getName().equals("etcd.config.changes"))
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .mapToLong(p -> p.getValue()).reduce(Long::sum).orElse(-1);
    }
}
