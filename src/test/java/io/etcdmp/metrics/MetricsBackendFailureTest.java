package io.etcdmp.metrics;

import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.internal.metrics.Metrics;
import io.etcdmp.testing.SharedEtcd;
import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A metrics backend that refuses one of the library's meters (here Micrometer's global registry, where the
 * application already registered a meter of another type under the same name and tags: Micrometer throws
 * {@code IllegalArgumentException}) must cost the metric, never the work being counted: the etcd call whose
 * duration is recorded, the change event whose properties are counted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsBackendFailureTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    private final List<Meter> conflicting = new ArrayList<>();

    @BeforeEach
    void detectAgain() {
        Metrics.unbind(); // the next report binds to Micrometer's global registry (no OpenTelemetry is set up)
        for (String name : List.of("etcd.client.operation.duration", "etcd.config.changes")) { // left by earlier tests
            io.micrometer.core.instrument.Metrics.globalRegistry.find(name).meters()
                    .forEach(io.micrometer.core.instrument.Metrics.globalRegistry::remove);
        }
    }

    @AfterEach
    void removeConflicts() {
        conflicting.forEach(io.micrometer.core.instrument.Metrics.globalRegistry::remove);
        Metrics.unbind();
    }

    private PrefixConfigSource source() {
        Map<String, String> values = Map.of("etcd.endpoints", etcd.endpoints(), "mp.app.name", "orders",
                ConfigSourceSettings.START_TIMEOUT, "2s");
        PropertyLookup lookup = name -> Optional.ofNullable(values.get(name));
        return PrefixConfigSource.create(ConfigSourceSettings.from(lookup), EtcdSettings.from(lookup));
    }

    @Test
    void aBackendRefusingTheDurationTimerDoesNotFailTheEtcdReadItTimes() {
        conflicting.add(io.micrometer.core.instrument.Metrics.globalRegistry
                .counter("etcd.client.operation.duration", "operation", "range"));
        etcd.ctl().put("/config/orders/color", "red");
        PrefixConfigSource source = source();
        try {
            Throwable thrown = catchThrowable(source::start);
            assertThat(thrown).as("start of a source whose read's duration the backend refuses").isNull();
            assertThat(source.getValue("color")).isEqualTo("red");
        } finally {
            source.close();
        }
    }

    @Test
    void aBackendRefusingTheChangeCounterStillDeliversTheChange() {
        conflicting.add(io.micrometer.core.instrument.Metrics.globalRegistry
                .counter("etcd.config.changes", "etcd.config.prefixes", "/config/application/,/config/orders/"));
        etcd.ctl().put("/config/orders/color", "red");
        List<ConfigChangeEvent> seen = new CopyOnWriteArrayList<>();
        try (PrefixConfigSource source = source()) {
            source.start();
            source.addChangeListener(seen::add);
            await().atMost(Duration.ofSeconds(10)).until(source::isLive);
            etcd.ctl().put("/config/orders/color", "blue");
            await("the change event").atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
            assertThat(seen.get(0).names()).containsExactly("color");
            assertThat(source.getValue("color")).isEqualTo("blue");
        }
    }
}
