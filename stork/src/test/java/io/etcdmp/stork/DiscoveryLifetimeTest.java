package io.etcdmp.stork;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A discovery Stork no longer holds leaves nothing behind in the registry: its watch listener goes with it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiscoveryLifetimeTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/stork-test-nothing/").start();

    /**
     * The process registry follows most services through one watch on the prefix (earlier test classes made it): its
     * list shows the put once that watch delivered it, which may be after the first call. A method of its own, so
     * that no local variable of the test keeps the discovery reachable.
     */
    private static void awaitOneInstance(EtcdServiceDiscovery discovery) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> discovery.getServiceInstances().await().atMost(Duration.ofSeconds(10)).size() == 1);
    }

    @Test
    void theWatchOfADiscoveryNoLongerReferencedIsClosedAtTheNextChange() {
        CountingRegistry counting = new CountingRegistry(ProcessRegistry.get("a test"));
        etcd.put("/services/billing-gc/a", "{\"Addr\":\"127.0.0.1:9041\"}");
        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("billing-gc", () -> counting, null);
        awaitOneInstance(discovery);
        assertThat(counting.openWatches()).isEqualTo(1);

        discovery = null; // as after Stork.shutdown(): nothing holds it but the registry's listener, weakly
        AtomicInteger port = new AtomicInteger(9042);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            System.gc();
            etcd.put("/services/billing-gc/a", "{\"Addr\":\"127.0.0.1:" + port.getAndIncrement() + "\"}"); // a change delivers
            return counting.openWatches() == 0;
        });
    }
}
