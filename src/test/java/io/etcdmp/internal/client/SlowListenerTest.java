package io.etcdmp.internal.client;

import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.config.EtcdConfigStore;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listeners run on the connection's event thread, not on its timer: a listener that takes longer than
 * a lease's TTL does not cost a registration on the same connection its lease.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowListenerTest {
    @Test
    void listenerBlockedLongerThanTheTtlDelaysNoKeepAlive() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            Map<String, String> values = Map.of("etcd.endpoints", etcd.endpoints(), "etcd.registry.ttl", "2s");
            PropertyLookup lookup = name -> Optional.ofNullable(values.get(name));
            EtcdSettings settings = EtcdSettings.from(lookup);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<String> listenerThread = new AtomicReference<>();
            try (EtcdConnection registryConnection = EtcdConnections.acquire(settings);
                 EtcdConnection storeConnection = EtcdConnections.acquire(settings);
                 ServiceRegistry registry = new EtcdServiceRegistry(registryConnection, RegistrySettings.from(lookup, Map.of()))) {
                assertThat(EtcdConnections.openCount()).as("one shared connection").isEqualTo(1);
                Registration registration = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
                long lease = registration.leaseId().orElseThrow();
                ConfigStore store = new EtcdConfigStore(storeConnection, "/config/slow/");
                try (AutoCloseable watch = store.watchConfig("mode", change -> {
                    listenerThread.set(Thread.currentThread().getName());
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })) {
                    store.saveConfig("mode", "busy");
                    await().atMost(Duration.ofSeconds(5)).until(() -> listenerThread.get() != null);
                    // the listener now blocks for 3 TTLs; keep-alives must go on meanwhile
                    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() ->
                            registration.isRegistered() && registration.leaseId().orElse(0) == lease
                                    && etcd.ctl().get(registration.key()).isPresent());
                    release.countDown();
                }
                assertThat(listenerThread.get()).startsWith("etcd-microprofile-events-");
                assertThat(registration.reRegistrations()).isZero();
                assertThat(etcd.ctl().leaseList()).containsExactly(lease);
            }
        }
    }
}
