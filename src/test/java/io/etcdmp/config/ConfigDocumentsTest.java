package io.etcdmp.config;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Documents in one key ({@code etcd.config.documents}) against a real etcd: precedence, change events, bad documents. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigDocumentsTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    private PrefixConfigSource start(String documents) {
        Map<String, String> values = new HashMap<>(Map.of("etcd.endpoints", etcd.endpoints(), "mp.app.name", "orders",
                ConfigSourceSettings.DOCUMENTS, documents));
        PropertyLookup lookup = name -> Optional.ofNullable(values.get(name));
        PrefixConfigSource source = PrefixConfigSource.create(ConfigSourceSettings.from(lookup), EtcdSettings.from(lookup));
        source.start();
        return source;
    }

    @Test
    void plainKeysWinOverDocumentsLaterDocumentsWinAndTheLaterPrefixWins() {
        etcd.ctl().put("/config/application/application.yaml", "db:\n  url: shared-yaml\n  user: app\nlog:\n  level: INFO\n");
        etcd.ctl().put("/config/orders/application.yaml", "db:\n  url: orders-yaml\n  pool: 5\n");
        etcd.ctl().put("/config/orders/orders.properties", "db.pool=9\ncolor=blue\n");
        etcd.ctl().put("/config/orders/color", "red");
        try (PrefixConfigSource source = start("application.yaml,orders.properties")) {
            assertThat(source.getValue("db.url")).as("later prefix wins").isEqualTo("orders-yaml");
            assertThat(source.getValue("db.user")).as("earlier prefix still answers what the later lacks").isEqualTo("app");
            assertThat(source.getValue("db.pool")).as("later document in the list wins").isEqualTo("9");
            assertThat(source.getValue("color")).as("plain key wins over a document of its prefix").isEqualTo("red");
            assertThat(source.getValue("application.yaml")).as("a document key is not a property").isNull();
            assertThat(source.getProperties()).containsEntry("log.level", "INFO").containsEntry("color", "red")
                    .doesNotContainKey("orders.properties");
        }
    }

    @Test
    void aChangedDocumentEmitsOneEventWithEachAddedChangedAndRemovedProperty() {
        etcd.ctl().put("/config/orders/application.yaml", "a: 1\nb: 2\nc: 3\n");
        try (PrefixConfigSource source = start("application.yaml")) {
            List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
            source.addChangeListener(events::add);

            etcd.ctl().put("/config/orders/application.yaml", "a: 1\nb: 20\nd: 4\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            ConfigChangeEvent event = events.get(0);
            assertThat(event.names()).containsExactlyInAnyOrder("b", "c", "d");
            assertThat(event.changes().get("b").newValue()).contains("20");
            assertThat(event.changes().get("c").isDeleted()).isTrue();
            assertThat(event.changes().get("d").oldValue()).isEmpty();
            assertThat(source.getValue("b")).isEqualTo("20");
            assertThat(source.getValue("c")).isNull();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> events.size() == 1);
        }
    }

    @Test
    void aDocumentThatDoesNotParseKeepsItsLastGoodPropertiesAndWarnsWithKeyRevisionAndPosition() {
        etcd.ctl().put("/config/orders/application.yaml", "db:\n  url: good\n");
        try (PrefixConfigSource source = start("application.yaml"); LogCapture log = LogCapture.configured()) {
            List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
            source.addChangeListener(events::add);
            etcd.ctl().put("/config/orders/application.yaml", "db:\n  url: [broken\n");
            long badRevision = etcd.ctl().revision();
            etcd.ctl().put("/config/orders/marker", "after");

            await().atMost(Duration.ofSeconds(10)).until(() -> "after".equals(source.getValue("marker")));
            assertThat(source.getValue("db.url")).isEqualTo("good");
            assertThat(log.warningsContaining("/config/orders/application.yaml")).singleElement().asString()
                    .contains("revision " + badRevision).contains("line ").contains("column ");
            assertThat(events).extracting(ConfigChangeEvent::names).containsExactly(java.util.Set.of("marker"));

            etcd.ctl().put("/config/orders/application.yaml", "db:\n  url: fixed\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> "fixed".equals(source.getValue("db.url")));
        }
    }

    @Test
    void aDeletedDocumentTakesItsPropertiesAway() {
        etcd.ctl().put("/config/orders/settings.json", "{\"db\": {\"url\": \"json\"}, \"tags\": [\"a\", \"b\"]}");
        try (PrefixConfigSource source = start("settings.json")) {
            assertThat(source.getValue("db.url")).isEqualTo("json");
            assertThat(source.getValue("tags")).isEqualTo("a,b");
            etcd.ctl().del("/config/orders/settings.json");
            await().atMost(Duration.ofSeconds(10)).until(() -> source.getValue("db.url") == null);
            assertThat(source.getPropertyNames()).doesNotContain("tags");
        }
    }

    @Test
    void aDocumentNameWithoutAKnownExtensionIsRefusedNamingTheSetting() {
        PropertyLookup lookup = name -> Optional.ofNullable(Map.of(ConfigSourceSettings.DOCUMENTS, "app.toml").get(name));
        assertThatThrownBy(() -> ConfigSourceSettings.from(lookup)).isInstanceOf(EtcdMicroprofileException.class)
                .hasMessageContaining("etcd.config.documents").hasMessageContaining("app.toml");
    }
}
