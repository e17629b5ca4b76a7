package io.etcdmp.internal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing and flattening of documents held in one key; no etcd needed. */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConfigDocumentTest {

    @Test
    void propertiesDocumentFollowsJavaUtilPropertiesRules() throws Exception {
        assertThat(ConfigDocument.parse("orders.properties", "# comment\ndb.url = jdbc:x\nname:a\\\n  b\n"))
                .isEqualTo(Map.of("db.url", "jdbc:x", "name", "ab"));
    }

    @Test
    void yamlNestedMapsAreJoinedWithDotsScalarsKeptAsWrittenAndEmptyValuesLeftOut() throws Exception {
        String yaml = "db:\n  url: jdbc:x\n  pool:\n    size: 010\n    ratio: 1.50\nflag: yes\nempty:\n";
        assertThat(ConfigDocument.parse("application.yaml", yaml))
                .isEqualTo(Map.of("db.url", "jdbc:x", "db.pool.size", "010", "db.pool.ratio", "1.50", "flag", "yes"));
    }

    @Test
    void yamlListOfScalarsIsOneCommaListWithCommasAndBackslashesEscaped() throws Exception {
        String yaml = "hosts: [a, 'b,c', 'd\\e']\n";
        assertThat(ConfigDocument.parse("application.yml", yaml)).isEqualTo(Map.of("hosts", "a,b\\,c,d\\\\e"));
    }

    @Test
    void yamlListOfMapsBecomesIndexedNames() throws Exception {
        String yaml = "servers:\n  - host: a\n    port: 1\n  - host: b\n";
        assertThat(ConfigDocument.parse("application.yaml", yaml))
                .isEqualTo(Map.of("servers[0].host", "a", "servers[0].port", "1", "servers[1].host", "b"));
    }

    @Test
    void jsonIsFlattenedLikeYamlWithNumbersAndBooleansAsWrittenAndNullsLeftOut() throws Exception {
        String json = "{\"db\":{\"url\":\"jdbc:x\",\"size\":10,\"ssl\":true,\"none\":null},\"tags\":[\"a\",\"b\"],"
                + "\"servers\":[{\"host\":\"a\"}]}";
        assertThat(ConfigDocument.parse("settings.json", json)).isEqualTo(Map.of("db.url", "jdbc:x", "db.size", "10",
                "db.ssl", "true", "tags", "a,b", "servers[0].host", "a"));
    }

    @Test
    void yamlSyntaxErrorGivesLineAndColumn() {
        assertThatThrownBy(() -> ConfigDocument.parse("application.yaml", "db:\n  url: x\n bad: [\n"))
                .isInstanceOf(ConfigDocument.SyntaxError.class)
                .hasMessageContaining("line ").hasMessageContaining("column ");
    }

    @Test
    void yamlDuplicateKeyIsAnError() {
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", "x: 1\nx: 2\n"))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("line 2");
    }

    @Test
    void jsonSyntaxErrorGivesLineAndColumn() {
        assertThatThrownBy(() -> ConfigDocument.parse("a.json", "{\n \"a\": 1,\n }"))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("line 3, column");
    }

    @Test
    void documentWhoseTopLevelIsNotAMapIsRefused() {
        assertThatThrownBy(() -> ConfigDocument.parse("a.yaml", "- a\n- b\n"))
                .isInstanceOf(ConfigDocument.SyntaxError.class).hasMessageContaining("top level is a list");
    }

    @Test
    void emptyDocumentHoldsNoProperty() throws Exception {
        assertThat(ConfigDocument.parse("a.yaml", "")).isEmpty();
        assertThat(ConfigDocument.parse("a.properties", "")).isEmpty();
    }
}
