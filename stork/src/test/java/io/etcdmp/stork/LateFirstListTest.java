package io.etcdmp.stork;

import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A first list that arrives after the bound (the events thread was busy) must not freeze the discovery on a dead feed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LateFirstListTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/stork-test-nothing/").start();

    private final List<AutoCloseable> closables = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() throws Exception {
        release.countDown();
        for (int i = closables.size() - 1; i >= 0; i--) {
            closables.get(i).close();
        }
    }

    @Test
    void aFirstListArrivingAfterTheBoundDoesNotLeaveTheDiscoveryAnsweringFromADroppedWatch() throws Exception {
        Map<String, String> settings = Map.of("etcd.endpoints", etcd.endpoints(), "etcd.request-timeout", "500ms");
        EtcdServiceRegistry registry = EtcdServiceRegistry.withOwnConnection(
                EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name)))),
                RegistrySettings.from(name -> Optional.ofNullable(settings.get(name)), Map.of()));
        closables.add(registry);
        etcd.put("/services/late/a", "{\"Addr\":\"127.0.0.1:9061\"}");
        etcd.put("/services/slow-other/a", "{\"Addr\":\"127.0.0.1:9062\"}");
        // both services' caches exist before (a cold connection's first read may take longer than 500 ms)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> registry.instances("late").size() == 1
                && registry.instances("slow-other").size() == 1);
        CountDownLatch busy = new CountDownLatch(1);
        // an application listener on the same connection that is slow once: the events thread is busy for a while
        closables.add(registry.follow("slow-other", list -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("late", () -> registry, null);
        assertThatThrownBy(() -> discovery.getServiceInstances().await().atMost(Duration.ofSeconds(10)))
                .hasMessageContaining("late"); // given up after 2 x 500 ms; the watch was dropped
        release.countDown(); // the queued first list of the dropped watch is delivered now

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> discovery.getServiceInstances().await().atMost(Duration.ofSeconds(5)).size() == 1);
        etcd.put("/services/late/b", "{\"Addr\":\"127.0.0.1:9063\"}"); // a new instance: a followed service sees it
        EtcdServiceDiscovery fresh = new EtcdServiceDiscovery("late", () -> registry, null); // control: the registry sees it
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> fresh.getServiceInstances().await().atMost(Duration.ofSeconds(5)).size() == 2);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> discovery.getServiceInstances().await().atMost(Duration.ofSeconds(5)).size() == 2);
    }
}
