package io.etcdmp.grpc;

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
import static org.awaitility.Awaitility.await;

/** The CDI container stops (its registry bean closes) while a channel still resolves through it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolverClosedRegistryTest {
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

    private EtcdServiceRegistry registry() {
        Map<String, String> settings = Map.of("etcd.endpoints", etcd.endpoints());
        EtcdServiceRegistry registry = EtcdServiceRegistry.withOwnConnection(
                EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name)))),
                RegistrySettings.from(name -> Optional.ofNullable(settings.get(name)), Map.of()));
        closables.add(registry);
        return registry;
    }

    @Test
    void aResolverWhoseRegistryClosedFollowsTheNextRegistryAtTheNextRefresh() throws Exception {
        etcd.put("/services/grpc-closed/a", "{\"Addr\":\"127.0.0.1:9091\"}");
        AtomicReference<ServiceRegistry> current = new AtomicReference<>(registry());
        EtcdNameResolver resolver = new EtcdNameResolver("grpc-closed", current::get, probe.channelArgs());
        probe.sync.execute(() -> resolver.start(probe));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.last().equals(List.of("a")));
            ServiceRegistry old = current.get();
            current.set(registry()); // the next container's bean (or the process's registry)
            ((AutoCloseable) old).close(); // the container stops: its bean closes
            etcd.put("/services/grpc-closed/b", "{\"Addr\":\"127.0.0.1:9092\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                probe.sync.execute(resolver::refresh); // as the channel does when a subchannel fails
                return probe.last().equals(List.of("a", "b"));
            });
            assertThat(probe.errors).isEmpty();
        } finally {
            probe.sync.execute(resolver::shutdown);
        }
    }
}
