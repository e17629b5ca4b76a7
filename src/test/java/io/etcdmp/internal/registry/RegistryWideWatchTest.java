package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A registry that follows more than one in {@link WideWatchThreshold#SHARE} of the registry's services
 * switches from one watch per service to one watch on the whole registry prefix, without losing an
 * instance, a change or a listener.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RegistryWideWatchTest {
    static final int SERVICES = 3 * WideWatchThreshold.SHARE;
    /** 300 services of 2 records: followed one by one up to 3, the 4th switches. */
    static final int ONE_BY_ONE = SERVICES / WideWatchThreshold.SHARE;

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void followingManyServicesUsesOneWatchOnTheRegistryAndKeepsEveryInstanceChangeAndListener() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            for (int s = 0; s < SERVICES; s++) {
                fixture.connection.client().getKVClient().txn().Then(
                        put("/services/svc-" + s + "/a", "10.0." + s % 250 + "." + s / 250 + ":80"),
                        put("/services/svc-" + s + "/b", "10.1." + s % 250 + "." + s / 250 + ":80")).commit().get(30, TimeUnit.SECONDS);
            }
            EtcdServiceRegistry registry = fixture.registry;
            List<List<ServiceInstance>> seenBySvc0 = new CopyOnWriteArrayList<>();
            registry.instances("svc-0");
            AutoCloseable watch = registry.watch("svc-0", seenBySvc0::add);
            for (int s = 1; s < ONE_BY_ONE; s++) {
                assertThat(registry.instances("svc-" + s)).hasSize(2);
            }
            assertThat(registry.watchesWholeRegistry()).as("after " + ONE_BY_ONE + " services of " + SERVICES).isFalse();
            etcd.ctl().del("/services/svc-1/a"); // while switching, nothing may be lost

            assertThat(registry.instances("svc-" + ONE_BY_ONE)).hasSize(2);
            assertThat(registry.watchesWholeRegistry()).as("following " + (ONE_BY_ONE + 1) + " services of " + SERVICES).isTrue();
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

    private static Op put(String key, String value) {
        return Op.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8), PutOption.DEFAULT);
    }
}
