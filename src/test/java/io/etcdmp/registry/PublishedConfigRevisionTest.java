package io.etcdmp.registry;

import io.etcdmp.internal.cdi.AppliedSources;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22, the revision each instance runs: three instances (each its own etcd config source and registry, each
 * talking to its own member of a 3-member cluster), one config change: all three records say the new revision
 * within report-interval + 1 s; an instance cut off from etcd (its member stopped) keeps saying the old one and
 * says the new one, not stale, once it is back. Also the wiring in a real CDI container (portable and Lite).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PublishedConfigRevisionTest {
    static final Duration INTERVAL = Duration.ofMillis(500);

    @RegisterExtension
    static final SharedEtcd shared = new SharedEtcd("/services/", "/config/");

    private final List<AutoCloseable> open = new ArrayList<>();
    private EtcdCluster etcd;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private Registration instance(int i) {
        Map<String, String> map = Map.of("etcd.endpoints", etcd.endpoint(i), "etcd.config.prefixes", "/config/orders/");
        PrefixConfigSource source = PrefixConfigSource.create(ConfigSourceSettings.from(name -> Optional.ofNullable(map.get(name))),
                EtcdSettings.from(name -> Optional.ofNullable(map.get(name))));
        source.start();
        open.add(source);
        RegistryFixture fixture = new RegistryFixture(etcd.endpoint(i), "etcd.registry.report-interval", INTERVAL.toMillis() + "ms");
        open.add(fixture);
        return fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080 + i), AppliedSources.of(List.of(source)));
    }

    /** Puts a config value; the revision of the put. */
    private static long put(Etcdctl ctl, String key, String value) {
        String json = ctl.run("put", key, value, "-w", "json");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"revision\":(\\d+)").matcher(json);
        assertThat(m.find()).as("the revision in " + json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static ServiceInstance record(Etcdctl ctl, int i) {
        String key = "/services/orders/orders-127.0.0.1-" + (8080 + i);
        return io.etcdmp.internal.registry.CliAccess.parseRecord("orders", key.substring(key.lastIndexOf('/') + 1), ctl.get(key).orElseThrow());
    }

    @Test
    void threeInstancesReportAChangeWithinTheIntervalAndOneCutOffReportsItOnceBack() {
        etcd = EtcdCluster.builder().members(3).start();
        Etcdctl ctl = etcd.ctl();
        ctl.put("/config/orders/greeting", "hello");
        for (int i = 0; i < 3; i++) {
            instance(i);
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(record(ctl, n).configRevision()).isPresent());
        }

        long second = put(ctl, "/config/orders/greeting", "hi");
        long changed = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(INTERVAL.plusSeconds(1)).untilAsserted(() -> assertThat(record(ctl, n).configRevision()).hasValue(second));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("all three reported").isLessThanOrEqualTo(INTERVAL.plusSeconds(1));

        etcd.stop(2);
        Etcdctl others = Etcdctl.forEndpoints(etcd.endpoint(0) + "," + etcd.endpoint(1));
        long third = put(others, "/config/orders/greeting", "hey");
        for (int i = 0; i < 2; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(record(others, n).configRevision()).hasValue(third));
        }
        assertThat(record(others, 2).configRevision()).as("the cut-off instance's record").hasValue(second);

        etcd.start(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceInstance back = record(ctl, 2);
            assertThat(back.configRevision()).hasValue(third);
            assertThat(back.configStale()).isFalse();
        });
    }

    @Test
    void aSelfRegisteredCdiApplicationPublishesItsConfigRevision() {
        assertCdiAppPublishes(false);
    }

    @Test
    void aSelfRegisteredCdiLiteApplicationPublishesItsConfigRevision() {
        assertCdiAppPublishes(true);
    }

    private static void assertCdiAppPublishes(boolean lite) {
        shared.ctl().put("/config/orders/greeting", "hello");
        Map<String, String> settings = CdiApp.settings(shared.endpoints(), "etcd.registry.service-name", "orders",
                "etcd.registry.host", "127.0.0.1", "etcd.registry.port", "8080", "etcd.config.prefixes", "/config/orders/",
                "etcd.registry.report-interval", "500ms");
        try (CdiApp app = lite ? CdiApp.startWithoutPortableExtension(settings) : CdiApp.start(settings)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(record(shared.ctl(), 0).configRevision()).isPresent());
            long second = put(shared.ctl(), "/config/orders/greeting", "hi");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(record(shared.ctl(), 0).configRevision()).hasValue(second));
            assertThat(record(shared.ctl(), 0).configStale()).isFalse();
        }
    }
}
