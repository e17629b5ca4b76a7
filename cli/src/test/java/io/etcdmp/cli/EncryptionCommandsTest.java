package io.etcdmp.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** etcdmp encrypt and reencrypt, and encrypted values in plan output, against a real etcd. */
@Timeout(120)
class EncryptionCommandsTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();
    private static final String KEY = "current-kEy-never-shown-31";
    private static final String OLD_KEY = "old-kEy-never-shown-17";
    private static final String CLEAR = "clear-Secret-of-the-cli-77";
    private static Client client;
    private final InputStream stdin = System.in;

    @BeforeAll
    static void connect() {
        client = Client.builder().endpoints(etcd.endpoints().split(",")).build();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @AfterEach
    void restoreStdin() {
        System.setIn(stdin);
    }

    @Test
    void encryptReadsStandardInputOrAFileAndPrintsTheFormAnyHolderOfTheKeyDecrypts(@TempDir Path dir) throws Exception {
        Path key = keyFile(dir, "key", KEY);
        System.setIn(new ByteArrayInputStream((CLEAR + "\n").getBytes(StandardCharsets.UTF_8)));
        Cli.Run run = Cli.raw("encrypt", "--encryption-key-file", key.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        String printed = run.out().strip();
        assertThat(printed).startsWith("${aes-gcm-nopadding::").endsWith("}");
        assertThat(decrypt(KEY, printed)).isEqualTo(CLEAR);
        assertThat(run.all()).doesNotContain(CLEAR).doesNotContain(KEY);

        Path value = dir.resolve("value");
        Files.writeString(value, CLEAR + " from a file");
        Cli.Run fromFile = Cli.raw("encrypt", "--encryption-key-file", key.toString(), "--file", value.toString());
        assertThat(fromFile.code()).as(fromFile.toString()).isZero();
        assertThat(decrypt(KEY, fromFile.out().strip())).isEqualTo(CLEAR + " from a file");
    }

    @Test
    void encryptTakesNoValueFromTheCommandLineAndNeedsAKey(@TempDir Path dir) throws Exception {
        Cli.Run onTheLine = Cli.raw("encrypt", "--encryption-key-file", keyFile(dir, "key", KEY).toString(), CLEAR);
        assertThat(onTheLine.code()).isEqualTo(1);
        assertThat(onTheLine.all()).doesNotContain(CLEAR);

        System.setIn(new ByteArrayInputStream(CLEAR.getBytes(StandardCharsets.UTF_8)));
        Cli.Run noKey = Cli.raw("encrypt");
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.err()).contains("No encryption key").contains("etcd.config.encryption-key-file");

        Path open = keyFile(dir, "open-key", KEY);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Run readable = Cli.raw("encrypt", "--encryption-key-file", open.toString());
        assertThat(readable.code()).isEqualTo(1);
        assertThat(readable.err()).contains("chmod 600").doesNotContain(KEY);
    }

    @Test
    void reencryptMovesEveryOldValueToTheCurrentKeyInOneTransactionWithAChangeRecord(@TempDir Path dir) throws Exception {
        String current = seal(KEY, CLEAR + "-current");
        etcd.put("/config/rot/a", seal(OLD_KEY, CLEAR + "-a"));
        etcd.put("/config/rot/b/c", seal(OLD_KEY, CLEAR + "-b"));
        etcd.put("/config/rot/current", current);
        etcd.put("/config/rot/plain", "plain value");

        Cli.Run run = Cli.at(etcd.endpoints()).run("reencrypt", "/config/rot/", "--encryption-key-file",
                keyFile(dir, "key", KEY).toString(), "--previous-encryption-key-file", keyFile(dir, "old", OLD_KEY).toString());

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.all()).doesNotContain(CLEAR).doesNotContain(KEY).doesNotContain(OLD_KEY).contains("(encrypted)");
        Map<String, KeyValue> now = read("/config/rot/");
        assertThat(decrypt(KEY, text(now.get("/config/rot/a")))).isEqualTo(CLEAR + "-a");
        assertThat(decrypt(KEY, text(now.get("/config/rot/b/c")))).isEqualTo(CLEAR + "-b");
        assertThat(text(now.get("/config/rot/current"))).isEqualTo(current);
        assertThat(text(now.get("/config/rot/plain"))).isEqualTo("plain value");
        long revision = now.get("/config/rot/a").getModRevision();
        assertThat(now.get("/config/rot/b/c").getModRevision()).isEqualTo(revision);
        List<KeyValue> records = List.copyOf(read("/config-changes/").values());
        assertThat(records).anySatisfy(r -> {
            assertThat(r.getModRevision()).isEqualTo(revision);
            assertThat(text(r)).contains("reencrypt").contains("/config/rot/a").doesNotContain(CLEAR);
        });
    }

    @Test
    void reencryptMovesEncryptedValuesInsideADocumentAndKeepsTheRestOfItsText(@TempDir Path dir) throws Exception {
        String old = seal(OLD_KEY, CLEAR + "-doc");
        String doc = "# ops comment\ndb:\n  user: app\n  password: \"" + old + "\"\n";
        etcd.put("/config/docrot/app.yaml", doc);

        Cli.Run run = Cli.at(etcd.endpoints()).run("reencrypt", "/config/docrot/", "--encryption-key-file",
                keyFile(dir, "key", KEY).toString(), "--previous-encryption-key-file", keyFile(dir, "old", OLD_KEY).toString());

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.all()).doesNotContain(CLEAR).doesNotContain(KEY).doesNotContain(OLD_KEY);
        String now = text(read("/config/docrot/").get("/config/docrot/app.yaml"));
        String fresh = now.substring(now.indexOf("${"), now.indexOf("}\"") + 1);
        assertThat(now).isEqualTo(doc.replace(old, fresh));
        assertThat(decrypt(KEY, fresh)).isEqualTo(CLEAR + "-doc");
    }

    @Test
    void reencryptWritesNothingWhenAValueOpensWithNoKey(@TempDir Path dir) throws Exception {
        etcd.put("/config/lost/a", seal(OLD_KEY, CLEAR));
        etcd.put("/config/lost/b", seal("a key nobody has", CLEAR));
        long before = read("/config/lost/").get("/config/lost/a").getModRevision();

        Cli.Run run = Cli.at(etcd.endpoints()).run("reencrypt", "/config/lost/", "--encryption-key-file",
                keyFile(dir, "key", KEY).toString(), "--previous-encryption-key-file", keyFile(dir, "old", OLD_KEY).toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("/config/lost/b").contains("does not decrypt").doesNotContain(CLEAR);
        assertThat(read("/config/lost/").get("/config/lost/a").getModRevision()).isEqualTo(before);
    }

    @Test
    void planShowsEncryptedValuesAsEncryptedNeverTheirCiphertext(@TempDir Path dir) throws Exception {
        etcd.put("/config/shown/api.conn", seal(KEY, CLEAR));
        Path folder = Files.createDirectories(dir.resolve("config/shown"));
        Files.writeString(folder.resolve("_keys.properties"), "api.conn=" + seal(KEY, CLEAR + "2") + "\n");

        Cli.Run plan = Cli.at(etcd.endpoints()).run("plan", dir.toString());

        assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.out()).contains("api.conn").contains("(encrypted)").doesNotContain("aes-gcm-nopadding::");
    }

    private static Path keyFile(Path dir, String name, String key) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Map<String, KeyValue> read(String prefix) throws Exception {
        ByteSequence p = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        Map<String, KeyValue> all = new java.util.HashMap<>();
        client.getKVClient().get(p, GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()
                .forEach(kv -> all.put(kv.getKey().toString(StandardCharsets.UTF_8), kv));
        return all;
    }

    private static String text(KeyValue kv) {
        return kv.getValue().toString(StandardCharsets.UTF_8);
    }

    /** SmallRye's aes-gcm-nopadding format with the JDK alone: SHA-256 of the key, IV length byte, IV, sealed text. */
    private static String seal(String key, String clear) throws Exception {
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, aes(key), new GCMParameterSpec(128, iv));
        byte[] sealed = c.doFinal(clear.getBytes(StandardCharsets.UTF_8));
        ByteBuffer out = ByteBuffer.allocate(1 + iv.length + sealed.length).put((byte) iv.length).put(iv).put(sealed);
        return "${aes-gcm-nopadding::" + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array()) + "}";
    }

    private static String decrypt(String key, String form) throws Exception {
        String ciphertext = form.substring("${aes-gcm-nopadding::".length(), form.length() - 1);
        byte[] all = Base64.getUrlDecoder().decode(ciphertext);
        int ivLength = all[0];
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, aes(key), new GCMParameterSpec(128, all, 1, ivLength));
        return new String(c.doFinal(all, 1 + ivLength, all.length - 1 - ivLength), StandardCharsets.UTF_8);
    }

    private static SecretKeySpec aes(String key) throws Exception {
        return new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)), "AES");
    }
}
