package io.etcdmp.restclient;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code http://billing.etcd} (the injected client) and {@code etcd://billing} (built ones) through a real MicroProfile Rest Client (RESTEasy's, in Weld SE with SmallRye
 * Config), against two real HTTP services registered in a real etcd.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestClientByNameTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    private final List<AutoCloseable> closing = new ArrayList<>();
    private EtcdConnection connection;
    private ServiceRegistry registrar;
    private StubService a;
    private StubService b;
    private CdiApp app;

    @BeforeEach
    void start() {
        connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(
                name.equals("etcd.endpoints") ? etcd.endpoints() : null)));
        registrar = new EtcdServiceRegistry(connection, RegistrySettings.from(name -> Optional.empty(), Map.of()));
        a = new StubService("a");
        b = new StubService("b");
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "billing/mp-rest/uri", "http://billing.etcd/api"),
                BillingCaller.class, BillingClient.class);
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        registrar.close();
        connection.close();
        a.close();
        b.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private Registration register(StubService stub) {
        return registrar.register(new ServiceInstance("billing", stub.name, "127.0.0.1", stub.port(), "http", Map.of(),
                Optional.empty()));
    }

    private ServiceRegistry appRegistry() {
        return app.bean(ServiceRegistry.class);
    }

    private void awaitUpInstances(String... ids) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> appRegistry().instances("billing")
                .stream().filter(ServiceInstance::isUp).map(ServiceInstance::instanceId).sorted().toList(), List.of(ids)::equals);
    }

    @Test
    void requestsAlternateBetweenTwoInstancesWithPathAndQueryKept() {
        register(a);
        register(b);
        awaitUpInstances("a", "b");
        BillingCaller caller = app.bean(BillingCaller.class);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(caller.invoice("42"));
        }
        assertThat(answers).containsOnly("a /api/invoices/42?currency=EUR", "b /api/invoices/42?currency=EUR");
        for (int i = 1; i < answers.size(); i++) {
            assertThat(answers.get(i)).as("request %d goes to the other instance", i).isNotEqualTo(answers.get(i - 1));
        }
        assertThat(a.received()).hasSize(5);
        assertThat(b.received()).hasSize(5);
        assertThat(appRegistry().inFlight().count(appRegistry().instances("billing").get(0))).isZero();
    }

    @Test
    void aDrainingInstanceGetsNoCallsAndNeitherDoesOneThatLeft() throws Exception {
        Registration leaving = register(a);
        Registration draining = register(b);
        awaitUpInstances("a", "b");
        BillingCaller caller = app.bean(BillingCaller.class);

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> draining.drain(Duration.ofSeconds(3)));
        awaitUpInstances("a");
        int bBefore = b.received().size();
        for (int i = 0; i < 10; i++) {
            assertThat(caller.invoice("1")).startsWith("a ");
        }
        assertThat(b.received()).hasSize(bBefore);
        assertThat(drained).as("still draining: the instance is listed as DRAINING, not gone").isNotDone();
        assertThat(appRegistry().instances("billing")).extracting(ServiceInstance::status).contains("DRAINING");
        drained.get(10, TimeUnit.SECONDS);

        try (StubService c = new StubService("c")) {
            register(c);
            awaitUpInstances("a", "c");
            leaving.close();
            awaitUpInstances("c");
            int aBefore = a.received().size();
            for (int i = 0; i < 6; i++) {
                assertThat(caller.invoice("2")).startsWith("c ");
            }
            assertThat(a.received()).hasSize(aBefore);
        }
    }

    @Test
    void noInstanceFailsWithAProcessingExceptionNamingTheServiceAndThePrefix() {
        BillingCaller caller = app.bean(BillingCaller.class);
        assertThatThrownBy(() -> caller.invoice("3"))
                .isInstanceOf(ProcessingException.class)
                .hasMessageContaining("No instance of service 'billing' to call for http://billing.etcd/api/invoices/3")
                .hasMessageContaining("/services/billing/");
        assertThat(a.received()).isEmpty();
    }

    @Test
    void eachAttemptChoosesAfreshSoARetryGoesToAnotherInstance() {
        register(a);
        register(b);
        awaitUpInstances("a", "b");
        a.failWith(503);
        BillingClient client = RestClientBuilder.newBuilder().baseUri(URI.create("etcd://billing/api")).build(BillingClient.class);
        int failures = 0;
        List<String> answers = new ArrayList<>();
        for (int call = 0; call < 5; call++) {
            for (int attempt = 1; attempt <= 2; attempt++) { // what MicroProfile Fault Tolerance's @Retry does: call again
                try {
                    answers.add(client.invoice("4", null));
                    break;
                } catch (WebApplicationException e) {
                    assertThat(e.getResponse().getStatus()).isEqualTo(503);
                    failures++;
                }
            }
        }
        assertThat(answers).containsOnly("b /api/invoices/4").hasSize(5);
        assertThat(failures).as("a answered 503 at most every other attempt").isBetween(4, 5);
    }

    @Test
    void withRoundRobinNothingIsCountedInFlightSinceNothingReadsIt() {
        register(a);
        awaitUpInstances("a");
        assertThat(appRegistry().inFlight().isRead()).isFalse();
        BillingClient client = RestClientBuilder.newBuilder().baseUri(URI.create("etcd://billing/api")).build(BillingClient.class);
        assertThat(client.invoice("12", null)).isEqualTo("a /api/invoices/12");
        assertThat(appRegistry().inFlight().count(appRegistry().instances("billing").get(0))).isZero();
    }

    @Test
    void requestsInFlightAreCountedUntilTheResponseAndAFailedOneEndsWithTheNextRequest() throws Exception {
        app.close(); // the strategy that reads the counts
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "billing/mp-rest/uri", "http://billing.etcd/api",
                "etcd.discovery.strategy", "power-of-two"), BillingCaller.class, BillingClient.class);
        assertThat(appRegistry().inFlight().isRead()).isTrue();
        int closedPort;
        try (StubService gone = new StubService("gone")) {
            closedPort = gone.port();
        }
        registrar.register(new ServiceInstance("billing", "gone", "127.0.0.1", closedPort, "http", Map.of(), Optional.empty()));
        awaitUpInstances("gone");
        ServiceInstance dead = appRegistry().instances("billing").get(0);
        BillingClient client = RestClientBuilder.newBuilder().baseUri(URI.create("etcd://billing/api")).build(BillingClient.class);
        assertThatThrownBy(() -> client.invoice("5", null)).isInstanceOf(ProcessingException.class);
        assertThat(appRegistry().inFlight().count(dead)).as("no response came: still counted").isEqualTo(1);

        register(a);
        awaitUpInstances("a", "gone");
        for (int i = 0; i < 4; i++) {
            try {
                client.invoice("6", null);
            } catch (ProcessingException refused) {
                // the dead instance's turn
            }
        }
        assertThat(appRegistry().inFlight().count(dead)).isLessThanOrEqualTo(1);
        assertThat(appRegistry().inFlight().count(appRegistry().instances("billing").stream()
                .filter(i -> i.instanceId().equals("a")).findFirst().orElseThrow())).isZero();
    }

    @Test
    void onlyEtcdUrisAndHostsEndingInDotEtcdWithoutAPortNameAService() {
        assertThat(ServiceRegistry.serviceOf(URI.create("etcd://billing/api"))).contains("billing");
        assertThat(ServiceRegistry.serviceOf(URI.create("http://billing.etcd/api"))).contains("billing");
        assertThat(ServiceRegistry.serviceOf(URI.create("HTTPS://Billing.ETCD"))).contains("Billing");
        assertThat(ServiceRegistry.serviceOf(URI.create("http://billing_v2.etcd/x"))).contains("billing_v2");
        assertThat(ServiceRegistry.serviceOf(URI.create("http://billing.etcd:8080/api"))).isEmpty();
        assertThat(ServiceRegistry.serviceOf(URI.create("http://billing.example/api"))).isEmpty();
        assertThat(ServiceRegistry.serviceOf(URI.create("http://.etcd/api"))).isEmpty();
        assertThat(ServiceRegistry.serviceOf(URI.create("ftp://billing.etcd/api"))).isEmpty();
    }

    @Test
    void aPlainJaxRsClientCallsByNameWithTheFilterAndTheRegistryGivesABaseUri() {
        register(a);
        awaitUpInstances("a");
        assertThat(appRegistry().uri("billing")).contains(URI.create("http://127.0.0.1:" + a.port()));
        assertThat(appRegistry().uri("nobody")).isEmpty();
        Client client = ClientBuilder.newClient().register(new ServiceNameFilter(appRegistry()));
        closing.add(client::close);
        assertThat(client.target("etcd://billing/api/x").queryParam("q", "a b").request().get(String.class))
                .isEqualTo("a /api/x?q=a+b");
    }
}
