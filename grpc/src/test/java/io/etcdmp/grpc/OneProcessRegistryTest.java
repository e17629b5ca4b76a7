package io.etcdmp.grpc;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.stork.EtcdConfiguration;
import io.etcdmp.testing.LocalEtcd;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.Service;
import io.smallrye.stork.api.ServiceDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gRPC's {@code etcd:///} resolver and Stork's {@code etcd} discovery in one JVM without a CDI container, both made as
 * an application gets them ({@code ServiceLoader}; Stork's programmatic definition), read through one registry: an
 * instance reported failed once, to the process's registry, leaves both lists, which two registries (two
 * connections, two sets of ejections, as before they shared one) would not do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OneProcessRegistryTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/grpc-test-nothing/").start();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ResolverProbe probe = new ResolverProbe();

    @AfterEach
    void stop() {
        Stork.shutdown();
        probe.close();
    }

    @Test
    void grpcAndStorkOutsideCdiResolveThroughOneRegistryAndSeeOneAnothersEjections() {
        etcd.put("/services/shared-both/a", "{\"Addr\":\"127.0.0.1:9061\"}");
        etcd.put("/services/shared-both/b", "{\"Addr\":\"127.0.0.1:9062\"}");
        NameResolver resolver = grpcProvider().newNameResolver(URI.create("etcd:///shared-both"), probe.args());
        resolver.start(probe);
        try {
            Stork.initialize();
            Service stork = Stork.getInstance().defineIfAbsent("shared-both", ServiceDefinition.of(new EtcdConfiguration()))
                    .getService("shared-both");
            await().atMost(WAIT).until(() -> probe.last().equals(List.of("a", "b")));
            assertThat(ports(stork)).containsExactlyInAnyOrder(9061, 9062);

            ServiceRegistry registry = ProcessRegistry.get("a test");
            ServiceInstance a = registry.instances("shared-both").stream().filter(i -> i.instanceId().equals("a")).findFirst().orElseThrow();
            assertThat(registry.reportFailure(a, new ConnectException("refused"))).isTrue();

            assertThat(ports(stork)).containsExactly(9062); // Stork's next list: the same registry's ejections
            probe.sync.execute(resolver::refresh); // as etcd_round_robin asks after a report: the resolver lists again
            await().atMost(WAIT).until(() -> probe.last().equals(List.of("b")));
            assertThat(probe.errors).isEmpty();
            assertThat(probe.failures).isEmpty();
        } finally {
            probe.sync.execute(resolver::shutdown);
        }
    }

    /** The provider gRPC's default registry gets from {@code ServiceLoader}: the process's registry, no CDI. */
    private static NameResolverProvider grpcProvider() {
        return ServiceLoader.load(NameResolverProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof EtcdNameResolverProvider).findFirst().orElseThrow();
    }

    private static List<Integer> ports(Service service) {
        return service.getInstances().await().atMost(WAIT).stream().map(io.smallrye.stork.api.ServiceInstance::getPort).toList();
    }
}
