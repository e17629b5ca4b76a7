package io.etcdmp.stork;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The discovery's first call never waits for ever: when the registry cannot deliver the service's first list
 * (etcd unreachable, the registry's connection closing, a closed registry), the call fails within a bound set by
 * {@code etcd.request-timeout}, with an error naming the service, the registry prefix and the endpoints; a later
 * call, once a registry can read etcd again, succeeds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FirstListTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().ownCluster().clearing("/stork-test-nothing/").start();

    /** What bounds the first call: a request timeout of 1 s gives it well under 10 s. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private final List<AutoCloseable> closables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
    }

    private EtcdServiceRegistry registry(EtcdConnection[] connection) {
        Map<String, String> settings = Map.of("etcd.endpoints", etcd.endpoints(), "etcd.request-timeout", "1s",
                "etcd.connect-timeout", "1s");
        connection[0] = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name))));
        EtcdServiceRegistry registry = EtcdServiceRegistry.withOwnConnection(connection[0],
                RegistrySettings.from(name -> Optional.ofNullable(settings.get(name)), Map.of()));
        closables.add(registry);
        return registry;
    }

    @Test
    void theFirstCallWhileEtcdIsUnreachableFailsNamingServicePrefixAndEndpointsAndALaterCallSucceeds() {
        etcd.put("/services/first-down/a", "{\"Addr\":\"127.0.0.1:9051\"}");
        etcd.stopAll(); // before the registry and its connection exist: etcd unreachable at start
        EtcdServiceRegistry registry = registry(new EtcdConnection[1]);
        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("first-down", () -> registry, null);

        assertThatThrownBy(() -> discovery.getServiceInstances().await().atMost(BOUND))
                .hasMessageContaining("first-down").hasMessageContaining("/services/")
                .hasMessageContaining(etcd.clientUrls().get(0));

        etcd.startAll();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> discovery.getServiceInstances().await().atMost(BOUND).size() == 1);
    }

    @Test
    void theFirstCallWhenTheRegistrysConnectionIsClosingFailsNamingServicePrefixAndEndpointsAndALaterRegistryServes() {
        etcd.put("/services/first-closing/a", "{\"Addr\":\"127.0.0.1:9052\"}");
        EtcdConnection[] connection = new EtcdConnection[1];
        EtcdServiceRegistry closing = registry(connection);
        // the service is followed: its cache exists (a client made just after a test restarted etcd may need a retry)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> closing.instances("first-closing").size() == 1);
        connection[0].close(); // the registry's connection closes (as while the registry closes), the registry not yet
        AtomicReference<ServiceRegistry> current = new AtomicReference<>(closing);
        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("first-closing", current::get, null);

        assertThatThrownBy(() -> discovery.getServiceInstances().await().atMost(BOUND))
                .hasMessageContaining("first-closing").hasMessageContaining("/services/")
                .hasMessageContaining(etcd.clientUrls().get(0));

        current.set(registry(new EtcdConnection[1])); // as a new CDI container's bean, or the process's next registry
        assertThat(discovery.getServiceInstances().await().atMost(BOUND)).hasSize(1);
    }

    @Test
    void theFirstCallOnAClosedRegistryFailsNamingServiceAndPrefix() {
        EtcdServiceRegistry closed = registry(new EtcdConnection[1]);
        closed.close();
        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("first-closed", () -> closed, null);

        assertThatThrownBy(() -> discovery.getServiceInstances().await().atMost(BOUND))
                .hasMessageContaining("first-closed").hasMessageContaining("/services/");
    }
}
