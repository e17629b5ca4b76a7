package io.etcdmp.registry;

import io.etcdmp.support.SeedService;
import io.etcdmp.testing.SharedEtcd;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Both directions with services written the seed's way: its {@code EtcdService} on the npm client
 * {@code etcd3} 1.1.2 in a real Node.js process (src/test/node/seed-service), against real etcd.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SeedInteropTest {
    /**
     * Both leases here have a TTL of 10 s and are renewed every third of it (ours and etcd3's), so an expiry comes no
     * sooner than ~6.6 s after a stop: a removal seen within 5 s came from the delete or the revoke.
     */
    private static final Duration BEFORE_EXPIRY = Duration.ofSeconds(5);

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");
    static SeedService seed;
    static RegistryFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        seed = SeedService.start(etcd.endpoints());
        fixture = new RegistryFixture(etcd.endpoints());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (seed != null) {
            seed.close();
        }
    }

    @Test
    void nodeInstancesRegisteredTheSeedsWayAndWithAddrAreListedWithHostPortAndMetadata() throws Exception {
        seed.register("billing", "node-1", Json.createObjectBuilder()
                .add("host", "127.0.0.1").add("port", 3000).add("version", "1.0.0").build());
        seed.register("billing", "node-2", Json.createObjectBuilder().add("Addr", "127.0.0.1:3001")
                .add("Metadata", Json.createObjectBuilder().add("zone", "eu-1").add("weight", 50)).build());

        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.registry.instances("billing").size() == 2);
        List<ServiceInstance> instances = fixture.registry.instances("billing");
        assertThat(instances.get(0)).isEqualTo(new ServiceInstance("billing", "node-1", "127.0.0.1", 3000, "http",
                Map.of("version", "1.0.0"), Optional.empty()));
        assertThat(instances.get(1)).isEqualTo(new ServiceInstance("billing", "node-2", "127.0.0.1", 3001, "http",
                Map.of("zone", "eu-1", "weight", "50"), Optional.empty()));
        assertThat(instances.get(1).weight()).isEqualTo(50);
        assertThat(fixture.registry.choose("billing")).isPresent();
    }

    @Test
    void theSeedsDiscoverServiceParsesOurRecords() throws Exception {
        ServiceInstance ours = new ServiceInstance("orders", "java-1", "127.0.0.1", 8080, "http",
                Map.of("version", "3.1"), Optional.empty());
        try (Registration registration = fixture.registry.register(ours)) {
            await().atMost(Duration.ofSeconds(5)).until(registration::isRegistered);
            JsonArray discovered = seed.discover("orders");
            assertThat(discovered).hasSize(1);
            JsonObject record = discovered.getJsonObject(0);
            assertThat(record.getString("Addr")).isEqualTo("127.0.0.1:8080");
            JsonObject metadata = record.getJsonObject("Metadata");
            assertThat(metadata.getString("instanceId")).isEqualTo("java-1");
            assertThat(metadata.getString("scheme")).isEqualTo("http");
            assertThat(metadata.getString("status")).isEqualTo("UP");
            assertThat(metadata.getJsonObject("metadata").getString("version")).isEqualTo("3.1");
            assertThat(record.containsKey("Op")).isFalse();
        }
    }

    @Test
    void theSeedsWatchServiceSeesOurInstanceLeaveAtOurGracefulStopNotAtLeaseExpiry() throws Exception {
        seed.watch("payments");
        RegistryFixture stopping = new RegistryFixture(etcd.endpoints());
        try {
            stopping.registry.register(ServiceInstance.of("payments", "127.0.0.1", 8081));
            await().atMost(Duration.ofSeconds(5)).until(() -> lastWatchCall("payments").map(JsonArray::size).orElse(0) == 1);
            int before = seed.watchCalls().size();

            long stop = System.nanoTime();
            stopping.close();
            // a graceful stop deletes the record: the seed sees it leave well before the lease (TTL 10 s) could expire (BEFORE_EXPIRY);
            // how soon (through a Node process on a loaded machine) is a figure, printed, not a bound
            SeedService.WatchCall left = await().atMost(BEFORE_EXPIRY).until(() -> seed.watchCalls().stream()
                    .skip(before).filter(c -> c.service().equals("payments") && c.instances().isEmpty()).findFirst(),
                    Optional::isPresent).orElseThrow();
            Duration seen = Duration.ofNanos(left.receivedNanos() - stop);
            System.out.println("seed watchService saw our instance leave " + seen.toMillis() + " ms after our graceful stop began");
            assertThat(seen).as("stop began to the seed's watchService seeing it leave").isLessThan(BEFORE_EXPIRY);
        } finally {
            stopping.close();
        }
    }

    @Test
    void ourCacheDropsANodeInstanceOnItsLeaseRevokeNotAtExpiry() throws Exception {
        seed.register("stock", "node-9", Json.createObjectBuilder().add("host", "127.0.0.1").add("port", 3009).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.registry.instances("stock").size() == 1);

        long revoke = System.nanoTime();
        CompletableFuture<?> revoked = seed.revoke("stock", "node-9");
        // the seed keeps its lease (TTL 10 s) alive: only the revoke can remove the instance within BEFORE_EXPIRY
        await().atMost(BEFORE_EXPIRY).pollInterval(Duration.ofMillis(2)).until(() -> fixture.registry.instances("stock").isEmpty());
        long dropped = System.nanoTime();
        revoked.get(5, TimeUnit.SECONDS);
        System.out.println("our cache dropped the Node instance " + Duration.ofNanos(dropped - revoke).toMillis()
                + " ms after the revoke was sent");
    }

    private static Optional<JsonArray> lastWatchCall(String service) {
        List<SeedService.WatchCall> calls = seed.watchCalls();
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).service().equals(service)) {
                return Optional.of(calls.get(i).instances());
            }
        }
        return Optional.empty();
    }
}
