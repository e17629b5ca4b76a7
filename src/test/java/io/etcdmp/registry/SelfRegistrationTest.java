package io.etcdmp.registry;

import io.etcdmp.support.CdiApp;
import io.etcdmp.support.ServiceProcess;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Self-registration through the CDI lifecycle, with services running as separate JVMs next to an
 * in-process CDI application that discovers them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SelfRegistrationTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @BeforeEach
    void clean() {
        ServiceEvents.EVENTS.clear();
    }

    @ApplicationScoped
    static class ServiceEvents {
        static final List<ServiceChangeEvent> EVENTS = new CopyOnWriteArrayList<>();

        void on(@Observes ServiceChangeEvent event) {
            EVENTS.add(event);
        }
    }

    private static Map<String, String> service(String name, String host, int port, String... more) {
        Map<String, String> map = CdiApp.settings(etcd.endpoints(), "mp.app.name", name, "etcd.registry.host", host,
                "etcd.registry.port", Integer.toString(port));
        for (int i = 0; i + 1 < more.length; i += 2) {
            map.put(more[i], more[i + 1]);
        }
        return map;
    }

    @Test
    void selfRegistrationIsInEtcdWhileRunningAndGoneRightAfterGracefulStop() throws Exception {
        try (ServiceProcess billing = ServiceProcess.start(service("billing", "127.0.0.1", 9090,
                "etcd.registry.metadata.version", "1.4.2", "etcd.registry.metadata.zone", "eu-1"))) {
            Map<String, String> records = etcd.ctl().getPrefix("/services/billing/");
            assertThat(records).containsOnlyKeys("/services/billing/billing-127.0.0.1-9090");
            JsonObject record = Json.createReader(new StringReader(records.values().iterator().next())).readObject();
            assertThat(record.getString("Addr")).isEqualTo("127.0.0.1:9090");
            JsonObject metadata = record.getJsonObject("Metadata");
            assertThat(metadata.getString("instanceId")).isEqualTo("billing-127.0.0.1-9090");
            assertThat(metadata.getString("scheme")).isEqualTo("http");
            assertThat(metadata.getJsonObject("metadata").getString("version")).isEqualTo("1.4.2");
            assertThat(metadata.getString("registeredAt")).isNotBlank();
            assertThat(etcd.ctl().leaseList()).hasSize(1);

            billing.stop(Duration.ofSeconds(30));
            // read once the process has exited, with no wait: "right after" means the stop itself removed them (the
            // lease would otherwise hold the record for its TTL, 10 s)
            assertThat(etcd.ctl().getPrefix("/services/billing/")).as("record after graceful stop").isEmpty();
            assertThat(etcd.ctl().leaseList()).as("leases after graceful stop").isEmpty();
        }
    }

    @Test
    void crashedInstanceDisappearsWhenItsLeaseExpires() throws Exception {
        try (ServiceProcess billing = ServiceProcess.start(service("billing", "127.0.0.1", 9091, "etcd.registry.ttl", "3s"))) {
            assertThat(etcd.ctl().getPrefix("/services/billing/")).hasSize(1);
            long lease = etcd.ctl().leaseList().get(0);
            billing.kill();
            long killed = System.nanoTime();
            assertThat(etcd.ctl().getPrefix("/services/billing/")).as("a crash does not revoke").hasSize(1);
            long leftSeconds = timeToLive(lease);
            // gone because the lease expired: not before the time it had left at the kill (less 1 s: etcd rounds it
            // down to seconds); how soon after is a figure (./bench.sh, the crash row), bounded here only by the
            // await, generously for a loaded machine
            await().atMost(Duration.ofSeconds(3 + 20)).until(() -> etcd.ctl().getPrefix("/services/billing/").isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("gone no earlier than the lease's time left at the kill")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(leftSeconds - 1));
            assertThat(etcd.ctl().leaseList()).as("the lease expired with it").doesNotContain(lease);
        }
    }

    /** The seconds lease {@code id} has left, as etcd tells it. */
    private static long timeToLive(long id) {
        String json = etcd.ctl().run("lease", "timetolive", Long.toHexString(id), "-w", "json");
        return Json.createReader(new StringReader(json)).readObject().getJsonNumber("ttl").longValue();
    }

    @Test
    void anotherApplicationDiscoversAndWatchesTheServiceJoinAndLeave() throws Exception {
        try (CdiApp orders = CdiApp.start(service("orders", "127.0.0.1", 8080), ServiceEvents.class)) {
            ServiceRegistry registry = orders.bean(ServiceRegistry.class);
            assertThat(registry.instances("orders")).extracting(ServiceInstance::port).containsExactly(8080);
            assertThat(registry.instances("billing")).isEmpty();
            List<List<ServiceInstance>> seen = new CopyOnWriteArrayList<>();
            registry.watch("billing", seen::add);

            ServiceProcess billing = ServiceProcess.start(service("billing", "127.0.0.1", 9092));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.instances("billing").size() == 1);
            assertThat(registry.choose("billing")).hasValueSatisfying(i -> assertThat(i.uri().toString()).isEqualTo("http://127.0.0.1:9092"));
            assertThat(registry.services()).containsExactlyInAnyOrder("orders", "billing");

            billing.stop(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(2)).until(() -> registry.instances("billing").isEmpty());
            await().atMost(Duration.ofSeconds(2)).until(() -> seen.size() >= 2);
            assertThat(seen.get(0)).hasSize(1);
            assertThat(seen.get(seen.size() - 1)).isEmpty();
            await().atMost(Duration.ofSeconds(2)).until(() -> ServiceEvents.EVENTS.stream()
                    .anyMatch(e -> e.service().equals("billing") && e.instances().isEmpty()));
        }
        assertThat(etcd.ctl().getPrefix("/services/orders/")).as("in-process app deregistered at stop").isEmpty();
    }

    @Test
    void noServiceNameMeansNoSelfRegistration() {
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            assertThat(app.bean(ServiceRegistry.class).selfRegistration()).isEmpty();
            assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
        }
    }

    @Test
    void explicitServiceNameWithoutPortFailsTheDeploymentNamingTheSetting() {
        Map<String, String> settings = CdiApp.settings(etcd.endpoints(), "etcd.registry.service-name", "orders");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CdiApp.start(settings).close())
                .hasStackTraceContaining("etcd.registry.port");
    }

    @Test
    void appNameWithoutAnyPortIsConfigOnlyUseAndDoesNotRegister() {
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders"))) {
            assertThat(app.bean(ServiceRegistry.class).selfRegistration()).isEmpty();
            assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
        }
    }
}
