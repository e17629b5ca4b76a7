package io.etcdmp.restclient;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.SharedEtcd;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Review: the filter's open calls are keyed by the Thread object now (before: its id). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceNameFilterThreadRetentionTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aThreadWhoseCallFailedWithoutAResponseIsNotKeptByTheFilterAfterItEnded() throws Exception {
        try (EtcdConnection connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(
                name.equals("etcd.endpoints") ? etcd.endpoints() : null)));
             ServiceRegistry registry = new EtcdServiceRegistry(connection, RegistrySettings.from(n -> Optional.empty(), Map.of()))) {
            int refused;
            try (StubService gone = new StubService("gone")) {
                refused = gone.port();
            }
            registry.register(new ServiceInstance("billing", "refusing", "127.0.0.1", refused, "http", Map.of(), Optional.empty()));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.instances("billing").size() == 1);
            Client client = ClientBuilder.newClient().register(new ServiceNameFilter(registry), ServiceNameFilter.PRIORITY);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    client.target("http://billing.etcd/x").request().get(String.class);
                } catch (Throwable t) {
                    outcome.set(t);
                }
            }, "one-request");
            worker.start();
            worker.join();
            assertThat(outcome.get()).isInstanceOf(ProcessingException.class);
            WeakReference<Thread> ended = new WeakReference<>(worker);
            worker = null;
            await("the ended thread collected").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        System.gc();
                        return ended.get() == null;
                    });
            client.close();
        }
    }
}
