package io.etcdmp.grpc;

import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.LocalEtcd;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real channel: the dropped watch's late first list cancels the channel's back-off refresh; nothing follows the service. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ChannelLateFirstListTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/grpc-test-nothing/").start();

    private final GrpcServers servers = new GrpcServers();
    private final List<AutoCloseable> closables = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
        servers.close();
    }

    @Test
    void aNewInstanceIsCalledAfterALateFirstList() throws Exception {
        Map<String, String> settings = Map.of("etcd.endpoints", etcd.endpoints(), "etcd.request-timeout", "500ms");
        EtcdServiceRegistry registry = EtcdServiceRegistry.withOwnConnection(
                EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name)))),
                RegistrySettings.from(name -> Optional.ofNullable(settings.get(name)), Map.of()));
        closables.add(registry);
        int a = servers.start();
        int b = servers.start();
        register(registry, "ch-late", a);
        etcd.put("/services/ch-slow/a", "{\"Addr\":\"127.0.0.1:9082\"}");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> registry.instances("ch-late").size() == 1
                && registry.instances("ch-slow").size() == 1);
        CountDownLatch busy = new CountDownLatch(1);
        closables.add(registry.follow("ch-slow", list -> { // a slow application listener: the events thread is busy
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

        NameResolverRegistry names = new NameResolverRegistry();
        names.register(new EtcdNameResolverProvider(registry));
        @SuppressWarnings("deprecation")
        ManagedChannel channel = NettyChannelBuilder.forTarget("etcd:///ch-late", InsecureChannelCredentials.create())
                .nameResolverFactory(names.asFactory()).defaultLoadBalancingPolicy("round_robin").build();
        closables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        channel.getState(true); // leaves idle: the resolver starts
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE); // UNAVAILABLE after 2 x 500 ms
        release.countDown(); // the dropped watch's queued first list arrives (before the channel's ~1 s back-off refresh)

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            GrpcServers.call(channel);
            return servers.calls(a) > 0;
        });
        register(registry, "ch-late", b);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            GrpcServers.call(channel);
            return servers.calls(b) > 0;
        });
    }

    private void register(EtcdServiceRegistry registry, String service, int server) {
        Registration r = registry.register(ServiceInstance.of(service, "127.0.0.1", servers.port(server)));
        closables.add(r);
        await().atMost(Duration.ofSeconds(5)).until(r::isRegistered);
    }
}
