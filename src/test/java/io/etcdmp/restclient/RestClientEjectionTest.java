package io.etcdmp.restclient;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.inject.RestClient;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ServiceNameFilter.EjectOnConnectFailure} on an injected MicroProfile Rest Client (RESTEasy's, in Weld SE):
 * two live HTTP services and one registered {@code UP} on a loopback port nobody listens on, called by name
 * without any retry.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestClientEjectionTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    private EtcdConnection connection;
    private ServiceRegistry registrar;
    private StubService a;
    private StubService b;
    private CdiApp app;

    @ApplicationScoped
    public static class Caller {
        @Inject
        @RestClient
        EjectingBillingClient billing;

        @Inject
        @RestClient
        BillingClient plain;

        String ejecting(String id) {
            return billing.invoice(id);
        }

        String plain(String id) {
            return plain.invoice(id, null);
        }
    }

    @BeforeEach
    void start() {
        connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(
                name.equals("etcd.endpoints") ? etcd.endpoints() : null)));
        registrar = new EtcdServiceRegistry(connection, RegistrySettings.from(name -> Optional.empty(), Map.of()));
        a = new StubService("a");
        b = new StubService("b");
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "ejecting/mp-rest/uri", "http://billing.etcd/api",
                        "billing/mp-rest/uri", "http://billing.etcd/api"),
                Caller.class, EjectingBillingClient.class, BillingClient.class); // the extension adds the interceptor
        register("a", a.port());
        register("b", b.port());
        register("refusing", refusedPort());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> registry().instances("billing")
                .stream().filter(ServiceInstance::isUp).count() == 3);
    }

    @AfterEach
    void stop() {
        app.close();
        registrar.close();
        connection.close();
        a.close();
        b.close();
    }

    @Test
    void ofOneHundredCallsWithoutRetryAtMostOneReachesTheInstanceThatRefusesConnections() {
        List<String> failures = new ArrayList<>();
        Caller caller = app.bean(Caller.class);
        for (int i = 0; i < 100; i++) {
            try {
                assertThat(caller.ejecting("7")).endsWith(" /api/invoices/7");
            } catch (ProcessingException e) {
                failures.add(e.toString());
            }
        }
        assertThat(failures).as("calls that failed").hasSizeLessThanOrEqualTo(1);
        assertThat(registry().ejected("billing")).containsOnlyKeys("refusing");
        assertThat(a.received().size() + b.received().size()).isGreaterThanOrEqualTo(99);
        assertThat(EjectingInterceptor.openAttempts()).as("attempts left open after the calls returned").isZero();
    }

    @Test
    void underTheBuildCompatibleExtensionTheInterceptorIsAddedToo() {
        app.close();
        app = CdiApp.startWithoutPortableExtension(CdiApp.settings(etcd.endpoints(), "ejecting/mp-rest/uri",
                "http://billing.etcd/api", "billing/mp-rest/uri", "http://billing.etcd/api"), Caller.class,
                EjectingBillingClient.class, BillingClient.class);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> registry().instances("billing")
                .stream().filter(ServiceInstance::isUp).count() == 3);
        int failures = 0;
        for (int i = 0; i < 30; i++) {
            try {
                app.bean(Caller.class).ejecting("10");
            } catch (ProcessingException e) {
                failures++;
            }
        }
        assertThat(failures).as("calls that failed").isLessThanOrEqualTo(1);
        assertThat(registry().ejected("billing")).containsOnlyKeys("refusing");
    }

    @Test
    void theSameClientWithoutTheAnnotationKeepsSendingTheRefusingInstanceItsShare() {
        int failures = 0;
        Caller caller = app.bean(Caller.class);
        for (int i = 0; i < 30; i++) {
            try {
                caller.plain("8");
            } catch (ProcessingException e) {
                failures++;
            }
        }
        assertThat(failures).as("one call in three fails: nothing told the registry").isBetween(9, 11);
        assertThat(registry().ejected("billing")).isEmpty();
    }

    @Test
    void aBuiltClientOfAnAnnotatedInterfaceIsNotInterceptedAndItsFirstCallSaysSo() {
        EjectingBillingClient built = RestClientBuilder.newBuilder().baseUri(URI.create("http://billing.etcd/api"))
                .build(EjectingBillingClient.class);
        int failures = 0;
        try (LogCapture log = LogCapture.everything()) {
            for (int i = 0; i < 6; i++) {
                try {
                    built.invoice("11");
                } catch (ProcessingException e) {
                    failures++;
                }
            }
            assertThat(log.warningsContaining("EjectOnConnectFailure")).singleElement().asString()
                    .contains(EjectingBillingClient.class.getName()).contains("RestClientBuilder");
        }
        assertThat(failures).as("no interceptor: the refusing instance keeps its turn").isEqualTo(2);
        assertThat(registry().ejected("billing")).isEmpty();
    }

    @Test
    void aServiceThatAnswersWithAnErrorIsNotEjected() {
        a.failWith(503);
        b.failWith(503);
        Caller caller = app.bean(Caller.class);
        int answeredWithError = 0;
        for (int i = 0; i < 30; i++) {
            try {
                caller.ejecting("9");
            } catch (WebApplicationException e) {
                answeredWithError++;
            } catch (ProcessingException refused) {
                // the refusing instance, until ejected
            }
        }
        assertThat(answeredWithError).as("every call but the one to the refusing instance got a 503").isGreaterThanOrEqualTo(29);
        assertThat(registry().ejected("billing")).containsOnlyKeys("refusing");
    }

    private ServiceRegistry registry() {
        return app.bean(ServiceRegistry.class);
    }

    private void register(String id, int port) {
        registrar.register(new ServiceInstance("billing", id, "127.0.0.1", port, "http", Map.of(), Optional.empty()));
    }

    private static int refusedPort() {
        try (StubService gone = new StubService("gone")) {
            return gone.port();
        }
    }
}
