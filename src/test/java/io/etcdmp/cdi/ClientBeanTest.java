package io.etcdmp.cdi;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The injectable jetcd Client: one per process and settings, closed at shutdown, replaced by the application's own. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientBeanTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd();

    @Dependent
    static class UsesClient {
        @Inject
        Client client;
    }

    @Test
    void injectedClientTalksToEtcdAndSharesTheConfigSourceConnectionAndIsClosedAtShutdown() throws Exception {
        Client raw;
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()), UsesClient.class)) {
            Client client = app.bean(UsesClient.class).client;
            client.getKVClient().put(bytes("/cdi/key"), bytes("v")).get(5, TimeUnit.SECONDS);
            assertThat(etcd.ctl().get("/cdi/key")).contains("v");
            assertThat(EtcdConnections.openCount()).as("config source and Client bean share one connection").isEqualTo(1);
            client.close();
            raw = app.bean(EtcdConnection.class).client();
            assertThat(raw.getKVClient().get(bytes("/cdi/key")).get(5, TimeUnit.SECONDS).getCount())
                    .as("close() on the injected client leaves the shared client open").isEqualTo(1);
        }
        assertThat(EtcdConnections.openCount()).isZero();
        // closed, not merely slow or unreachable: jetcd refuses the call (its executor is terminated, or gRPC's channel
        // is shut down), where an open client to a stopped etcd would time out
        assertThatThrownBy(() -> raw.getKVClient().get(bytes("/cdi/key")).get(5, TimeUnit.SECONDS))
                .as("the client is closed after the container stopped").isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(rootCause(e)).satisfiesAnyOf(
                        root -> assertThat(root).isInstanceOf(RejectedExecutionException.class),
                        root -> assertThat(root).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("shutdown")));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @ApplicationScoped
    static class OwnClientProducer {
        static final AtomicInteger PRODUCED = new AtomicInteger();
        static final AtomicInteger DISPOSED = new AtomicInteger();

        @Produces
        @ApplicationScoped
        Client client() {
            PRODUCED.incrementAndGet();
            return Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build();
        }

        void close(@Disposes Client client) {
            DISPOSED.incrementAndGet();
            client.close();
        }
    }

    @Test
    void applicationProducedClientWinsAndIsUsedByTheLibraryBeans() {
        OwnClientProducer.PRODUCED.set(0);
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()), UsesClient.class, OwnClientProducer.class)) {
            UsesClient user = app.bean(UsesClient.class);
            assertThat(user.client.toString()).doesNotContain("container-managed");
            app.bean(ConfigStore.class).saveConfig("through.own.client", "yes");
            assertThat(OwnClientProducer.PRODUCED.get()).isEqualTo(1);
            assertThat(etcd.ctl().get("/config/application/through.own.client")).contains("yes");
        }
        assertThat(OwnClientProducer.DISPOSED.get()).isEqualTo(1);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
