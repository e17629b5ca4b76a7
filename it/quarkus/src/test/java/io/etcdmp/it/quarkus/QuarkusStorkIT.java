package io.etcdmp.it.quarkus;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.it.support.CalledService;
import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.LoopbackPorts;
import io.etcdmp.it.support.ServerProcess;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SmallRye Stork in Quarkus over the library's registry: the built application (quarkus-run.jar, the same one
 * {@link QuarkusIT} runs) calls {@code stork://billing} through its REST Client with
 * {@code quarkus.stork.billing.service-discovery.type=etcd}; the two instances of {@code billing} are real HTTP
 * servers in this JVM registered through a registry of the library here. Stork's registrar of type {@code etcd}
 * registers through the application's own registry: under the lease of the application's own record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class QuarkusStorkIT {
    private static final Path TARGET = Path.of("target");
    private static final String APP = "it-quarkus-stork";
    private static final Duration NO_CALLS_LIMIT = Duration.ofSeconds(1);
    private static final Pattern LEASE = Pattern.compile("\"lease\":(\\d+)");

    private EtcdCluster etcd;
    private ServerProcess server;
    private int port;
    private final List<CalledService> called = new ArrayList<>();
    private final List<Registration> registrations = new ArrayList<>();
    private String previousEndpoints;

    @BeforeAll
    void startEtcdAndQuarkus() {
        etcd = EtcdCluster.start();
        previousEndpoints = System.setProperty("etcd.endpoints", etcd.endpoints()); // the registry of this JVM
        port = LoopbackPorts.free();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dquarkus.http.port=" + port, "-Dit.etcd.endpoints=" + etcd.endpoints(), "-Dmp.app.name=" + APP,
                "-Detcd.registry.host=127.0.0.1", "-Detcd.request-timeout=20s",
                "-jar", TARGET.resolve("quarkus-app/quarkus-run.jar").toAbsolutePath().toString()));
        server = ServerProcess.start("Quarkus (Stork)", command, Map.of(), TARGET, TARGET.resolve("quarkus-stork/server.log"));
        Awaitility.await("Quarkus is ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.get(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).status() == 200);
    }

    @AfterAll
    void stop() {
        try {
            registrations.forEach(Registration::close);
            if (server != null) {
                server.terminate(Duration.ofSeconds(30));
            }
            called.forEach(CalledService::close);
        } finally {
            if (previousEndpoints == null) {
                System.clearProperty("etcd.endpoints");
            } else {
                System.setProperty("etcd.endpoints", previousEndpoints);
            }
            etcd.close();
        }
    }

    @Test
    @Order(1)
    void restClientOnStorkBillingAlternatesBetweenTwoInstancesOfOurRegistry() {
        register("a");
        register("b");
        List<String> answers = new ArrayList<>();
        Awaitility.await("both instances of billing answer through stork://billing").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    Http.Response r = Http.get(url("stork/billing"));
                    answers.add(r.body());
                    return answers.contains("a /hello") && answers.contains("b /hello");
                });
        List<String> next = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            next.add(callBilling());
        }
        for (int i = 1; i < next.size(); i++) {
            assertTrue(List.of("a /hello", "b /hello").contains(next.get(i)) && !next.get(i).equals(next.get(i - 1)),
                    "Stork's round robin alternates between the two instances: " + next);
        }
    }

    @Test
    @Order(2)
    void aDrainingInstanceGetsNoCallWithinOneSecond() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> registrations.get(1).drain(Duration.ofSeconds(3)));
        while (System.nanoTime() - start < NO_CALLS_LIMIT.toNanos()) {
            callBilling();
        }
        CalledService b = called.get(1);
        int before = b.received();
        for (int i = 0; i < 6; i++) {
            assertEquals("a /hello", callBilling(), "only a answers once b drains");
        }
        assertEquals(before, b.received(), "b received no further call");
        assertTrue(b.lastReceivedNanos() - start < NO_CALLS_LIMIT.toNanos(), "b got a call more than " + NO_CALLS_LIMIT
                + " after it began draining");
        drained.get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(3)
    void storksRegistrarRegistersThroughTheApplicationsRegistryUnderItsLease() throws Exception {
        String key = "/services/stork-registered/" + ServiceInstance.defaultId("stork-registered", "127.0.0.1", port);
        assertEquals(200, send("POST").statusCode());
        String value = etcd.ctl().get(key).orElseThrow(() -> new AssertionError("no record " + key));
        assertTrue(value.contains("\"Addr\":\"127.0.0.1:" + port + "\""), value);
        long own = leaseOf("/services/" + APP + "/");
        assertTrue(own != 0, "the application's own record is under a lease");
        assertEquals(own, leaseOf(key), "the instance Stork registered shares the application's lease");

        assertEquals(200, send("DELETE").statusCode());
        assertEquals(Optional.empty(), etcd.ctl().get(key), "deregistered");
        assertEquals(own, leaseOf("/services/" + APP + "/"), "the application's own record stays");
    }

    /**
     * Quarkus's REST Client tells the chosen Stork instance how its call ended; a refused connection reaches
     * {@code ServiceRegistry.reportFailure} of the application's registry, which ejects that instance for
     * {@code etcd.discovery.eject-time} (10 s): of 20 calls without retry, at most one fails.
     */
    @Test
    @Order(4)
    void anInstanceRefusingConnectionsCostsAtMostOneFailedCall() throws Exception {
        int refusing;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refusing = socket.getLocalPort(); // released: connecting to it is refused
        }
        registrations.add(ProcessRegistry.get("a test").register(new ServiceInstance("billing", "refusing", "127.0.0.1", refusing,
                "http", Map.of(), Optional.empty())));
        Awaitility.await("the refusing instance is offered").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> Http.get(url("stork/billing")).status() == 503);
        int failures = 0;
        for (int i = 0; i < 20; i++) {
            Http.Response r = Http.get(url("stork/billing"));
            if (r.status() != 200) {
                failures++;
            } else {
                assertEquals("a /hello", r.body());
            }
        }
        assertTrue(failures <= 1, failures + " of 20 calls failed: the refusing instance was not ejected");
    }

    private void register(String name) {
        CalledService service = new CalledService(name);
        called.add(service);
        ServiceRegistry registry = ProcessRegistry.get("a test"); // a registry of the library in this JVM, on etcd.endpoints
        registrations.add(registry.register(new ServiceInstance("billing", name, "127.0.0.1", service.port(), "http",
                Map.of(), Optional.empty())));
    }

    private String callBilling() {
        Http.Response r = Http.get(url("stork/billing"));
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    private HttpResponse<String> send(String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("stork/registration") + "?port=" + port))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private long leaseOf(String keyOrPrefix) {
        Matcher m = LEASE.matcher(etcd.ctl().run("get", keyOrPrefix, "--prefix", "-w", "json"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + "/api/" + path);
    }
}
