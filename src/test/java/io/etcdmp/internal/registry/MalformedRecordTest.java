package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.LogCapture;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedKeyspace;
import io.etcdmp.support.ScriptedWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One malformed record never costs another (issue 20, defect 2): {@code /a://b} threw a
 * NullPointerException that aborted the whole batch. Narrow mode (one watch per service) and wide mode
 * (one watch on the registry feeding every service), over a scripted keyspace and watch, no etcd.
 */
@Tag("unit")
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MalformedRecordTest {
    private static final String BAD = "/a://b";
    private final ScriptedKeyspace keyspace = new ScriptedKeyspace();
    private final ScriptedWatch watch = new ScriptedWatch();
    private final EtcdConnection connection = EtcdConnections.borrow(ScriptedClient.offline(keyspace.kv(), watch),
            EtcdSettings.from(name -> Optional.empty()));

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void aRelativeUriWithASchemeSeparatorIsRejectedWithAReasonNotANullPointer() {
        assertThatThrownBy(() -> InstanceRecords.parse("orders", "b", BAD))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
    }

    @Test
    void aJsonRecordNestedDeeperThanTheParserAllowsIsRejectedWithAReason() {
        String deep = "{\"Addr\":\"h:1\",\"Metadata\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> InstanceRecords.parse("orders", "b", deep)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void narrowModeABadRecordBetweenTwoGoodOnesIsSkippedAndTheOthersAndLaterChangesApply() throws Exception {
        keyspace.put("/services/orders/a", "10.0.0.1:80");
        keyspace.put("/services/orders/b", BAD);
        keyspace.put("/services/orders/c", "10.0.0.3:80");
        try (LogCapture log = LogCapture.configured(); ServiceCache cache = new ServiceCache(connection, "/services/", "orders")) {
            cache.start();
            assertThat(ids(cache)).containsExactly("a", "c");
            ScriptedWatch.ScriptedWatcher watcher = watch.openOn(bytes("/services/orders/"));
            watcher.send(keyspace.put("/services/orders/d", "10.0.0.4:80"));
            assertThat(ids(cache)).containsExactly("a", "c", "d");
            assertThat(log.warningsContaining("/services/orders/b")).singleElement().asString().contains("scheme");
        }
    }

    @Test
    void wideModeABadRecordOfOneServiceCostsNoOtherRecordNorService() throws Exception {
        keyspace.put("/services/accounts/a", "10.0.0.1:80");
        keyspace.put("/services/accounts/b", BAD);
        keyspace.put("/services/accounts/c", "10.0.0.3:80");
        keyspace.put("/services/billing/x", "10.0.0.9:80");
        Map<String, ServiceCache> caches = new ConcurrentHashMap<>();
        try (RegistryWatch wide = new RegistryWatch(connection, "/services/", caches,
                service -> ServiceCache.fed(connection, "/services/", service, () -> true))) {
            wide.start();
            assertThat(ids(caches.get("accounts"))).containsExactly("a", "c");
            assertThat(caches.get("billing")).as("the service after the bad record's").isNotNull();
            assertThat(ids(caches.get("billing"))).containsExactly("x");
            ScriptedWatch.ScriptedWatcher watcher = watch.openOn(bytes("/services/"));
            watcher.send(keyspace.put("/services/accounts/b", "{\"Addr\":\"" + "[".repeat(3) + "\"}"));
            watcher.send(keyspace.put("/services/billing/y", "10.0.0.10:80"));
            assertThat(ids(caches.get("billing"))).containsExactly("x", "y");
            assertThat(ids(caches.get("accounts"))).containsExactly("a", "c");
        } finally {
            caches.values().forEach(ServiceCache::close);
        }
    }

    private static List<String> ids(ServiceCache cache) {
        return cache.instances().stream().map(ServiceInstance::instanceId).toList();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
