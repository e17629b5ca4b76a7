package io.etcdmp.restclient;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Review of issue 26: the interceptor reports the last by-name choice made on its thread, whichever request made it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EjectionWrongReportTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    private EtcdConnection connection;
    private ServiceRegistry registrar;
    private StubService a;
    private StubService auth1;
    private StubService auth2;
    private CdiApp app;
    private int refused;

    @ApplicationScoped
    public static class Caller {
        @Inject
        @RestClient
        TokenedBillingClient tokened;

        @Inject
        @RestClient
        BillingClient plain;

        String tokened(String id) {
            return tokened.invoice(id);
        }

        /** Makes ONE call by name (as the annotation's Javadoc allows), then a direct call that cannot connect. */
        @ServiceNameFilter.EjectOnConnectFailure
        String invoiceThenNotify(String id, int notifyPort) throws IOException, InterruptedException {
            String invoice = plain.invoice(id, null);
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + notifyPort + "/notify"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return invoice;
        }
    }

    @BeforeEach
    void start() {
        connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(
                name.equals("etcd.endpoints") ? etcd.endpoints() : null)));
        registrar = new EtcdServiceRegistry(connection, RegistrySettings.from(name -> Optional.empty(), Map.of()));
        a = new StubService("a");
        auth1 = new StubService("auth1");
        auth2 = new StubService("auth2");
        refused = refusedPort();
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "tokened/mp-rest/uri", "http://billing.etcd/api",
                "billing/mp-rest/uri", "http://billing.etcd/api"), Caller.class, TokenedBillingClient.class, BillingClient.class);
        register("billing", "a", a.port());
        register("auth", "auth1", auth1.port());
        register("auth", "auth2", auth2.port());
    }

    @AfterEach
    void stop() {
        app.close();
        registrar.close();
        connection.close();
        a.close();
        auth1.close();
        auth2.close();
    }

    @Test
    void aRefusedConnectionEjectsTheInstanceOfThisClientNotTheOneItsTokenFilterChoseFromAnotherService() {
        register("billing", "refusing", refused);
        awaitUp("billing", 2);
        awaitUp("auth", 2);
        Caller caller = app.bean(Caller.class);
        int failures = 0;
        for (int i = 0; i < 20; i++) {
            try {
                assertThat(caller.tokened("7")).endsWith(" /api/invoices/7");
            } catch (ProcessingException e) {
                failures++;
            }
        }
        assertThat(registry().ejected("auth")).as("auth instances ejected though every token call succeeded").isEmpty();
        assertThat(registry().ejected("billing")).as("billing instances ejected").containsOnlyKeys("refusing");
        assertThat(failures).as("calls of 20 that failed").isLessThanOrEqualTo(1);
    }

    @Test
    void aBeanMethodWithOneCallByNameDoesNotEjectTheInstanceThatAnsweredWhenALaterDirectConnectionFails() {
        awaitUp("billing", 1);
        Caller caller = app.bean(Caller.class);
        assertThatThrownBy(() -> caller.invoiceThenNotify("8", refused)).isInstanceOf(ConnectException.class);
        assertThat(a.received()).containsExactly("/api/invoices/8");
        assertThat(registry().ejected("billing")).as("instances ejected though the call by name succeeded").isEmpty();
    }

    private void awaitUp(String service, int n) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> registry().instances(service)
                .stream().filter(ServiceInstance::isUp).count() == n);
    }

    private ServiceRegistry registry() {
        return app.bean(ServiceRegistry.class);
    }

    private void register(String service, String id, int port) {
        registrar.register(new ServiceInstance(service, id, "127.0.0.1", port, "http", Map.of(), Optional.empty()));
    }

    private static int refusedPort() {
        try (StubService gone = new StubService("gone")) {
            return gone.port();
        }
    }
}
