package io.etcdmp.cli.core;

import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.SecretNames;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What export writes, the config source's own .properties reader reads back exactly; the mask rule. */
@Tag("unit")
@Timeout(30)
class PropertiesTextTest {
    private static final String ALPHABET = "ab=:#! \t\n\r\\\f\u0000\u007fé€😀/.,\"'${}[]";

    @Test
    void everyKeyAndValueWrittenIsReadBackUnchangedByTheLibrarysPropertiesReader() {
        Random random = new Random(23);
        for (int round = 0; round < 300; round++) {
            Map<String, String> entries = new TreeMap<>();
            for (int i = 0; i < 5; i++) {
                entries.put(randomText(random, 1 + random.nextInt(12)), randomText(random, random.nextInt(20)));
            }
            String text = PropertiesText.write(entries);

            PropertyRules.Parsed parsed = PropertyRules.parseDocument(FolderLayout.PLAIN_FILE, text.getBytes(StandardCharsets.UTF_8));

            assertThat(parsed.ok()).as(text).isTrue();
            assertThat(new TreeMap<>(parsed.properties())).as(text).isEqualTo(entries);
        }
    }

    @Test
    void namesArePartsCutAtNonLettersCaseChangesAndDigitsAndSecretWhenAPartIsAWordOrAJoinedPluralThatIsNoCount() {
        SecretNames secrets = SecretNames.defaults();
        for (String secret : List.of("db.password", "DB_PASSWORD", "api-token", "apiKey", "servers[0].secret", "aws/credential",
                "oauth.clientSecret", "key", "db.credentials", "apiKeys", "DB_PASSWORDS", "APIKey", "s3Keys", "passwords",
                "access_tokens", "api-keys", "db.password1", "token2", "oldPassword2", "jwt.secret_v2", "key1.value")) {
            assertThat(secrets.isSecret(secret)).as(secret).isTrue();
        }
        for (String plain : List.of("keystore.path", "monkey", "monkeys", "db.url", "tokenizer", "keyss", "s", "",
                // review of console3: plurals that count or name keys were masked
                "llm.maxTokens", "openai.max-tokens", "cache.max-keys", "sort.keys", "redis.keys.ttl", "tokens.max",
                "num_keys", "max.passwords", "oauth2.scope", "sha256.digest")) {
            assertThat(secrets.isSecret(plain)).as(plain).isFalse();
        }
        assertThat(new SecretNames(List.of()).isSecret("db.password")).isFalse();
        assertThat(secrets.show("db.password", "x")).isEqualTo(SecretNames.MASK);
    }

    /** Review of console3 (a probe, kept): a document's parse error names where it broke, never a value. */
    @Test
    void aDocumentsParseErrorNeverQuotesItsValues() {
        for (String[] d : new String[][] {{"app.yaml", "db:\n  password: hunter2-secret\n  url: [unclosed\n"},
                {"app.yaml", "db:\n  password: \"hunter2-secret\n"},
                {"app.json", "{\"db\": {\"password\": \"hunter2-secret\", }"},
                {"app.properties", "db.password=hunter2-secret\\u12"}}) {
            PropertyRules.Parsed p = PropertyRules.parseDocument(d[0], d[1].getBytes(StandardCharsets.UTF_8));
            assertThat(p.ok()).as(d[1]).isFalse();
            assertThat(p.toString()).as(d[1]).doesNotContain("hunter2");
        }
    }

    /** Editors on Windows begin a UTF-8 file with a byte order mark: it is no part of the first key. */
    @Test
    void aByteOrderMarkIsNoPartOfTheFirstKeyAndItsKeyRepeatedIsTold() {
        PropertiesText.Read read = PropertiesText.read("\uFEFFdb.url=x\nlog.level=INFO\ndb.url=y\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(read.entries()).containsOnlyKeys("db.url", "log.level");
        assertThat(read.repeated()).hasSize(1);
        assertThat(read.repeated().get(0).message()).contains("'db.url'").contains("lines 1 and 3");
    }

    @Test
    void logicalLinesStartWhereJavasPropertiesReaderStartsAKeyInRandomTextsOfTheFormatsCorners() throws Exception {
        Random random = new Random(42);
        String pieces = "ab= :#!\t\f\\\\\r\n\r\n";
        for (int round = 0; round < 2000; round++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0, n = random.nextInt(40); i < n; i++) {
                b.append(pieces.charAt(random.nextInt(pieces.length())));
            }
            String text = b.toString();
            List<String> keys = keysInOrder(text);

            List<Integer> starts = PropertiesText.logicalLineStarts(text);

            assertThat(starts).as(escaped(text)).hasSameSizeAs(keys);
            List<String> lines = List.of(text.split("\r\n|\r|\n", -1));
            for (int k = 0; k < starts.size(); k++) { // read from the start of that line on, its key comes first
                String from = String.join("\n", lines.subList(starts.get(k) - 1, lines.size()));
                assertThat(keysInOrder(from)).as(escaped(text) + " line " + starts.get(k)).first().isEqualTo(keys.get(k));
            }
        }
    }

    @Test
    void aKeyDefinedTwiceIsToldWithTheLinesOfBothDefinitions() {
        PropertiesText.Read read = PropertiesText.read("a=1\r\n# a=2\nb=\\\n  a=3\n\na : 4\na 5\n".getBytes(StandardCharsets.UTF_8));

        assertThat(read.entries()).containsEntry("a", "5").containsEntry("b", "a=3");
        assertThat(read.repeated()).extracting(PropertiesText.Repeated::message)
                .containsExactly("key 'a' is defined 3 times, on lines 1, 6 and 7: only the last would count; keep one");
    }

    private static List<String> keysInOrder(String text) throws java.io.IOException {
        List<String> keys = new java.util.ArrayList<>();
        new java.util.Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                keys.add((String) key);
                return super.put(key, value);
            }
        }.load(new java.io.StringReader(text));
        return keys;
    }

    private static String escaped(String text) {
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t").replace("\f", "\\f");
    }

    private static String randomText(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(ALPHABET.length());
            b.append(Character.isHighSurrogate(ALPHABET.charAt(at)) ? "😀" : Character.isLowSurrogate(ALPHABET.charAt(at))
                    ? "x" : String.valueOf(ALPHABET.charAt(at)));
        }
        return b.toString();
    }
}
