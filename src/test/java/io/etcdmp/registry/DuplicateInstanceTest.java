package io.etcdmp.registry;

import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two instances claiming one instance id: the first keeps it, the second waits; a restart of the same address takes over. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DuplicateInstanceTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    private static ServiceInstance instance(int port) {
        return new ServiceInstance("orders", "orders-1", "127.0.0.1", port, "http", Map.of(), Optional.empty());
    }

    @Test
    void secondInstanceWithTheSameIdDoesNotOverwriteTheFirstAndTakesOverWhenItLeaves() throws Exception {
        try (RegistryFixture first = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "4s");
             RegistryFixture second = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "4s")) {
            Registration a = first.registry.register(instance(8080));
            Registration b = second.registry.register(instance(9090));
            assertThat(a.isRegistered()).isTrue();
            assertThat(b.isRegistered()).as("the duplicate is refused").isFalse();
            assertThat(etcd.ctl().get("/services/orders/orders-1")).hasValueSatisfying(v -> assertThat(v).contains("127.0.0.1:8080"));

            b.close();
            assertThat(etcd.ctl().get("/services/orders/orders-1")).as("closing the refused duplicate removes nothing")
                    .hasValueSatisfying(v -> assertThat(v).contains("127.0.0.1:8080"));

            Registration c = second.registry.register(instance(9090));
            a.close();
            await().atMost(Duration.ofSeconds(10)).until(c::isRegistered);
            assertThat(etcd.ctl().get("/services/orders/orders-1")).hasValueSatisfying(v -> assertThat(v).contains("127.0.0.1:9090"));
            assertThat(second.connection.client().getKVClient()
                    .get(io.etcd.jetcd.ByteSequence.from("/services/orders/orders-1", java.nio.charset.StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS).getKvs().get(0).getLease()).isEqualTo(c.leaseId().orElseThrow());
        }
        assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
    }

    @Test
    void sameAddressRestartingAfterACrashTakesItsRecordOverAtOnce() {
        RegistryFixture crashed = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "10s");
        crashed.registry.register(instance(8080));
        crashed.connection.close(); // the process dies: no revoke, the record stays until its lease expires
        assertThat(etcd.ctl().get("/services/orders/orders-1")).isPresent();

        try (RegistryFixture restarted = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "10s")) {
            Registration again = restarted.registry.register(instance(8080));
            assertThat(again.isRegistered()).isTrue();
            assertThat(etcd.ctl().get("/services/orders/orders-1")).isPresent();
            again.close();
            assertThat(etcd.ctl().get("/services/orders/orders-1")).as("the taken-over record is ours to remove").isEmpty();
        }
    }
}
