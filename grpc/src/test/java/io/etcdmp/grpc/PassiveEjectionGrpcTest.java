package io.etcdmp.grpc;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.LocalEtcd;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Passive ejection through gRPC: the policy {@code etcd_round_robin} reports a subchannel that cannot connect (its
 * TRANSIENT_FAILURE) to the registry, which ejects the instance; the resolver leaves it out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PassiveEjectionGrpcTest {
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
    void aRefusingInstanceIsEjectedAndCostsAtMostOneFailedCallInAHundred() throws Exception {
        ServiceRegistry registry = ProcessRegistry.get("a test"); // the registry the ServiceLoader-made provider uses
        int a = servers.start();
        int b = servers.start();
        int refusing;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refusing = free.getLocalPort(); // closed again: connections to it are refused
        }
        register(registry, ServiceInstance.of("billing-eject", "127.0.0.1", servers.port(a)));
        register(registry, ServiceInstance.of("billing-eject", "127.0.0.1", servers.port(b)));
        ServiceInstance refused = ServiceInstance.of("billing-eject", "127.0.0.1", refusing);
        register(registry, refused);

        ManagedChannel channel = Grpc.newChannelBuilder("etcd:///billing-eject", InsecureChannelCredentials.create())
                .defaultLoadBalancingPolicy("etcd_round_robin").build();
        closables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        int failures = 0;
        for (int i = 0; i < 100; i++) {
            try {
                GrpcServers.call(channel);
            } catch (RuntimeException e) {
                failures++;
            }
        }
        assertThat(failures).as("failed calls of 100, no retry").isLessThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(registry.ejected("billing-eject")).containsOnlyKeys(refused.instanceId()));
        assertThat(servers.calls(a) + servers.calls(b)).isGreaterThanOrEqualTo(99);
    }

    /**
     * Every instance refusing: the policy must leave reconnecting to gRPC's backoff. Each report while an instance is
     * ejected extends its ejection (a new end time), so the distinct end times seen count the failed connects. Before
     * the fix, the kept "last one" flipped between the two at every report, and each flip opened a new subchannel
     * that connected at once: ~1,500 failed connects in 5 s.
     */
    @Test
    void everyInstanceRefusingLeavesReconnectingToGrpcsBackoff() throws Exception {
        ServiceRegistry registry = ProcessRegistry.get("a test");
        for (int k = 0; k < 2; k++) {
            try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                register(registry, ServiceInstance.of("billing-down", "127.0.0.1", free.getLocalPort()));
            }
        }
        ManagedChannel channel = Grpc.newChannelBuilder("etcd:///billing-down", InsecureChannelCredentials.create())
                .defaultLoadBalancingPolicy("etcd_round_robin").build();
        closables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        channel.getState(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.ejected("billing-down").size() == 2);
        java.util.Set<String> reports = new java.util.HashSet<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // a rate over a window: observed, not awaited
        while (System.nanoTime() - end < 0) {
            registry.ejected("billing-down").forEach((id, until) -> reports.add(id + " " + until));
            Thread.onSpinWait();
        }
        // gRPC's backoff (1 s, then x1.6 with jitter) allows a handful of connects per address in 5 s
        assertThat(reports.size()).as("failed connects reported in 5 s with every instance refusing").isLessThan(30);
    }

    private void register(ServiceRegistry registry, ServiceInstance instance) {
        Registration r = registry.register(instance);
        closables.add(r);
        await().atMost(Duration.ofSeconds(5)).until(r::isRegistered);
    }
}
