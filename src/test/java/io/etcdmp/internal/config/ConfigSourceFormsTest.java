package io.etcdmp.internal.config;


import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.testing.SharedEtcd;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.ConfigValueConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two forms of the config source against a real etcd: the plain MicroProfile source (what runtimes
 * without SmallRye Config get: Helidon, Payara, Liberty) and the SmallRye-aware one, which hands SmallRye
 * the {@code ConfigValue} it keeps per property until the property changes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigSourceFormsTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    private PropertyLookup settings() {
        Map<String, String> values = Map.of("etcd.endpoints", etcd.endpoints(), "mp.app.name", "forms");
        return name -> Optional.ofNullable(values.get(name));
    }

    @Test
    void plainSourceServesValuesAndFollowsChanges() {
        etcd.ctl().put("/config/application/shared", "base");
        etcd.ctl().put("/config/forms/port", "8080");
        try (PrefixConfigSource source = new PrefixConfigSource(ConfigSourceSettings.from(settings()), EtcdSettings.from(settings()))) {
            source.start();
            assertThat(source).isNotInstanceOf(ConfigValueConfigSource.class);
            assertThat(source.getValue("port")).isEqualTo("8080");
            assertThat(source.getValue("shared")).isEqualTo("base");
            assertThat(source.getValue("absent")).isNull();

            etcd.ctl().put("/config/forms/shared", "own");
            etcd.ctl().put("/config/forms/port", "9090");
            await().atMost(Duration.ofSeconds(5)).until(() -> "9090".equals(source.getValue("port")));
            assertThat(source.getValue("shared")).isEqualTo("own");

            etcd.ctl().delPrefix("/config/forms/");
            await().atMost(Duration.ofSeconds(5)).until(() -> source.getValue("port") == null);
            assertThat(source.getValue("shared")).isEqualTo("base");
            assertThat(source.getProperties()).isEqualTo(Map.of("shared", "base"));
        }
    }

    @Test
    void smallRyeSourceKeepsOneConfigValuePerPropertyUntilItChanges() {
        etcd.ctl().put("/config/forms/port", "8080");
        PrefixConfigSource created = PrefixConfigSource.create(ConfigSourceSettings.from(settings()), EtcdSettings.from(settings()));
        try (PrefixConfigSource source = created) {
            source.start();
            assertThat(source).isInstanceOf(ConfigValueConfigSource.class);
            ConfigValueConfigSource values = (ConfigValueConfigSource) source;
            ConfigValue first = values.getConfigValue("port");
            assertThat(first.getValue()).isEqualTo("8080");
            assertThat(first.getConfigSourceName()).isEqualTo(source.getName());
            assertThat(first.getConfigSourceOrdinal()).isEqualTo(ConfigSourceSettings.DEFAULT_ORDINAL);
            assertThat(values.getConfigValue("port")).isSameAs(first);
            assertThat(values.getConfigValue("absent")).isNull();
            assertThat(values.getConfigValueProperties()).containsOnlyKeys("port");

            SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(source).build();
            assertThat(config.getValue("port", int.class)).isEqualTo(8080);
            assertThat(config.getConfigValue("port").getSourceName()).isEqualTo(source.getName());

            etcd.ctl().put("/config/forms/port", "9090");
            await().atMost(Duration.ofSeconds(5)).until(() -> config.getValue("port", int.class) == 9090);
            assertThat(values.getConfigValue("port")).isNotSameAs(first);
            assertThat(source.getValue("port")).isEqualTo("9090");
        }
    }
}
