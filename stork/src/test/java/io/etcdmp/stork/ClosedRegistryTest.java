package io.etcdmp.stork;

import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.LocalEtcd;
import io.smallrye.stork.api.ServiceInstance;
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
import static org.awaitility.Awaitility.await;

/**
 * The CDI container whose registry bean a discovery followed stops (the bean closes, its watch ends) while Stork keeps
 * the discovery: the next calls must follow the registry that serves now, not answer for ever from the closed one's
 * last list.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosedRegistryTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/stork-test-nothing/").start();

    private final List<AutoCloseable> closables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
    }

    private EtcdServiceRegistry registry() {
        Map<String, String> settings = Map.of("etcd.endpoints", etcd.endpoints());
        EtcdServiceRegistry registry = EtcdServiceRegistry.withOwnConnection(
                EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name)))),
                RegistrySettings.from(name -> Optional.ofNullable(settings.get(name)), Map.of()));
        closables.add(registry);
        return registry;
    }

    private static List<String> hosts(EtcdServiceDiscovery discovery) {
        return discovery.getServiceInstances().await().atMost(Duration.ofSeconds(5)).stream()
                .map(i -> i.getHost() + ":" + i.getPort()).sorted().toList();
    }

    @Test
    void aDiscoveryWhoseRegistryClosedFollowsTheRegistryThatServesNow() throws Exception {
        etcd.put("/services/stork-closed/a", "{\"Addr\":\"127.0.0.1:9071\"}");
        AtomicReference<ServiceRegistry> current = new AtomicReference<>(registry());
        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("stork-closed", current::get, null);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> hosts(discovery).equals(List.of("127.0.0.1:9071")));

        ServiceRegistry old = current.get();
        current.set(registry()); // the next container's bean (or the process's registry)
        ((AutoCloseable) old).close(); // the container stops: its bean closes, its watch ends
        etcd.put("/services/stork-closed/b", "{\"Addr\":\"127.0.0.1:9072\"}");

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> hosts(discovery).equals(List.of("127.0.0.1:9071", "127.0.0.1:9072")));
        etcd.delete("/services/stork-closed/a"); // and it keeps following the new registry's watch
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> hosts(discovery).equals(List.of("127.0.0.1:9072")));
    }

    /** The container (or the process) is stopping: the registry to use is still the closed one; calls keep its last list. */
    @Test
    void whileTheClosedRegistryIsStillTheOneToUseCallsKeepItsLastList() throws Exception {
        etcd.put("/services/stork-stopping/a", "{\"Addr\":\"127.0.0.1:9073\"}");
        EtcdServiceRegistry registry = registry();
        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("stork-stopping", () -> registry, null);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> hosts(discovery).equals(List.of("127.0.0.1:9073")));

        registry.close();

        assertThat(hosts(discovery)).containsExactly("127.0.0.1:9073");
        assertThat(hosts(discovery)).as("again").containsExactly("127.0.0.1:9073");
    }
}
