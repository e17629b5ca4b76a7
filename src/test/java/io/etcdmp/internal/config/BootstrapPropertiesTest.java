package io.etcdmp.internal.config;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.config.BootstrapProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The library's own settings lookup, read before any Config exists: sources, ordinals, names, expressions. */
@Tag("unit")
class BootstrapPropertiesTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearSystemProperties() {
        System.clearProperty("bootstrap.test.name");
    }

    @Test
    void systemPropertiesWinOverTheEnvironmentWhichWinsOverFiles() throws IOException {
        BootstrapProperties props = props(Map.of("BOOTSTRAP_TEST_NAME", "from env"), file("a", 100, "bootstrap.test.name=from file"));
        assertThat(props.get("bootstrap.test.name")).hasValue("from env");
        System.setProperty("bootstrap.test.name", "from system");
        assertThat(props.get("bootstrap.test.name")).hasValue("from system");
    }

    @Test
    void environmentNamesFollowMicroProfilesMapping() throws IOException {
        BootstrapProperties props = props(Map.of("ETCD_CONFIG_PREFIXES", "/a/", "etcd_user", "lower"));
        assertThat(props.get("etcd.config.prefixes")).hasValue("/a/");
        assertThat(props.get("etcd.user")).as("the non-alphanumeric characters mapped, case kept").hasValue("lower");
    }

    @Test
    void theFileWithTheHigherConfigOrdinalWins() throws IOException {
        BootstrapProperties props = props(Map.of(), file("low", 100, "x=low"), file("high", 250, "config_ordinal=250\nx=high"));
        assertThat(props.get("x")).hasValue("high");
    }

    @Test
    void expressionsExpandFromTheSamePlacesWithDefaults() throws IOException {
        BootstrapProperties props = props(Map.of("HOST", "h1"),
                file("a", 100, "endpoint=http://${host}:${port:2379}"));
        assertThat(props.get("endpoint")).hasValue("http://h1:2379");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void anUnresolvableExpressionNamesTheMissingProperty() throws IOException {
        BootstrapProperties props = props(Map.of(), file("a", 100, "endpoint=${nowhere.set}"));
        assertThatThrownBy(() -> props.get("endpoint")).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("nowhere.set");
    }

    @Test
    void aBlankValueCountsAsNotSet() throws IOException {
        assertThat(props(Map.of("ETCD_USER", "  ")).get("etcd.user")).isEmpty();
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void anUnresolvableExpressionInAKeyOrPasswordSettingIsNamedWithoutAnyPartOfItsValue() throws IOException {
        for (String setting : List.of(io.etcdmp.internal.secrets.SecretKeys.KEY, io.etcdmp.internal.secrets.SecretKeys.PREVIOUS,
                "etcd.password")) {
            BootstrapProperties props = props(Map.of(setting, "pa${zq7}phrase"));
            assertThatThrownBy(() -> props.get(setting))
                    .hasMessageContaining(setting)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zq7").doesNotContain("phrase"));
        }
    }

    private BootstrapProperties props(Map<String, String> env, Path... roots) throws IOException {
        URL[] urls = new URL[roots.length];
        for (int i = 0; i < roots.length; i++) {
            urls[i] = roots[i].toUri().toURL();
        }
        return new BootstrapProperties(new URLClassLoader(urls, null), env);
    }

    private Path file(String name, int ordinal, String content) throws IOException {
        Path root = dir.resolve(name);
        Path file = root.resolve(BootstrapProperties.FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return root;
    }
}
