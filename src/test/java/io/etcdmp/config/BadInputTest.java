package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Bad or unusual input: a clear error or a warning naming the key or setting, and nothing lost. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BadInputTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");
    static Client client;

    @BeforeAll
    static void start() {
        client = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @Test
    void hundredThousandKeysLoadCompletelyAndStayLive() throws Exception {
        int count = 100_000;
        List<Op> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(Op.put(bytes(String.format("/config/application/bulk/k%06d", i)), bytes("value-" + i), PutOption.DEFAULT));
            if (batch.size() == 128 || i == count - 1) {
                client.getKVClient().txn().Then(batch.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS);
                batch.clear();
            }
        }
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
            assertThat(source.getPropertyNames()).hasSize(count);
            assertThat(source.getValue("bulk.k000000")).isEqualTo("value-0");
            assertThat(source.getValue("bulk.k099999")).isEqualTo("value-99999");
            assertThat(source.getValue("bulk.k054321")).isEqualTo("value-54321");
            etcd.ctl().put("/config/application/bulk/k054321", "changed");
            await().atMost(Duration.ofSeconds(10)).until(() -> "changed".equals(source.getValue("bulk.k054321")));
        }
    }

    @Test
    void keysWithSpacesPercentAndUnicodeKeepTheirNames() {
        etcd.ctl().put("/config/application/with space", "a");
        etcd.ctl().put("/config/application/100%", "b");
        etcd.ctl().put("/config/application/grüße/schön", "c");
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
            assertThat(source.getValue("with space")).isEqualTo("a");
            assertThat(source.getValue("100%")).isEqualTo("b");
            assertThat(source.getValue("grüße.schön")).isEqualTo("c");
        }
    }

    @Test
    void keyWithTrailingSlashIsNotAPropertyAndIsReportedByKey() {
        etcd.ctl().put("/config/application/folder/", "x");
        etcd.ctl().put("/config/application/folder/inside", "kept");
        try (LogCapture logs = LogCapture.configured(); CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
            assertThat(source.getPropertyNames()).containsExactly("folder.inside");
            assertThat(logs.warningsContaining("/config/application/folder/")).anySatisfy(m -> assertThat(m).contains("ignored"));
        }
    }

    @Test
    void prefixListWithOnlySeparatorsIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> CdiApp.start(CdiApp.settings(etcd.endpoints(), "etcd.config.prefixes", " , ")).close())
                .hasStackTraceContaining("etcd.config.prefixes");
    }

    @Test
    void prefixWithoutTrailingSlashGetsOneAndDoesNotReadSiblingPrefixes() {
        etcd.ctl().put("/config/orders/a", "mine");
        etcd.ctl().put("/config/orders-v2/a", "sibling");
        etcd.ctl().put("/config/ordersx", "sibling key");
        try (LogCapture logs = LogCapture.configured();
             CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "etcd.config.prefixes", "/config/orders"))) {
            EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
            assertThat(source.getProperties()).containsOnlyKeys("a").containsEntry("a", "mine");
            assertThat(logs.warningsContaining("etcd.config.prefixes")).anySatisfy(m -> assertThat(m).contains("/config/orders/"));
        }
    }

    @Test
    void malformedEndpointFailsStartNamingTheSetting() {
        assertThatThrownBy(() -> CdiApp.start(CdiApp.settings("127.0.0.1:2379")).close())
                .hasStackTraceContaining("etcd.endpoints").hasStackTraceContaining("127.0.0.1:2379");
    }

    @Test
    void unreachableEndpointAmongGoodOnesIsPassedOver() throws Exception {
        etcd.ctl().put("/config/application/reached", "yes");
        String endpoints = "http://127.0.0.1:" + unusedPort() + "," + etcd.endpoints();
        try (CdiApp app = CdiApp.start(CdiApp.settings(endpoints))) {
            assertThat(app.config().getValue("reached", String.class)).isEqualTo("yes");
            etcd.ctl().put("/config/application/reached", "live");
            await().atMost(Duration.ofSeconds(10)).until(() -> app.config().getValue("reached", String.class).equals("live"));
        }
    }

    @Test
    void valueNearTheEtcdLimitIsServedAndOneOverItIsRefusedByEtcdWithNothingLost() throws Exception {
        String big = "x".repeat(1400 * 1024);
        client.getKVClient().put(bytes("/config/application/big"), bytes(big)).get(10, TimeUnit.SECONDS);
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
            assertThat(source.getValue("big")).hasSize(big.length());
            assertThatThrownBy(() -> client.getKVClient().put(bytes("/config/application/big"), bytes("y".repeat(2 * 1024 * 1024)))
                    .get(10, TimeUnit.SECONDS)).hasMessageContaining("RESOURCE_EXHAUSTED");
            etcd.ctl().put("/config/application/after", "still live");
            await().atMost(Duration.ofSeconds(10)).until(() -> "still live".equals(source.getValue("after")));
            assertThat(source.getValue("big")).hasSize(big.length());
        }
    }

    @Dependent
    static class PoolSettings {
        @Inject
        @ConfigProperty(name = "db.pool.size")
        Provider<Integer> poolSize;

        @Inject
        @ConfigProperty(name = "other")
        Provider<String> other;
    }

    @Test
    void valueThatFailsItsConverterFailsOnlyThatLookupAndTheAppKeepsWorking() {
        etcd.ctl().put("/config/application/db.pool.size", "10");
        etcd.ctl().put("/config/application/other", "fine");
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()), PoolSettings.class)) {
            PoolSettings settings = app.bean(PoolSettings.class);
            assertThat(settings.poolSize.get()).isEqualTo(10);

            etcd.ctl().put("/config/application/db.pool.size", "twenty");
            await().atMost(Duration.ofSeconds(5)).until(() -> "twenty".equals(app.config().getConfigValue("db.pool.size").getValue()));
            assertThatThrownBy(() -> settings.poolSize.get()).isInstanceOf(IllegalArgumentException.class)
                    .hasStackTraceContaining("twenty");
            assertThat(settings.other.get()).isEqualTo("fine");

            etcd.ctl().put("/config/application/db.pool.size", "20");
            await().atMost(Duration.ofSeconds(5)).until(() -> settings.poolSize.get() == 20);
        }
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
