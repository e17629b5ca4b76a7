package io.etcdmp.cdi;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ByteSequence;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.faults.ReliabilityReport;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.Threads;
import io.etcdmp.testing.EtcdCluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 50 start/stop cycles of a CDI application using every feature (config source with change events,
 * Client bean, ConfigStore with a key watch, self-registration, discovery with a watch) leave no thread,
 * no lease and no retained heap behind.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LifecycleHygieneTest {
    static final int CYCLES = 50;
    static final List<String> OUR_THREADS = List.of("etcd-microprofile-timer-", "etcd-microprofile-events-", "etcd-microprofile-io-", "jetcd-", "vert.x-");

    @ApplicationScoped
    static class Events {
        static final AtomicInteger SEEN = new AtomicInteger();

        void on(@Observes ConfigChangeEvent event) {
            SEEN.incrementAndGet();
        }
    }

    @Test
    void fiftyStartStopCyclesLeaveNoThreadNoLeaseAndNoRetainedHeap() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/application/greeting", "hello");
            long threadsBefore = ourThreads();
            long heapAtTen = 0;
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "hygiene",
                        "etcd.registry.host", "127.0.0.1", "etcd.registry.port", Integer.toString(9300 + cycle)), Events.class)) {
                    assertThat(app.config().getValue("greeting", String.class)).isEqualTo("hello");
                    Client client = app.bean(Client.class);
                    client.getKVClient().get(ByteSequence.from("/config/application/greeting", StandardCharsets.UTF_8))
                            .get(5, TimeUnit.SECONDS);
                    ConfigStore store = app.bean(ConfigStore.class);
                    try (AutoCloseable watch = store.watchConfig("cycle", change -> { })) {
                        store.saveConfig("cycle", Integer.toString(cycle));
                    }
                    ServiceRegistry registry = app.bean(ServiceRegistry.class);
                    try (AutoCloseable watch = registry.watch("hygiene", list -> { })) {
                        assertThat(registry.instances("hygiene")).hasSize(1);
                    }
                }
                if (cycle == 10) {
                    heapAtTen = retainedHeap();
                }
            }
            await("our threads end").atMost(Duration.ofSeconds(30)).until(() -> ourThreads() <= threadsBefore);
            assertThat(Threads.deadlocks()).as("deadlocked threads after %d cycles", CYCLES).isEmpty();
            assertThat(etcd.ctl().leaseList()).as("leases left in etcd").isEmpty();
            assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
            long growth = retainedHeap() - heapAtTen;
            System.out.printf("Lifecycle: %d cycles, threads %d before / %d after, heap growth cycles 10->50: %d KiB%n",
                    CYCLES, threadsBefore, ourThreads(), growth / 1024);
            ReliabilityReport.row("lifecycle", "cycles", "features used per cycle", "our threads before / after",
                    "leases left", "retained heap growth (cycle 10 to 50)");
            ReliabilityReport.row("lifecycle", Integer.toString(CYCLES), "config source + events, Client bean, ConfigStore "
                    + "save + watch, self-registration, discovery + watch", threadsBefore + " / " + ourThreads(), "0",
                    growth / 1024 + " KiB");
            assertThat(growth).as("retained heap growth from cycle 10 to 50, bytes").isLessThan(24L * 1024 * 1024);
        }
    }

    private static long ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> OUR_THREADS.stream().anyMatch(t.getName()::startsWith)).count();
    }

    private static long retainedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
