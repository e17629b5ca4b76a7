package io.etcdmp.registry;

import com.sun.net.httpserver.HttpServer;
import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Passive ejection: a caller that reports a refused connection stops choosing that instance for the eject time. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PassiveEjectionTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<AutoCloseable> closables = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() throws Exception {
        servers.forEach(s -> s.stop(0));
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
    }

    @Test
    void twoLiveAndOneRefusingInstanceGiveAtMostOneFailureInAHundredCalls() throws Exception {
        ServiceRegistry registry = registryWith("10s");
        registerThree(registry, "billing-eject");
        int failures = callHundredTimes(registry, "billing-eject");
        assertThat(failures).isLessThanOrEqualTo(1);
        assertThat(registry.ejected("billing-eject")).containsOnlyKeys("refusing")
                .allSatisfy((id, until) -> assertThat(until).isAfter(Instant.now()));
        assertThat(Metrics.total(Metric.DISCOVERY_EJECTIONS, Map.of("service.name", "billing-eject"))).isEqualTo(1);
    }

    @Test
    void withEjectTimeZeroTheRefusingInstanceKeepsItsShare() throws Exception {
        ServiceRegistry registry = registryWith("0s");
        registerThree(registry, "billing-no-eject");
        int failures = callHundredTimes(registry, "billing-no-eject");
        assertThat(failures).isGreaterThanOrEqualTo(30); // round-robin over three: one in three
        assertThat(registry.ejected("billing-no-eject")).isEmpty();
    }

    @Test
    void whenEveryInstanceIsEjectedTheLeastRecentlyFailedIsStillChosen() throws Exception {
        ServiceRegistry registry = registryWith("10s");
        registry.register(ServiceInstance.of("all-down", "127.0.0.1", 1).withMetadata(Map.of())); // ids differ by port
        registry.register(ServiceInstance.of("all-down", "127.0.0.1", 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.instances("all-down").size() == 2);
        List<ServiceInstance> both = registry.instances("all-down");
        assertThat(registry.reportFailure(both.get(1), new java.net.ConnectException("Connection refused"))).isTrue();
        assertThat(registry.reportFailure(both.get(0), new IOException(new java.net.ConnectException("refused")))).isTrue();
        assertThat(registry.ejected("all-down")).hasSize(2);
        for (int i = 0; i < 4; i++) {
            assertThat(registry.choose("all-down")).contains(both.get(1));
        }
        assertThat(registry.reportFailure(both.get(0), new IOException("reset by peer"))).isFalse();
    }

    private ServiceRegistry registryWith(String ejectTime) {
        RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.discovery.eject-time", ejectTime);
        closables.add(fixture);
        return fixture.registry;
    }

    private void registerThree(ServiceRegistry registry, String service) throws IOException {
        for (int i = 0; i < 2; i++) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            servers.add(server);
            registry.register(new ServiceInstance(service, "live-" + i, "127.0.0.1", server.getAddress().getPort(), "http", Map.of(), Optional.empty()));
        }
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort(); // closed again below: connections to it are refused
        }
        registry.register(new ServiceInstance(service, "refusing", "127.0.0.1", closed, "http", Map.of(), Optional.empty()));
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.instances(service).size() == 3);
    }

    private int callHundredTimes(ServiceRegistry registry, String service) throws InterruptedException {
        int failures = 0;
        for (int i = 0; i < 100; i++) {
            Optional<ServiceInstance> chosen = registry.choose(service);
            assertThat(chosen).isPresent();
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(chosen.get().resolve(URI.create("etcd://" + service + "/")))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(response.statusCode()).isEqualTo(200);
            } catch (IOException e) {
                failures++;
                registry.reportFailure(chosen.get(), e);
            }
        }
        return failures;
    }
}
