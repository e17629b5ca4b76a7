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
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code ${aes-gcm-nopadding::...}} values in etcd, read by a real CDI application (Weld SE, SmallRye Config with
 * smallrye-config-crypto on the class path, as in Quarkus) against a real etcd. Every test runs with a log capture
 * that is scanned afterwards, with the exceptions seen, for the clear text and the key.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EncryptedValuesTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");
    private static final String KEY = "kEy-that-must-never-show-4711";
    private static final String OLD_KEY = "old-kEy-that-must-never-show-0815";
    private static final String CLEAR = "clear-Secret-text-9d3f";
    private static final String PROPERTY = "db.password";
    private static final String ETCD_KEY = "/config/application/" + PROPERTY;

    private final List<String> seenMessages = new ArrayList<>();
    private LogCapture capture;
    private CdiApp app;

    @Dependent
    static class Database {
        @Inject
        @ConfigProperty(name = PROPERTY)
        String password;
    }

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
        String all = capture.all() + String.join("\n", seenMessages);
        assertThat(all).doesNotContain(CLEAR).doesNotContain(KEY).doesNotContain(OLD_KEY);
    }

    private CdiApp start(String... more) {
        return start(new Class<?>[] {Database.class}, more);
    }

    /** Without a bean that requires the property. */
    private CdiApp startWithoutBeans(String... more) {
        return start(new Class<?>[0], more);
    }

    private CdiApp start(Class<?>[] beans, String... more) {
        List<String> settings = new ArrayList<>(List.of(SecretKeys.KEY, KEY));
        settings.addAll(List.of(more));
        app = CdiApp.start(CdiApp.settings(etcd.endpoints(), settings.toArray(String[]::new)), beans);
        seenMessages.add(app.config().toString());
        EtcdConfigSource.of(app.config()).forEach(source -> seenMessages.add(source.toString()));
        return app;
    }

    private static String ours(String key, String clear) {
        return EncryptedValue.wrap(AesGcmCipher.of(key, false, "test").encrypt(clear));
    }

    @Test
    void valuesInSmallRyesFormatAndOursReachConfigPropertyAndConfigInClearOnce() {
        etcd.ctl().put(ETCD_KEY, EncryptedValue.wrap(sealTheirWay(KEY, CLEAR)));
        etcd.ctl().put("/config/application/api.token", ours(KEY, CLEAR + "-token"));
        // smallrye-config-crypto is on the class path and has the same key: it decrypts an expression of another source
        start("from.system.property", EncryptedValue.wrap(sealTheirWay(KEY, "handled by SmallRye")));

        assertThat(app.config().getValue("from.system.property", String.class)).isEqualTo("handled by SmallRye");
        assertThat(app.bean(Database.class).password).isEqualTo(CLEAR);
        assertThat(app.config().getValue(PROPERTY, String.class)).isEqualTo(CLEAR);
        assertThat(app.config().getConfigValue(PROPERTY).getValue()).isEqualTo(CLEAR);
        assertThat(app.config().getValue("api.token", String.class)).isEqualTo(CLEAR + "-token");
        assertThat(capture.warningsContaining(PROPERTY)).isEmpty();
        EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
        assertThat(source.getProperties().get(PROPERTY)).startsWith("${aes-gcm-nopadding::");
        assertThat(source.getPropertyNames()).contains(PROPERTY);
    }

    @Test
    void aValueEncryptedWithAnotherKeyIsAbsentWithOneWarning() {
        etcd.ctl().put(ETCD_KEY, ours("some other key", CLEAR));
        startWithoutBeans("etcd.config.optional", "true");

        for (int i = 0; i < 3; i++) {
            assertThat(app.config().getOptionalValue(PROPERTY, String.class)).isEmpty();
        }
        List<String> warnings = capture.warningsContaining("'" + PROPERTY + "'");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("revision").contains("tag does not match").contains("absent");
    }

    @Test
    void aValueEncryptedWithAPreviousKeyIsRead() {
        etcd.ctl().put(ETCD_KEY, ours(OLD_KEY, CLEAR));
        start(SecretKeys.PREVIOUS, OLD_KEY);
        assertThat(app.config().getValue(PROPERTY, String.class)).isEqualTo(CLEAR);
    }

    @Test
    void tamperedAndTruncatedValuesAreAbsent() {
        String stored = AesGcmCipher.of(KEY, false, "test").encrypt(CLEAR);
        byte[] bytes = Base64.getUrlDecoder().decode(stored);
        bytes[bytes.length - 3] ^= 4;
        etcd.ctl().put(ETCD_KEY, EncryptedValue.wrap(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        etcd.ctl().put("/config/application/truncated", EncryptedValue.wrap(stored.substring(0, stored.length() - 8)));
        startWithoutBeans("etcd.config.optional", "true");

        assertThat(app.config().getOptionalValue(PROPERTY, String.class)).isEmpty();
        assertThat(app.config().getOptionalValue("truncated", String.class)).isEmpty();
        assertThat(capture.warningsContaining("'" + PROPERTY + "'")).hasSize(1);
        assertThat(capture.warningsContaining("'truncated'")).hasSize(1);
    }

    @Test
    void aChangeToABadCiphertextKeepsTheLastGoodValueAndEventsAreMasked() {
        etcd.ctl().put(ETCD_KEY, ours(KEY, CLEAR));
        start();
        List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
        EtcdConfigSource.of(app.config()).get(0).addChangeListener(events::add);
        assertThat(app.config().getValue(PROPERTY, String.class)).isEqualTo(CLEAR);

        etcd.ctl().put(ETCD_KEY, ours("wrong key", "never read"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        assertThat(app.config().getValue(PROPERTY, String.class)).isEqualTo(CLEAR);
        List<String> warnings = capture.warningsContaining("'" + PROPERTY + "'");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("keeping its last good value");
        ConfigChange change = events.get(0).changes().get(PROPERTY);
        assertThat(change.oldValue()).contains(EncryptedValue.MASK);
        assertThat(change.newValue()).contains(EncryptedValue.MASK);
        events.forEach(e -> seenMessages.add(e.toString()));
        assertThat(events.toString()).doesNotContain("aes-gcm-nopadding::");

        etcd.ctl().put(ETCD_KEY, ours(KEY, CLEAR + " v2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> app.config().getValue(PROPERTY, String.class).equals(CLEAR + " v2"));
    }

    @Test
    void aRequiredSourceFailsToStartNamingTheProperty() {
        etcd.ctl().put(ETCD_KEY, ours("some other key", CLEAR));
        assertThatThrownBy(() -> start("etcd.config.optional", "false")).satisfies(thrown -> {
            StringBuilder chain = new StringBuilder();
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                chain.append(t).append('\n');
            }
            seenMessages.add(chain.toString());
            assertThat(chain.toString()).contains("'" + PROPERTY + "'").contains("does not decrypt");
        });
    }

    @Test
    void theCacheFileHoldsOnlyTheCiphertext(@TempDir Path dir) throws Exception {
        String stored = ours(KEY, CLEAR);
        etcd.ctl().put(ETCD_KEY, stored);
        Path file = dir.resolve("config-cache.json");
        start("etcd.config.cache-file", file.toString());
        assertThat(app.config().getValue(PROPERTY, String.class)).isEqualTo(CLEAR);

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readString(file).contains(PROPERTY));
        String content = Files.readString(file);
        seenMessages.add(content);
        assertThat(content).contains(EncryptedValue.ciphertext(stored).orElseThrow());
    }

    /** SmallRye's format (and quarkus config encrypt's) built from its parts with the JDK alone, with a 16-byte IV and padding. */
    private static String sealTheirWay(String key, String clear) {
        try {
            byte[] aesKey = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            byte[] iv = new byte[16];
            new SecureRandom().nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, iv));
            byte[] sealed = c.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(1 + iv.length + sealed.length);
            out.put((byte) iv.length).put(iv).put(sealed);
            return Base64.getUrlEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
