package io.etcdmp.metrics;

import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.EtcdCluster;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The library's metric set reaches the application's OpenTelemetry (a CDI bean, as MicroProfile Telemetry 2.0 gives it)
 * with the values etcd and the registry have: config revision, keys, changes, document errors, staleness, registrations,
 * instances by status, operation durations, watch restarts, lost leases and failed keep-alives.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricsInWeldTest {
    // a name no other test uses: the library's meters are per JVM, and a source another test class left open in this
    // fork with the same prefixes would report its own revision under the same attributes
    private static final String SOURCE = "/config/application/,/config/metricsweld/";

    @Test
    void theMetricSetFollowsEtcdAndTheRegistry() {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/metricsweld/color", "red");
            etcd.ctl().put("/config/metricsweld/app.yaml", "db:\n  pool: 5\n");
            long configWritten = etcd.ctl().revision();
            try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "metricsweld",
                    "etcd.config.documents", "app.yaml", "etcd.registry.port", "8080", "etcd.registry.ttl", "2s",
                    "etcd.request-timeout", "1s"), TelemetryProducer.class)) {
                ServiceRegistry registry = app.bean(ServiceRegistry.class);
                await().atMost(Duration.ofSeconds(20)).until(() -> registry.selfRegistration().map(r -> r.isRegistered()).orElse(false));

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Collection<MetricData> data = TelemetryProducer.READER.collectAllMetrics();
                    assertThat(gauge(data, "etcd.config.revision", source())).isBetween((double) configWritten, (double) etcd.ctl().revision());
                    assertThat(gauge(data, "etcd.config.keys", source())).isEqualTo(2.0); // color, db.pool
                    assertThat(gauge(data, "etcd.config.stale", source())).isZero();
                    assertThat(gauge(data, "etcd.config.sync.age", source())).isZero();
                    assertThat(gauge(data, "etcd.registry.registrations", a -> "/services/".equals(a.get("etcd.registry.prefix")))).isEqualTo(1.0);
                    assertThat(histogramCount(data, "etcd.client.operation.duration", a -> "range".equals(a.get("operation")))).isPositive();
                    assertThat(histogramCount(data, "etcd.client.operation.duration", a -> "txn".equals(a.get("operation")))).isPositive();
                });

                long changesBefore = sum(TelemetryProducer.READER.collectAllMetrics(), "etcd.config.changes", source());
                etcd.ctl().put("/config/metricsweld/color", "blue");
                long blue = etcd.ctl().revision();
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        sum(TelemetryProducer.READER.collectAllMetrics(), "etcd.config.changes", source()) == changesBefore + 1
                        && gauge(TelemetryProducer.READER.collectAllMetrics(), "etcd.config.revision", source()) == blue);

                etcd.ctl().put("/config/metricsweld/app.yaml", "a: &x [*x]");
                await().atMost(Duration.ofSeconds(10)).until(() -> sum(TelemetryProducer.READER.collectAllMetrics(),
                        "etcd.config.document.errors", a -> "/config/metricsweld/".equals(a.get("etcd.prefix"))) >= 1);

                assertThat(registry.instances("metricsweld")).hasSize(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> gauge(TelemetryProducer.READER.collectAllMetrics(),
                        "etcd.discovery.instances", a -> "/services/".equals(a.get("etcd.registry.prefix"))
                        && "metricsweld".equals(a.get("service.name")) && "UP".equals(a.get("status"))) == 1.0);

                // etcd away for longer than the lease's TTL: stale config, a watch that restarts, keep-alives that fail, the lease lost
                etcd.stop(0);
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    Collection<MetricData> data = TelemetryProducer.READER.collectAllMetrics();
                    return gauge(data, "etcd.config.stale", source()) == 1.0
                            && gauge(data, "etcd.config.sync.age", source()) > 0
                            && sum(data, "etcd.registry.lease.lost", a -> true) >= 1
                            && sum(data, "etcd.registry.keepalive.failures", a -> true) >= 1
                            && sum(data, "etcd.watch.restarts", a -> "/config/metricsweld/".equals(a.get("etcd.prefix"))) >= 1;
                });
                etcd.start(0);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        gauge(TelemetryProducer.READER.collectAllMetrics(), "etcd.config.stale", source()) == 0.0);
            }
        }
    }

    private static Predicate<Map<String, String>> source() {
        return a -> SOURCE.equals(a.get("etcd.config.prefixes"));
    }

    private static Map<String, String> attributes(PointData point) {
        Map<String, String> out = new java.util.HashMap<>();
        point.getAttributes().forEach((k, v) -> out.put(k.getKey(), String.valueOf(v)));
        return out;
    }

    private static MetricData find(Collection<MetricData> data, String name) {
        return data.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not exported; got " + data.stream().map(MetricData::getName).toList()));
    }

    private static double gauge(Collection<MetricData> data, String name, Predicate<Map<String, String>> which) {
        return find(data, name).getDoubleGaugeData().getPoints().stream().filter(p -> which.test(attributes(p)))
                .mapToDouble(p -> p.getValue()).findFirst().orElse(Double.NaN);
    }

    private static long sum(Collection<MetricData> data, String name, Predicate<Map<String, String>> which) {
        return data.stream().filter(m -> m.getName().equals(name)).findFirst()
                .map(m -> m.getLongSumData().getPoints().stream().filter(p -> which.test(attributes(p))).mapToLong(p -> p.getValue()).sum())
                .orElse(0L);
    }

    private static long histogramCount(Collection<MetricData> data, String name, Predicate<Map<String, String>> which) {
        return find(data, name).getHistogramData().getPoints().stream().filter(p -> which.test(attributes(p)))
                .mapToLong(p -> p.getCount()).sum();
    }
}
