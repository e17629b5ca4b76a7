package io.etcdmp.grpc;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.LocalEtcd;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** grpc-java channels on {@code etcd:///<service>} calling real servers registered through the library's registry. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdNameResolverTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/grpc-test-nothing/").start();

    private final GrpcServers servers = new GrpcServers();
    private final List<AutoCloseable> closables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
        servers.close();
    }

    @Test
    void roundRobinOnEtcdNameSpreadsCallsOverTwoRegisteredServers() throws Exception {
        ServiceRegistry registry = ProcessRegistry.get("a test"); // the registry the ServiceLoader-made provider uses
        int a = servers.start();
        int b = servers.start();
        register(registry, "billing-rr", a);
        register(registry, "billing-rr", b);
        ManagedChannel channel = channel("etcd:///billing-rr");
        for (int i = 0; i < 20; i++) {
            GrpcServers.call(channel);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            GrpcServers.call(channel);
            return servers.calls(a) > 0 && servers.calls(b) > 0;
        });
        int before = servers.calls(a);
        for (int i = 0; i < 20; i++) {
            GrpcServers.call(channel);
        }
        assertThat(servers.calls(a) - before).isBetween(8, 12); // both READY: round-robin alternates
    }

    @Test
    void anInstanceTurningDrainingGetsNoNewCallWithinOneSecond() throws Exception {
        int a = servers.start();
        int b = servers.start();
        etcd.put("/services/billing-drain/a", "{\"Addr\":\"127.0.0.1:" + servers.port(a) + "\"}");
        etcd.put("/services/billing-drain/b", "{\"Addr\":\"127.0.0.1:" + servers.port(b) + "\"}");
        ManagedChannel channel = channel("etcd:///billing-drain");
        spreadOver(channel, a, b);

        etcd.put("/services/billing-drain/b", "{\"Addr\":\"127.0.0.1:" + servers.port(b) + "\",\"Metadata\":{\"status\":\"DRAINING\"}}");
        noNewCallsWithinOneSecond(channel, b);
    }

    @Test
    void anInstanceLeavingGetsNoNewCallWithinOneSecond() throws Exception {
        ServiceRegistry registry = ProcessRegistry.get("a test");
        int a = servers.start();
        int b = servers.start();
        register(registry, "billing-leave", a);
        Registration leaving = register(registry, "billing-leave", b);
        ManagedChannel channel = channel("etcd:///billing-leave");
        spreadOver(channel, a, b);

        leaving.close();
        noNewCallsWithinOneSecond(channel, b);
    }

    @Test
    void aRecordInGoNamingShapeIsCalled() throws Exception {
        int go = servers.start();
        etcd.put("/services/billing-go/go-1", "{\"Addr\":\"127.0.0.1:" + servers.port(go) + "\"}");
        etcd.put("/services/billing-go_other/x", "{\"Addr\":\"127.0.0.1:1\"}"); // another service: never an address of billing-go
        ManagedChannel channel = channel("etcd:///billing-go");
        for (int i = 0; i < 5; i++) {
            GrpcServers.call(channel);
        }
        assertThat(servers.calls(go)).isEqualTo(5);
    }

    @Test
    void noInstanceLeftFailsCallsWithAStatusNamingTheServiceAndPrefix() {
        etcd.put("/services/billing-none/d", "{\"Addr\":\"127.0.0.1:1\",\"Metadata\":{\"status\":\"DRAINING\"}}");
        ManagedChannel channel = channel("etcd:///billing-none");
        assertThatThrownBy(() -> GrpcServers.call(channel)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("billing-none").contains("/services/billing-none/")
                    .contains("1 registered");
        });
    }

    @Test
    void anExplicitNameResolverRegistryServesAndShutdownClosesTheWatch() throws Exception {
        CountingRegistry counting = new CountingRegistry(ProcessRegistry.get("a test"));
        NameResolverRegistry names = new NameResolverRegistry();
        names.register(new EtcdNameResolverProvider(counting));
        int a = servers.start();
        register(counting, "billing-explicit", a);
        // Grpc.newChannelBuilder picks its provider from the default registry at once; a transport's own builder does not
        @SuppressWarnings("deprecation")
        ManagedChannel channel = NettyChannelBuilder.forTarget("etcd:///billing-explicit", InsecureChannelCredentials.create())
                .nameResolverFactory(names.asFactory()).defaultLoadBalancingPolicy("round_robin").build();
        GrpcServers.call(channel);
        assertThat(counting.openWatches()).isEqualTo(1);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> counting.openWatches() == 0);
    }

    @Test
    void anAuthorityIsRefusedNamingIt() {
        assertThatThrownBy(() -> channel("etcd://cluster-b/billing").shutdownNow())
                .hasStackTraceContaining("the authority 'cluster-b' would name an etcd cluster");
    }

    private Registration register(ServiceRegistry registry, String service, int server) throws Exception {
        Registration r = registry.register(ServiceInstance.of(service, "127.0.0.1", servers.port(server)));
        closables.add(r);
        await().atMost(Duration.ofSeconds(5)).until(r::isRegistered);
        return r;
    }

    private ManagedChannel channel(String target) {
        ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
                .defaultLoadBalancingPolicy("round_robin").build();
        closables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return channel;
    }

    private void spreadOver(ManagedChannel channel, int a, int b) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            GrpcServers.call(channel);
            return servers.calls(a) > 0 && servers.calls(b) > 0;
        });
    }

    /** Within 1 s of the change, ten calls in a row leave {@code gone}'s count unchanged; twenty more after that too. */
    private void noNewCallsWithinOneSecond(ManagedChannel channel, int gone) {
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> {
            int before = servers.calls(gone);
            for (int i = 0; i < 10; i++) {
                GrpcServers.call(channel);
            }
            return servers.calls(gone) == before;
        });
        int settled = servers.calls(gone);
        for (int i = 0; i < 20; i++) {
            GrpcServers.call(channel);
        }
        assertThat(servers.calls(gone)).isEqualTo(settled);
    }
}
