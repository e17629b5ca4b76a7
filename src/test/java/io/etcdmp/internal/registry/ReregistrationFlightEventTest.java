package io.etcdmp.internal.registry;

import io.etcdmp.registry.Registration;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.EtcdCluster;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lease lost and the registration made again leave both JFR events (issue 22: "a lease lost and the
 * re-registration (service, time without record)"): {@code io.etcdmp.LeaseLost}, then {@code io.etcdmp.Reregistered}
 * with the service, the instance and the time the instance had no record.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReregistrationFlightEventTest {

    @Test
    void aRevokedLeaseLeavesALeaseLostAndAReregisteredEventWithTheTimeWithoutRecord(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reregistered.jfr");
        try (EtcdCluster etcd = EtcdCluster.start();
             RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "4s");
             Recording recording = new Recording()) {
            recording.enable("io.etcdmp.LeaseLost");
            recording.enable("io.etcdmp.Reregistered");
            recording.start();
            Registration registration = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long first = registration.leaseId().orElseThrow();
            long revoked = System.nanoTime();
            etcd.ctl().leaseRevoke(first);
            await().atMost(Duration.ofSeconds(10)).until(() -> registration.reRegistrations() == 1
                    && registration.isRegistered() && registration.leaseId().orElse(first) != first);
            long bound = System.nanoTime() - revoked;
            recording.stop();
            recording.dump(file);

            // a recording holds each thread's events in its own buffers: ordered by their start, not by the file
            List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                    .sorted(Comparator.comparing(RecordedEvent::getStartTime)).toList();
            assertThat(events).extracting(e -> e.getEventType().getName())
                    .containsExactly("io.etcdmp.LeaseLost", "io.etcdmp.Reregistered");
            RecordedEvent again = events.get(1);
            assertThat(again.getString("service")).isEqualTo("orders");
            assertThat(again.getString("instanceId")).isEqualTo(registration.instance().instanceId());
            assertThat(again.getDuration("withoutRecord")).isPositive().isLessThanOrEqualTo(Duration.ofNanos(bound));
        }
    }
}
