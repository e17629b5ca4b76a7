package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Documents built to hurt (issue 20, defect 1): a recursive alias, a nesting 20,000 deep, a few hundred
 * characters of aliases that flatten to a million properties. Each is "does not parse" with a reason, never
 * an Error, and never costs more than the limits allow. No etcd needed.
 */
@Tag("unit")
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DocumentBoundsTest {

    /** The 365-character YAML of issue 20: 6 maps of 10 entries, each level 10 aliases of the one before. */
    static String aliasBomb() {
        StringBuilder yaml = new StringBuilder("a: &a {");
        for (int i = 0; i < 10; i++) {
            yaml.append(i == 0 ? "" : ",").append(i).append(": v");
        }
        yaml.append("}\n");
        String previous = "a";
        for (String level : List.of("b", "c", "d", "e", "f")) {
            yaml.append(level).append(": &").append(level).append(" {");
            for (int i = 0; i < 10; i++) {
                yaml.append(i == 0 ? "" : ",").append(i).append(": *").append(previous);
            }
            yaml.append("}\n");
            previous = level;
        }
        return yaml.toString();
    }

    @Test
    void aRecursiveYamlAliasIsASyntaxErrorNamingTheAliasNotAStackOverflow() {
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", "a: &x [*x]\n"))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("alias").hasMessageContaining("x");
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", "a: &x {b: {c: *x}}\n"))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("alias");
    }

    @Test
    void aYamlDocumentNested20000DeepIsASyntaxErrorNotAStackOverflow() {
        String deep = "a: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", deep))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("deep");
    }

    @Test
    void aJsonDocumentNested20000DeepIsASyntaxErrorNotAStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
        assertThatThrownBy(() -> ConfigDocument.parse("a.json", deep))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("deep");
    }

    @Test
    void aDocumentNestedAsDeepAsTheLimitStillParses() throws Exception {
        int lists = ConfigDocument.MAX_DEPTH - 1; // the top map is one level
        String yaml = "a: " + "[".repeat(lists) + "x" + "]".repeat(lists) + "\n";
        assertThat(ConfigDocument.parse("a.yaml", yaml)).containsOnlyKeys("a" + "[0]".repeat(lists - 1));
        String json = "{\"a\":" + "[".repeat(lists) + "\"x\"" + "]".repeat(lists) + "}";
        assertThat(ConfigDocument.parse("a.json", json)).containsOnlyKeys("a" + "[0]".repeat(lists - 1));
        String deeper = "a: " + "[".repeat(lists + 1) + "x" + "]".repeat(lists + 1) + "\n";
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", deeper)).isInstanceOf(ConfigDocument.SyntaxError.class);
    }

    @Test
    void the365CharacterAliasYamlThatFlattensToAMillionPropertiesIsRefusedNamingTheSetting() {
        String yaml = aliasBomb();
        assertThat(yaml.length()).isLessThan(400);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", yaml))
                .isInstanceOf(ConfigDocument.SyntaxError.class)
                .hasMessageContaining("5000").hasMessageContaining("etcd.config.document-max-properties");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("refused early, not after flattening").isLessThan(5);
    }

    @Test
    void aliasesOfEmptyCollectionsThatExpandExponentiallyAreRefusedThoughTheyGiveNoProperty() {
        // 25 levels of 2 aliases (50, the alias limit): 2^25 empty maps visited when expanded as a tree
        StringBuilder yaml = new StringBuilder("l0: &l0 {}\n");
        for (int i = 1; i <= 24; i++) {
            yaml.append("l").append(i).append(": &l").append(i).append(" {x: *l").append(i - 1)
                    .append(", y: *l").append(i - 1).append("}\n");
        }
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", yaml.toString()))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("nodes");
    }

    @Test
    void scalarAliasesThatWouldMultiplyTheOutputAreRefused() {
        String big = "x".repeat(100_000);
        StringBuilder yaml = new StringBuilder("s: &s " + big + "\nl: [");
        for (int i = 0; i < 400; i++) {
            yaml.append(i == 0 ? "" : ",").append("*s");
        }
        yaml.append("]\n");
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", yaml.toString()))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("characters");
    }

    @Test
    void aPropertiesDocumentWithMorePropertiesThanTheLimitIsRefused() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            text.append("p").append(i).append("=v\n");
        }
        assertThatThrownBy(() -> ConfigDocument.parse("a.properties", text.toString(), 10))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("10");
        assertThatCode(() -> ConfigDocument.parse("a.properties", text.toString(), 11)).doesNotThrowAnyException();
    }

    @Test
    void aLayerGivenARecursiveDocumentKeepsItsLastGoodContentAndThrowsNothing() {
        DocumentLayer layer = new DocumentLayer("/config/orders/", List.of("application.yaml"));
        assertThat(layer.accept("application.yaml", bytes("db: {url: good}\n"), 5)).isTrue();
        layer.remerge();
        assertThat(layer.accept("application.yaml", bytes("a: &x [*x]\n"), 6)).isFalse();
        assertThat(layer.accept("application.yaml", bytes("a: " + "[".repeat(20_000) + "]".repeat(20_000)), 7)).isFalse();
        assertThat(layer.accept("application.yaml", bytes(aliasBomb()), 8)).isFalse();
        assertThat(layer.merged()).containsOnlyKeys("db.url");
        assertThat(layer.rawDocuments().get("application.yaml")).isEqualTo(bytes("db: {url: good}\n"));
    }

    @Test
    void aSnapshotResetWithABadDocumentKeepsThePlainKeys() {
        ConfigSnapshot snapshot = new ConfigSnapshot(List.of(ByteSequence.from("/p/", StandardCharsets.UTF_8)),
                List.of("app.yaml"), (name, value) -> value);
        snapshot.reset(0, List.of(kv("/p/app.yaml", "a: &x [*x]\n", 2),
                kv("/p/color", "red", 3)), false);
        assertThat(snapshot.copy()).isEqualTo(Map.of("color", "red"));
    }

    static io.etcd.jetcd.KeyValue kv(String key, String value, long revision) {
        return new io.etcd.jetcd.KeyValue(io.etcd.jetcd.api.KeyValue.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8(key)).setValue(com.google.protobuf.ByteString.copyFromUtf8(value))
                .setModRevision(revision).setCreateRevision(revision).setVersion(1).build(), ByteSequence.EMPTY);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
