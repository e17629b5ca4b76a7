package io.etcdmp.internal.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under Micrometer, a gauge series a source reports after the binding was made (a service followed later, a status
 * appearing) appears, and one it no longer reports goes, with no call from the source: Micrometer only reads rows.
 */
@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MicrometerSeriesTest {
    @AfterEach
    void unbind() {
        Metrics.unbind();
    }

    /** What a scrape does: reads every meter; returns the etcd.discovery.instances rows as service=value. */
    private static List<String> scrape(SimpleMeterRegistry registry) {
        registry.getMeters().forEach(Meter::measure);
        return registry.find("etcd.discovery.instances").gauges().stream()
                .filter(g -> g.getId().getTag("service.name").startsWith("mseries-"))
                .map((Gauge g) -> g.getId().getTag("service.name") + "=" + g.value()).sorted().toList();
    }

    @Test
    void aSeriesReportedAfterBindingAppearsAndOneNoLongerReportedGoes() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.addRegistry(registry);
        Metrics.unbind();
        List<String> services = new CopyOnWriteArrayList<>(List.of("mseries-early"));
        GaugeSource source = (metric, sink) -> {
            if (metric == Metric.DISCOVERY_INSTANCES) {
                services.forEach(s -> sink.record(Map.of("service.name", s, "status", "UP"), 3));
            }
        };
        try (AutoCloseable gauges = Metrics.gauges(source)) {
            assertThat(scrape(registry)).containsExactly("mseries-early=3.0");
            services.add("mseries-late"); // a service followed after the binding: the source tells no one
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(scrape(registry)).containsExactly("mseries-early=3.0", "mseries-late=3.0"));
            services.remove("mseries-early");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(scrape(registry)).containsExactly("mseries-late=3.0"));
        } finally {
            io.micrometer.core.instrument.Metrics.removeRegistry(registry);
        }
    }
}
