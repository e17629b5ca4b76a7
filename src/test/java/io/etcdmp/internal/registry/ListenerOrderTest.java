package io.etcdmp.internal.registry;

import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Changes are delivered on the events thread, after they were applied: a listener added while older changes are
 * still queued there must not receive them after it read the newer list itself (Stork's and gRPC's consumers took
 * such a late list as the newest and offered a departed or DRAINING instance again).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerOrderTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aListenerAddedWhileOlderChangesAreQueuedNeverReceivesAListOlderThanItsOwnRead() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            EtcdServiceRegistry registry = fixture.registry;
            List<List<ServiceInstance>> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable ignored = holdEventsThread(registry, "late", () -> {
                List<ServiceInstance> read = registry.instances("late");
                seen.add(read); // what a consumer does: watch, then read the list once
            }, seen)) {
                assertThat(seen.get(0)).as("the read while the older changes are queued").hasSize(2);
            }
            etcd.ctl().put("/services/late/c", "127.0.0.1:7003");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.get(seen.size() - 1).size() == 3);
            assertThat(seen).as("every list the consumer had, in order (instance counts)").allSatisfy(l -> assertThat(l).hasSizeGreaterThanOrEqualTo(2));
        }
    }

    @Test
    void followFirstDeliversTheCurrentListThenEveryChangeAndNeverAnOlderOne() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            EtcdServiceRegistry registry = fixture.registry;
            List<List<ServiceInstance>> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable ignored = holdEventsThread(registry, "first", () -> { }, seen)) {
                assertThat(seen).as("nothing delivered while the events thread is held").isEmpty();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
            assertThat(seen.get(0)).as("the first list is the current one").hasSize(2);
            etcd.ctl().put("/services/first/c", "127.0.0.1:7003");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.get(seen.size() - 1).size() == 3);
            assertThat(seen).allSatisfy(l -> assertThat(l).hasSizeGreaterThanOrEqualTo(2));
        }
    }

    /**
     * Holds the events thread on a change of another service, queues two changes of {@code service} behind it
     * ({@code a} joins, {@code b} joins), then adds the listener under test ({@code seen::add}: through watch for the first test,
     * follow for the second) and runs {@code afterAdding}; closing releases the events thread.
     */
    private static AutoCloseable holdEventsThread(EtcdServiceRegistry registry, String service, Runnable afterAdding,
                                                  List<List<ServiceInstance>> seen) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        String other = service + "-holder";
        assertThat(registry.instances(service)).isEmpty();
        assertThat(registry.instances(other)).isEmpty();
        AutoCloseable hold = registry.onEveryChange(event -> {
            if (event.service().equals(other) && held.getCount() == 1) {
                held.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        failures.add(new AssertionError("events thread never released"));
                    }
                } catch (InterruptedException e) {
                    failures.add(e);
                }
            }
        });
        etcd.ctl().put("/services/" + other + "/x", "127.0.0.1:7000");
        assertThat(held.await(10, TimeUnit.SECONDS)).as("the events thread is held").isTrue();
        etcd.ctl().put("/services/" + service + "/a", "127.0.0.1:7001");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.instances(service).size() == 1);
        etcd.ctl().put("/services/" + service + "/b", "127.0.0.1:7002");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.instances(service).size() == 2);
        AutoCloseable unusedListener = service.equals("late") ? registry.watch(service, seen::add) : registry.follow(service, seen::add);
        afterAdding.run();
        return () -> {
            release.countDown();
            hold.close();
            assertThat(failures).isEmpty();
        };
    }
}
