package io.etcdmp.config;

import io.etcdmp.internal.secrets.AesGcmCipher;
import io.etcdmp.internal.secrets.EncryptedValue;
import io.etcdmp.internal.secrets.SecretKeys;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Defects an adversarial review found in the encrypted values' handling, each against a real etcd and Weld SE. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretReviewFixesTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");
    private static final String KEY = "kEy-of-the-review-4711";
    private static final String OLD_CLEAR = "old-Clear-text-5c1e";

    private LogCapture capture;
    private CdiApp app;

    @BeforeEach
    void captureLogs() {
        capture = LogCapture.everything();
    }

    @AfterEach
    void nothingShowedTheClearTextOrTheKey() {
        if (app != null) {
            app.close();
        }
        capture.close();
        assertThat(capture.all()).doesNotContain(OLD_CLEAR).doesNotContain(KEY);
    }

    private static String ours(String key, String clear) {
        return EncryptedValue.wrap(AesGcmCipher.of(key, false, "test").encrypt(clear));
    }

    private boolean held(String name) {
        return EtcdConfigSource.of(app.config()).get(0).getProperties().containsKey(name);
    }

    @Test
    void aDeletedSecretStaysDeletedWhenABadCiphertextComesUnderItsName() {
        String key = "/config/application/gone.secret";
        etcd.ctl().put(key, ours(KEY, OLD_CLEAR));
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), SecretKeys.KEY, KEY));
        assertThat(app.config().getOptionalValue("gone.secret", String.class)).contains(OLD_CLEAR);
        etcd.ctl().del(key);
        await().atMost(Duration.ofSeconds(20)).until(() -> !held("gone.secret"));
        etcd.ctl().put(key, ours("another-key", "new"));
        await().atMost(Duration.ofSeconds(20)).until(() -> held("gone.secret"));
        assertThat(app.config().getOptionalValue("gone.secret", String.class)).isEmpty();
    }

    @Test
    void aSecretReplacedByAPlainValueNeverLookedUpDoesNotComeBack() {
        String key = "/config/application/replaced.secret";
        etcd.ctl().put(key, ours(KEY, OLD_CLEAR));
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), SecretKeys.KEY, KEY));
        assertThat(app.config().getOptionalValue("replaced.secret", String.class)).contains(OLD_CLEAR);
        etcd.ctl().put(key, "plain");
        await().atMost(Duration.ofSeconds(20)).until(() -> "plain".equals(
                EtcdConfigSource.of(app.config()).get(0).getProperties().get("replaced.secret")));
        String bad = ours("another-key", "new");
        etcd.ctl().put(key, bad);
        await().atMost(Duration.ofSeconds(20)).until(() -> bad.equals(
                EtcdConfigSource.of(app.config()).get(0).getProperties().get("replaced.secret")));
        assertThat(app.config().getOptionalValue("replaced.secret", String.class)).isEmpty();
    }

    @Test
    void aChangeToABadCiphertextStillKeepsTheLastGoodValue() {
        String key = "/config/application/kept.secret";
        etcd.ctl().put(key, ours(KEY, OLD_CLEAR));
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), SecretKeys.KEY, KEY));
        assertThat(app.config().getOptionalValue("kept.secret", String.class)).contains(OLD_CLEAR);
        String bad = ours("another-key", "new");
        etcd.ctl().put(key, bad);
        await().atMost(Duration.ofSeconds(20)).until(() -> bad.equals(
                EtcdConfigSource.of(app.config()).get(0).getProperties().get("kept.secret")));
        assertThat(app.config().getOptionalValue("kept.secret", String.class)).contains(OLD_CLEAR);
    }

    /** Clear texts an expression expansion would change: each must reach the application unchanged. */
    private static final List<String> DOLLARS = List.of("pa${ss}word", "a$$b", "x\\${y}z", "end$", "${", "$${q}", "\\");

    @Dependent
    static class Dollars {
        @Inject
        @ConfigProperty(name = "dollar.0")
        String first;
    }

    @Test
    void aClearTextWithAnExpressionIsReadUnchangedAsSmallRyesOwnHandlerReadsIt() {
        for (int i = 0; i < DOLLARS.size(); i++) {
            etcd.ctl().put("/config/application/dollar." + i, ours(KEY, DOLLARS.get(i)));
        }
        List<String> more = new java.util.ArrayList<>(List.of(SecretKeys.KEY, KEY));
        for (int i = 0; i < DOLLARS.size(); i++) { // the same clear texts, given to SmallRye's own handler
            more.addAll(List.of("their.dollar." + i, ours(KEY, DOLLARS.get(i))));
        }
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), more.toArray(String[]::new)), Dollars.class);
        assertThat(app.bean(Dollars.class).first).isEqualTo(DOLLARS.get(0));
        for (int i = 0; i < DOLLARS.size(); i++) {
            assertThat(app.config().getValue("their.dollar." + i, String.class)).isEqualTo(DOLLARS.get(i));
            assertThat(app.config().getValue("dollar." + i, String.class)).isEqualTo(DOLLARS.get(i));
            assertThat(app.config().getOptionalValue("dollar." + i, String.class)).contains(DOLLARS.get(i));
        }
    }

    @Test
    void watchConfigGivesAnEncryptedValueAsEncryptedNeverItsCiphertext() throws Exception {
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), SecretKeys.KEY, KEY));
        ConfigStore store = app.bean(ConfigStore.class);
        String first = ours(KEY, OLD_CLEAR);
        String second = ours(KEY, "second");
        store.saveConfig("watched.secret", first);
        List<ConfigChange> changes = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = store.watchConfig("watched.secret", changes::add)) {
            store.saveConfig("watched.secret", second);
            store.saveConfig("watched.secret", "plain");
            await().atMost(Duration.ofSeconds(20)).until(() -> changes.size() == 2);
        }
        assertThat(changes.get(0).oldValue()).contains("(encrypted)");
        assertThat(changes.get(0).newValue()).contains("(encrypted)");
        assertThat(changes.get(1).oldValue()).contains("(encrypted)");
        assertThat(changes.get(1).newValue()).contains("plain");
    }
}
