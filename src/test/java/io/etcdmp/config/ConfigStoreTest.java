package io.etcdmp.config;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The config store API and the change notifications (listener and CDI event), against a real etcd. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigStoreTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");
    CdiApp app;

    @BeforeEach
    void startApp() {
        ChangeObserver.EVENTS.clear();
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders"), ChangeObserver.class);
    }

    @AfterEach
    void stopApp() {
        app.close();
    }

    @ApplicationScoped
    static class ChangeObserver {
        static final List<ConfigChangeEvent> EVENTS = new CopyOnWriteArrayList<>();

        void onChange(@Observes ConfigChangeEvent event) {
            EVENTS.add(event);
        }
    }

    @Test
    void saveGetDeleteRoundTripUnderTheApplicationPrefix() {
        ConfigStore store = app.bean(ConfigStore.class);
        assertThat(store.prefix()).isEqualTo("/config/orders/");
        long revision = store.saveConfig("db.url", "jdbc:postgresql://127.0.0.1/orders");
        assertThat(revision).isPositive();
        assertThat(etcd.ctl().get("/config/orders/db.url")).contains("jdbc:postgresql://127.0.0.1/orders");
        assertThat(store.getConfig("db.url")).contains("jdbc:postgresql://127.0.0.1/orders");
        assertThat(store.getAllConfig()).isEqualTo(Map.of("db.url", "jdbc:postgresql://127.0.0.1/orders"));
        assertThat(store.deleteConfig("db.url")).isTrue();
        assertThat(store.deleteConfig("db.url")).isFalse();
        assertThat(store.getConfig("db.url")).isEmpty();
        assertThat(store.at("/config/application/").saveConfig("x", "shared")).isGreaterThan(revision);
        assertThat(etcd.ctl().get("/config/application/x")).contains("shared");
    }

    @Test
    void savedValueReachesTheConfigSourceAndFiresCdiEventAndListenerWithOldNewAndRevision() {
        ConfigStore store = app.bean(ConfigStore.class);
        EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
        List<ConfigChangeEvent> heard = new CopyOnWriteArrayList<>();
        source.addChangeListener(heard::add);

        long first = store.saveConfig("feature.enabled", "false");
        long second = store.saveConfig("feature.enabled", "true");

        await().atMost(Duration.ofSeconds(5)).until(() -> app.config().getValue("feature.enabled", boolean.class));
        await().atMost(Duration.ofSeconds(5)).until(() -> ChangeObserver.EVENTS.size() >= 2 && heard.size() >= 2);
        ConfigChangeEvent last = ChangeObserver.EVENTS.get(ChangeObserver.EVENTS.size() - 1);
        assertThat(last.revision()).isEqualTo(second);
        assertThat(last.changes().get("feature.enabled"))
                .isEqualTo(new ConfigChange("feature.enabled", java.util.Optional.of("false"), java.util.Optional.of("true")));
        assertThat(ChangeObserver.EVENTS.get(0).revision()).isEqualTo(first);
        assertThat(heard).isEqualTo(ChangeObserver.EVENTS);
    }

    @Test
    void watchReportsEveryLaterChangeOfOneKeyUntilClosed() throws Exception {
        ConfigStore store = app.bean(ConfigStore.class);
        store.saveConfig("limit", "1");
        List<ConfigChange> changes = new CopyOnWriteArrayList<>();
        AutoCloseable watch = store.watchConfig("limit", changes::add);
        store.saveConfig("limit.other", "ignored");
        store.saveConfig("limit", "2");
        store.deleteConfig("limit");
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
        assertThat(changes.get(0).newValue()).contains("2");
        assertThat(changes.get(0).oldValue()).contains("1");
        assertThat(changes.get(1).isDeleted()).isTrue();

        watch.close();
        store.saveConfig("limit", "3");
        store.saveConfig("sentinel", "x");
        await().atMost(Duration.ofSeconds(5)).until(() -> "x".equals(app.config().getOptionalValue("sentinel", String.class).orElse(null)));
        assertThat(changes).hasSize(2);
    }

    @Test
    void oversizedValueAndEmptyNameAreRefusedNamingTheKey() {
        ConfigStore store = app.bean(ConfigStore.class);
        assertThatThrownBy(() -> store.saveConfig("huge", "x".repeat(2 * 1024 * 1024)))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("/config/orders/huge").hasMessageContaining("1.5 MiB");
        assertThatThrownBy(() -> store.saveConfig("", "x")).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("/config/orders/");
    }
}
