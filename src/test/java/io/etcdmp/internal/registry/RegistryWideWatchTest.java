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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A registry that follows many services switches from one watch per service to one watch on the whole
 * registry prefix, without losing an instance, a change or a listener.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RegistryWideWatchTest {
    static final int SERVICES = EtcdServiceRegistry.WATCH_ALL_AFTER + 4;

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void followingManyServicesUsesOneWatchOnTheRegistryAndKeepsEveryInstanceChangeAndListener() throws Exception {
        for (int s = 0; s < SERVICES; s++) {
            etcd.ctl().put("/services/svc-" + s + "/a", "10.0.0." + s + ":80");
            etcd.ctl().put("/services/svc-" + s + "/b", "10.0.1." + s + ":80");
        }
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            EtcdServiceRegistry registry = fixture.registry;
            List<List<ServiceInstance>> seenBySvc0 = new CopyOnWriteArrayList<>();
            registry.instances("svc-0");
            AutoCloseable watch = registry.watch("svc-0", seenBySvc0::add);
            for (int s = 1; s < EtcdServiceRegistry.WATCH_ALL_AFTER; s++) {
                assertThat(registry.instances("svc-" + s)).hasSize(2);
            }
            assertThat(registry.watchesWholeRegistry()).as("after " + EtcdServiceRegistry.WATCH_ALL_AFTER + " services").isFalse();
            etcd.ctl().del("/services/svc-1/a"); // while switching, nothing may be lost

            assertThat(registry.instances("svc-" + EtcdServiceRegistry.WATCH_ALL_AFTER)).hasSize(2);
            assertThat(registry.watchesWholeRegistry()).isTrue();
            for (int s = 0; s < SERVICES; s++) {
                int service = s;
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registry.instances("svc-" + service))
                        .hasSize(service == 1 ? 1 : 2));
            }
            assertThat(registry.instances("not-there-yet")).isEmpty();

            etcd.ctl().put("/services/svc-0/c", "10.0.2.0:80");           // a service followed before the switch
            etcd.ctl().put("/services/not-there-yet/x", "10.0.3.0:80");   // one followed after it, empty then
            etcd.ctl().del("/services/svc-" + (SERVICES - 1) + "/b");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(registry.instances("svc-0")).extracting(ServiceInstance::instanceId).containsExactly("a", "b", "c");
                assertThat(registry.instances("not-there-yet")).extracting(ServiceInstance::address).containsExactly("10.0.3.0:80");
                assertThat(registry.instances("svc-" + (SERVICES - 1))).hasSize(1);
            });
            await("the listener of svc-0, added before the switch").atMost(Duration.ofSeconds(5))
                    .until(() -> !seenBySvc0.isEmpty() && seenBySvc0.get(seenBySvc0.size() - 1).size() == 3);
            assertThat(registry.isWatchLive()).isTrue();
            watch.close();
        }
    }
}
