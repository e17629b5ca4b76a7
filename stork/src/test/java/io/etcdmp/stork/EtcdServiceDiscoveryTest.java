package io.etcdmp.stork;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.LocalEtcd;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real Stork (no Quarkus) choosing among instances registered in a real etcd through the library's registry. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdServiceDiscoveryTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/stork-test-nothing/").start();

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final HttpServers servers = new HttpServers();
    private final List<AutoCloseable> closables = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() throws Exception {
        StorkServices.stop();
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
        servers.close();
    }

    @Test
    void roundRobinAlternatesBetweenTwoInstancesRegisteredThroughTheRegistry() throws Exception {
        int a = servers.start();
        int b = servers.start();
        register("billing-rr", a, Map.of());
        register("billing-rr", b, Map.of());
        Service billing = StorkServices.start(Map.of(), null, "billing-rr").getService("billing-rr");

        for (int i = 0; i < 20; i++) {
            call(billing);
        }
        assertThat(servers.calls(a)).isEqualTo(10);
        assertThat(servers.calls(b)).isEqualTo(10);
    }

    @Test
    void aDrainingInstanceIsNoLongerOfferedWithinOneSecond() throws Exception {
        etcd.put("/services/billing-drain/a", "{\"Addr\":\"127.0.0.1:9001\"}");
        etcd.put("/services/billing-drain/b", "{\"Addr\":\"127.0.0.1:9002\"}");
        Service billing = StorkServices.start(Map.of(), null, "billing-drain").getService("billing-drain");
        assertThat(ports(billing)).containsExactlyInAnyOrder(9001, 9002);

        etcd.put("/services/billing-drain/b", "{\"Addr\":\"127.0.0.1:9002\",\"Metadata\":{\"status\":\"DRAINING\"}}");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> ports(billing).equals(List.of(9001)));
        etcd.put("/services/billing-drain/c", "{\"Addr\":\"127.0.0.1:9003\"}"); // and a newcomer is offered as soon
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> Set.copyOf(ports(billing)).equals(Set.of(9001, 9003)));
    }

    @Test
    void instancesCarryZoneWeightStatusAndIdAsStorkMetadataAndTheirRecordAsLabels() {
        etcd.put("/services/billing-meta/eu-a", "{\"Addr\":\"127.0.0.1:9011\",\"Metadata\":{\"zone\":\"eu-1\",\"weight\":\"30\",\"version\":\"2.1\"}}");
        etcd.put("/services/billing-meta/down", "{\"Addr\":\"127.0.0.1:9012\",\"Metadata\":{\"status\":\"DOWN\"}}");
        Service billing = StorkServices.start(Map.of(), null, "billing-meta").getService("billing-meta");

        List<io.smallrye.stork.api.ServiceInstance> found = billing.getInstances().await().atMost(WAIT);
        assertThat(found).hasSize(1); // only UP instances
        io.smallrye.stork.api.ServiceInstance one = found.get(0);
        assertThat(one.getHost()).isEqualTo("127.0.0.1");
        assertThat(one.getPort()).isEqualTo(9011);
        assertThat(one.isSecure()).isFalse();
        Map<Object, Object> metadata = new java.util.HashMap<>(one.getMetadata().getMetadata());
        assertThat(metadata).containsEntry(EtcdMetadataKey.META_ETCD_ZONE, "eu-1")
                .containsEntry(EtcdMetadataKey.META_ETCD_WEIGHT, 30)
                .containsEntry(EtcdMetadataKey.META_ETCD_STATUS, "UP")
                .containsEntry(EtcdMetadataKey.META_ETCD_INSTANCE_ID, "eu-a");
        assertThat(one.getLabels()).containsEntry("version", "2.1").containsEntry("zone", "eu-1");
    }

    @Test
    void theServiceAttributeNamesAnotherRegistryServiceAndAnInvalidOneIsAClearError() {
        etcd.put("/services/billing-v2/a", "{\"Addr\":\"127.0.0.1:9021\"}");
        Service billing = StorkServices.start(Map.of("service", "billing-v2"), null, "billing").getService("billing");
        assertThat(ports(billing)).containsExactly(9021);

        assertThatThrownBy(() -> StorkServices.start(Map.of("service", "billing/v2"), null, "billing"))
                .hasMessageContaining("'billing/v2'").hasMessageContaining("must not contain '/'");
    }

    @Test
    void theSecureAttributeTakesOnlyTrueOrFalseAndAnythingElseIsAClearError() {
        etcd.put("/services/billing/a", "{\"Addr\":\"127.0.0.1:9022\"}");
        assertThat(StorkServices.start(Map.of("secure", "TRUE"), null, "billing").getService("billing")
                .getServiceDiscovery().getServiceInstances().await().atMost(Duration.ofSeconds(10)))
                .allSatisfy(i -> assertThat(i.isSecure()).isTrue());
        StorkServices.stop();
        assertThatThrownBy(() -> StorkServices.start(Map.of("secure", "yes"), null, "billing"))
                .hasMessageContaining("service-discovery.secure").hasMessageContaining("'yes'").hasMessageContaining("true or false");
    }

    @Test
    void aRefusingInstanceCostsAtMostOneFailedCallInAHundred() throws Exception {
        int a = servers.start();
        int b = servers.start();
        int refusing = HttpServers.refusing();
        register("billing-eject", a, Map.of());
        register("billing-eject", b, Map.of());
        register("billing-eject", refusing, Map.of());
        Service billing = StorkServices.start(Map.of(), null, "billing-eject").getService("billing-eject");
        await().atMost(WAIT).until(() -> ports(billing).size() == 3);

        int failures = 0;
        for (int i = 0; i < 100; i++) {
            if (!call(billing)) {
                failures++;
            }
        }
        assertThat(failures).isLessThanOrEqualTo(1);
        assertThat(servers.calls(a) + servers.calls(b)).isGreaterThanOrEqualTo(99);
        assertThat(registry().ejected("billing-eject"))
                .containsOnlyKeys(ServiceInstance.defaultId("billing-eject", "127.0.0.1", refusing));
    }

    @Test
    void whenEveryInstanceIsEjectedTheOneEjectedFirstIsStillOfferedAndStaysSo() throws Exception {
        int first = HttpServers.refusing();
        int second = HttpServers.refusing();
        register("billing-all-out", first, Map.of());
        register("billing-all-out", second, Map.of());
        Service billing = StorkServices.start(Map.of(), null, "billing-all-out").getService("billing-all-out");
        await().atMost(WAIT).until(() -> ports(billing).size() == 2);

        assertThat(call(billing)).isFalse();
        assertThat(call(billing)).isFalse();
        assertThat(registry().ejected("billing-all-out")).hasSize(2);
        List<Integer> offered = ports(billing);
        assertThat(offered).hasSize(1); // never fewer than one
        int failedFirst = offered.get(0);
        assertThat(call(billing)).isFalse(); // it fails again: its ejection is extended, its place kept (no flip-flop)
        assertThat(ports(billing)).containsExactly(failedFirst);
    }

    /** One call through Stork as a client library makes it: select, call, tell the instance how it ended. */
    private boolean call(Service service) throws InterruptedException {
        io.smallrye.stork.api.ServiceInstance chosen = service.selectInstanceAndRecordStart(false).await().atMost(WAIT);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + chosen.getHost() + ":"
                    + chosen.getPort() + "/")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
            chosen.recordEnd(null);
            return response.statusCode() == 200;
        } catch (IOException e) {
            chosen.recordEnd(e);
            return false;
        }
    }

    private static List<Integer> ports(Service service) {
        return service.getInstances().await().atMost(WAIT).stream().map(io.smallrye.stork.api.ServiceInstance::getPort).toList();
    }

    private static ServiceRegistry registry() {
        return ProcessRegistry.get("a test"); // the registry the provider uses outside CDI
    }

    private void register(String service, int port, Map<String, String> metadata) {
        Registration r = registry().register(new ServiceInstance(service, ServiceInstance.defaultId(service, "127.0.0.1", port),
                "127.0.0.1", port, "http", metadata, Optional.empty()));
        closables.add(r);
        await().atMost(WAIT).until(r::isRegistered);
    }

}
