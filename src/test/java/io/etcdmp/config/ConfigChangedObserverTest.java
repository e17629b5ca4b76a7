package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

/** {@code @ConfigChanged("prefix")} observers against a real etcd, beside an unqualified one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigChangedObserverTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");
    CdiApp app;

    @ApplicationScoped
    static class Observers {
        static final List<ConfigChangeEvent> DB = new CopyOnWriteArrayList<>();
        static final List<ConfigChangeEvent> ALL_BY_EMPTY_PREFIX = new CopyOnWriteArrayList<>();
        static final List<ConfigChangeEvent> UNQUALIFIED = new CopyOnWriteArrayList<>();

        void onDb(@Observes @ConfigChanged("db.") ConfigChangeEvent event) {
            DB.add(event);
        }

        void onAny(@Observes @ConfigChanged ConfigChangeEvent event) {
            ALL_BY_EMPTY_PREFIX.add(event);
        }

        void onEvery(@Observes ConfigChangeEvent event) {
            UNQUALIFIED.add(event);
        }

        static void clear() {
            DB.clear();
            ALL_BY_EMPTY_PREFIX.clear();
            UNQUALIFIED.clear();
        }
    }

    @BeforeEach
    void start() {
        Observers.clear();
        app = CdiApp.start(CdiApp.settings(etcd.endpoints()), Observers.class);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void prefixObserverGetsOnlyEventsWithAChangeUnderItsPrefixHoldingOnlyThoseChanges() {
        etcd.ctl().put("/config/application/log.level", "DEBUG");
        etcd.ctl().put("/config/application/db.url", "jdbc:one");
        await().atMost(Duration.ofSeconds(10)).until(() -> Observers.UNQUALIFIED.size() >= 2);

        assertThat(Observers.DB).hasSize(1);
        assertThat(Observers.DB.get(0).names()).containsExactly("db.url");
        assertThat(Observers.UNQUALIFIED).extracting(ConfigChangeEvent::names)
                .containsExactly(java.util.Set.of("log.level"), java.util.Set.of("db.url"));
        assertThat(Observers.ALL_BY_EMPTY_PREFIX).isEqualTo(Observers.UNQUALIFIED);
    }

    @Test
    void oneTransactionChangingDbAndOtherPropertiesReachesThePrefixObserverWithTheDbChangesOnly() throws Exception {
        Client client = app.bean(Client.class);
        client.getKVClient().txn().Then(
                Op.put(bytes("/config/application/db.url"), bytes("jdbc:two"), PutOption.DEFAULT),
                Op.put(bytes("/config/application/db.pool.size"), bytes("7"), PutOption.DEFAULT),
                Op.put(bytes("/config/application/cache.ttl"), bytes("5s"), PutOption.DEFAULT)).commit().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> Observers.UNQUALIFIED.size() == 1 && Observers.DB.size() == 1);

        ConfigChangeEvent all = Observers.UNQUALIFIED.get(0);
        ConfigChangeEvent db = Observers.DB.get(0);
        assertThat(all.names()).containsExactlyInAnyOrder("db.url", "db.pool.size", "cache.ttl");
        assertThat(db.names()).containsExactlyInAnyOrder("db.url", "db.pool.size");
        assertThat(db.revision()).isEqualTo(all.revision());
        assertThat(db.changes().get("db.pool.size").newValue()).contains("7");
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
