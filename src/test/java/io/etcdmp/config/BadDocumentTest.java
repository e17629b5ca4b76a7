package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A document that breaks its parser (issue 20, defect 1) against a real etcd: it is "does not parse" with
 * one warning, and the prefix it sits in goes on: at start, in a transaction with other keys, and after.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadDocumentTest {
    private static final String RECURSIVE = "a: &x [*x]\n";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    private PrefixConfigSource source(String... more) {
        Map<String, String> values = new HashMap<>(Map.of("etcd.endpoints", etcd.endpoints(), "mp.app.name", "orders",
                ConfigSourceSettings.DOCUMENTS, "application.yaml"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        PropertyLookup lookup = name -> Optional.ofNullable(values.get(name));
        return PrefixConfigSource.create(ConfigSourceSettings.from(lookup), EtcdSettings.from(lookup));
    }

    @Test
    void aRecursiveDocumentAtStartLeavesAnOptionalSourceServingAndWatchingWithoutLeakingItsConnection() {
        etcd.ctl().put("/config/orders/application.yaml", RECURSIVE);
        long badRevision = etcd.ctl().revision();
        etcd.ctl().put("/config/orders/color", "red");
        int openBefore = EtcdConnections.openCount();
        PrefixConfigSource source = source(ConfigSourceSettings.OPTIONAL, "true");
        try (LogCapture log = LogCapture.configured()) {
            Throwable thrown = catchThrowable(source::start);
            assertThat(thrown).as("start with a bad document").isNull();
            assertThat(source.getValue("color")).isEqualTo("red");
            await().atMost(Duration.ofSeconds(10)).until(source::isLive);
            assertThat(log.warningsContaining("/config/orders/application.yaml")).singleElement().asString()
                    .contains("revision " + badRevision).contains("does not parse").contains("alias");
            etcd.ctl().put("/config/orders/color", "blue");
            await("the prefix is still watched").atMost(Duration.ofSeconds(10)).until(() -> "blue".equals(source.getValue("color")));
        } finally {
            source.close();
        }
        assertThat(EtcdConnections.openCount()).as("connections open after close").isEqualTo(openBefore);
    }

    @Test
    void aTransactionPuttingABadDocumentAndAPlainKeyAppliesThePlainKeyAndKeepsTheDocumentsLastGoodContent() throws Exception {
        etcd.ctl().put("/config/orders/application.yaml", "db:\n  url: good\n");
        etcd.ctl().put("/config/orders/color", "red");
        try (PrefixConfigSource source = source(); LogCapture log = LogCapture.configured();
             Client client = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build()) {
            source.start();
            assertThat(source.getValue("db.url")).isEqualTo("good");
            client.getKVClient().txn().Then(
                    Op.put(bytes("/config/orders/application.yaml"), bytes(RECURSIVE), PutOption.DEFAULT),
                    Op.put(bytes("/config/orders/color"), bytes("blue"), PutOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(10)).until(() -> "blue".equals(source.getValue("color")));
            assertThat(source.getValue("db.url")).as("the document's last good content").isEqualTo("good");
            assertThat(log.warningsContaining("/config/orders/application.yaml")).singleElement().asString()
                    .contains("does not parse");
            etcd.ctl().put("/config/orders/application.yaml", "db:\n  url: fixed\n");
            await("later changes still apply").atMost(Duration.ofSeconds(10)).until(() -> "fixed".equals(source.getValue("db.url")));
        }
    }

    @Test
    void aDocumentWithMorePropertiesThanTheSettingAllowsKeepsItsLastGoodContentWithAWarningNamingTheSetting() {
        etcd.ctl().put("/config/orders/application.yaml", "a: 1\nb: 2\n");
        try (PrefixConfigSource source = source(ConfigSourceSettings.DOCUMENT_MAX_PROPERTIES, "2");
             LogCapture log = LogCapture.configured()) {
            source.start();
            assertThat(source.getValue("b")).isEqualTo("2");
            etcd.ctl().put("/config/orders/application.yaml", "a: 1\nb: 20\nc: 3\n");
            etcd.ctl().put("/config/orders/marker", "after");
            await().atMost(Duration.ofSeconds(10)).until(() -> "after".equals(source.getValue("marker")));
            assertThat(source.getValue("b")).isEqualTo("2");
            assertThat(source.getValue("c")).isNull();
            assertThat(log.warningsContaining("/config/orders/application.yaml")).singleElement().asString()
                    .contains("more than 2 properties").contains(ConfigSourceSettings.DOCUMENT_MAX_PROPERTIES);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
