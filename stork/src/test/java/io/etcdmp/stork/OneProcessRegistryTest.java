package io.etcdmp.stork;

import io.etcdmp.grpc.EtcdNameResolverProvider;
import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.LocalEtcd;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.smallrye.stork.api.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gRPC's {@code etcd:///} resolver and Stork's {@code etcd} discovery in one JVM without a CDI container, both made by
 * {@code ServiceLoader} as an application gets them, read through one registry: an instance reported failed once (to
 * the process's registry) leaves both lists, which two registries (two connections, two ejection states) would not do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OneProcessRegistryTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/stork-test-nothing/").start();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ExecutorService offload = Executors.newFixedThreadPool(2);
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final SynchronizationContext sync = new SynchronizationContext((thread, e) -> errors.add(e));

    @AfterEach
    void stop() {
        StorkServices.stop();
        offload.shutdownNow();
    }

    @Test
    void grpcAndStorkOutsideCdiResolveThroughOneRegistryAndSeeOneAnothersEjections() {
        etcd.put("/services/shared-both/a", "{\"Addr\":\"127.0.0.1:9061\"}");
        etcd.put("/services/shared-both/b", "{\"Addr\":\"127.0.0.1:9062\"}");
        AtomicReference<List<String>> grpc = new AtomicReference<>(List.of());
        NameResolver resolver = grpcProvider().newNameResolver(URI.create("etcd:///shared-both"), args());
        resolver.start(new NameResolver.Listener2() {
            @Override
            public void onResult(NameResolver.ResolutionResult result) {
                onResult2(result);
            }

            @Override
            public Status onResult2(NameResolver.ResolutionResult result) {
                grpc.set(result.getAddressesOrError().getValue().stream()
                        .map(g -> g.getAttributes().get(EtcdNameResolverProvider.INSTANCE_ID)).sorted().toList());
                return Status.OK;
            }

            @Override
            public void onError(Status error) {
                errors.add(error.asRuntimeException());
            }
        });
        try {
            Service stork = StorkServices.start(Map.of(), null, "shared-both").getService("shared-both");
            await().atMost(WAIT).untilAsserted(() -> assertThat(grpc.get()).as("errors: %s", errors).containsExactly("a", "b"));
            assertThat(ports(stork)).containsExactlyInAnyOrder(9061, 9062);

            ServiceRegistry registry = ProcessRegistry.get("a test");
            ServiceInstance a = registry.instances("shared-both").stream().filter(i -> i.instanceId().equals("a")).findFirst().orElseThrow();
            assertThat(registry.reportFailure(a, new ConnectException("refused"))).isTrue();

            assertThat(ports(stork)).containsExactly(9062); // Stork's next list, from the same registry's ejections
            sync.execute(resolver::refresh); // as etcd_round_robin asks after a report: the resolver makes its list again
            await().atMost(WAIT).until(() -> grpc.get().equals(List.of("b")));
            assertThat(errors).isEmpty();
        } finally {
            resolver.shutdown();
        }
    }

    /** The provider gRPC's default registry gets from {@code ServiceLoader}: the process's registry, no CDI. */
    private static NameResolverProvider grpcProvider() {
        return ServiceLoader.load(NameResolverProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof EtcdNameResolverProvider).findFirst().orElseThrow();
    }

    private NameResolver.Args args() {
        return NameResolver.Args.newBuilder().setDefaultPort(443).setProxyDetector(address -> null)
                .setSynchronizationContext(sync).setOffloadExecutor(offload)
                .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
                    @Override
                    public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> config) {
                        return NameResolver.ConfigOrError.fromError(Status.UNIMPLEMENTED);
                    }
                }).build();
    }

    private static List<Integer> ports(Service service) {
        return service.getInstances().await().atMost(WAIT).stream().map(io.smallrye.stork.api.ServiceInstance::getPort).toList();
    }
}
