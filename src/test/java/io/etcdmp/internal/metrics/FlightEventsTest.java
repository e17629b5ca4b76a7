package io.etcdmp.internal.metrics;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("unit")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlightEventsTest {

    @Test
    void aRecordingThatEnablesTheLibrarysEventsHoldsEachWithItsFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("etcdmp.jfr");
        try (Recording recording = new Recording()) {
            for (String name : List.of("ConfigChanged", "WatchRestarted", "StartedFromCache", "LeaseLost", "Reregistered", "Drained")) {
                recording.enable("io.etcdmp." + name);
            }
            recording.start();
            FlightEvents.configChanged("/config/application/,/config/orders/", 42, 3);
            FlightEvents.watchRestarted("/config/orders/", "compacted", 10, 25);
            FlightEvents.startedFromCache("/config/orders/", 40);
            FlightEvents.leaseLost("/services/", 0x694d9c3e5f1a2b3cL, "no keep-alive reply for a whole TTL");
            FlightEvents.reregistered("orders", "orders-1", Duration.ofMillis(1500).toNanos());
            FlightEvents.drained("orders", "orders-1", Duration.ofSeconds(2).toNanos());
            recording.stop();
            recording.dump(file);
        }
        Map<String, RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("io.etcdmp."))
                .collect(Collectors.toMap(e -> e.getEventType().getName(), e -> e, (a, b) -> b));

        assertThat(events).containsOnlyKeys("io.etcdmp.ConfigChanged", "io.etcdmp.WatchRestarted", "io.etcdmp.StartedFromCache",
                "io.etcdmp.LeaseLost", "io.etcdmp.Reregistered", "io.etcdmp.Drained");
        assertThat(events.get("io.etcdmp.ConfigChanged").getLong("revision")).isEqualTo(42);
        assertThat(events.get("io.etcdmp.ConfigChanged").getInt("properties")).isEqualTo(3);
        assertThat(events.get("io.etcdmp.WatchRestarted").getString("reason")).isEqualTo("compacted");
        assertThat(events.get("io.etcdmp.WatchRestarted").getLong("gap")).isEqualTo(15);
        assertThat(events.get("io.etcdmp.LeaseLost").getString("leaseId")).isEqualTo("694d9c3e5f1a2b3c");
        assertThat(events.get("io.etcdmp.Reregistered").getDuration("withoutRecord")).isEqualTo(Duration.ofMillis(1500));
        assertThat(events.get("io.etcdmp.Drained").getString("service")).isEqualTo("orders");
    }

    @Test
    void withoutARecordingNothingIsRecordedAndNothingFails() {
        FlightEvents.configChanged("/config/orders/", 1, 1);
        FlightEvents.leaseLost("orders", 1, "test");
        assertThat(new FlightEvents.ConfigChanged().shouldCommit()).isFalse();
    }
}
