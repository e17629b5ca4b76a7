package io.etcdmp.grpc;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.LocalEtcd;
import io.grpc.Status;
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
 * A resolver whose registry never delivers the service's first list (the registry's connection closing) does not leave
 * the channel waiting for ever: within twice {@code etcd.request-timeout} it reports {@code UNAVAILABLE} naming the
 * service, its prefix and the endpoints, and gRPC's next {@code refresh()} follows again (through a registry that
 * serves, it then delivers the list).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolverFirstListTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/grpc-test-nothing/").start();

    private final List<AutoCloseable> closables = new ArrayList<>();
    private final ResolverProbe probe = new ResolverProbe();

    @AfterEach
    void close() throws Exception {
        probe.close();
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
    }

    private EtcdServiceRegistry registry(EtcdConnection[] connection) {
        Map<String, String> settings = Map.of("etcd.endpoints", etcd.endpoints(), "etcd.request-timeout", "1s");
        connection[0] = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name))));
        EtcdServiceRegistry registry = EtcdServiceRegistry.withOwnConnection(connection[0],
                RegistrySettings.from(name -> Optional.ofNullable(settings.get(name)), Map.of()));
        closables.add(registry);
        return registry;
    }

    @Test
    void aFirstListNeverDeliveredIsReportedUnavailableNamingServicePrefixAndEndpointsAndRefreshFollowsAgain() {
        etcd.put("/services/grpc-first/a", "{\"Addr\":\"127.0.0.1:9071\"}");
        EtcdConnection[] connection = new EtcdConnection[1];
        EtcdServiceRegistry closing = registry(connection);
        assertThat(closing.instances("grpc-first")).hasSize(1); // the service is followed: its cache exists
        connection[0].close(); // the registry's connection closes (as while the registry closes), the registry not yet
        AtomicReference<ServiceRegistry> current = new AtomicReference<>(closing);
        EtcdNameResolver resolver = new EtcdNameResolver("grpc-first", current::get, probe.channelArgs());
        resolver.start(probe);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !probe.failures.isEmpty());
            assertThat(probe.failures.get(0).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(probe.failures.get(0).getDescription()).contains("grpc-first").contains("/services/")
                    .contains(etcd.clientUrls().get(0));

            current.set(registry(new EtcdConnection[1])); // as a new CDI container's bean
            probe.sync.execute(resolver::refresh); // as the channel does, with back-off, after a resolution error
            await().atMost(Duration.ofSeconds(10)).until(() -> !probe.results.isEmpty());
            assertThat(probe.results.get(0)).containsExactly("a");
            assertThat(probe.errors).isEmpty();
        } finally {
            probe.sync.execute(resolver::shutdown);
        }
    }
}
