package io.etcdmp.cli;

import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.testing.LocalEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The round trip the issue asks for: apply a folder, and a Weld SE application with SmallRye Config (the
 * library's config source, as a runtime loads it) sees exactly the properties the plan listed, in one change
 * event per revision.
 */
@Timeout(120)
class WeldRoundTripTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    /** Every ConfigChangeEvent the application receives. */
    @ApplicationScoped
    static class Events {
        static final List<ConfigChangeEvent> SEEN = new CopyOnWriteArrayList<>();

        void on(@Observes ConfigChangeEvent event) {
            SEEN.add(event);
        }
    }

    @Test
    void applyThenTheApplicationSeesExactlyThePlannedPropertiesInOneEventPerRevision(@TempDir Path dir) {
        Folders.write(dir, "config/application/_keys.properties", "greeting=hello\ndb.url=jdbc:shared\n");
        Folders.write(dir, "config/orders/_keys.properties", "db.url=jdbc:orders\ndb/pool.size=20\n");
        Folders.write(dir, "config/orders/application.yaml", "feature:\n  flags: [a, \"b,c\"]\n  limit: 010\n");
        Map<String, String> properties = Map.of("mp.app.name", "orders", "etcd.config.documents", "application.yaml");
        Map<String, String> previous = new HashMap<>();
        properties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        Events.SEEN.clear();
        Weld weld = new Weld().disableDiscovery().addBeanClass(Events.class);
        ServiceLoader.load(Extension.class).forEach(weld::addExtension);
        WeldContainer container = weld.initialize();
        Config config = ConfigProvider.getConfig();
        try {
            Cli cli = Cli.at(etcd.endpoints());
            Cli.Run plan = cli.run("plan", dir.toString(), "--output", "json");
            assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
            Set<String> planned = plannedProperties(plan.out());

            Cli.Run apply = cli.run("apply", dir.toString(), "--output", "json");

            assertThat(apply.code()).as(apply.toString()).isZero();
            long revision = Json.createReader(new StringReader(apply.out())).readObject().getJsonArray("revisions").getJsonNumber(0)
                    .longValue();
            ConfigSource etcdSource = etcdSource(config);
            await().atMost(Duration.ofSeconds(10)).until(() -> etcdSource.getPropertyNames().size() == 5);
            assertThat(new TreeSet<>(etcdSource.getPropertyNames())).isEqualTo(planned);
            assertThat(config.getValue("db.url", String.class)).isEqualTo("jdbc:orders");
            assertThat(config.getValue("db.pool.size", int.class)).isEqualTo(20);
            assertThat(config.getValue("feature.flags", String[].class)).containsExactly("a", "b,c");
            assertThat(config.getValue("feature.limit", String.class)).isEqualTo("010");
            await().atMost(Duration.ofSeconds(10)).until(() -> !Events.SEEN.isEmpty());
            assertThat(Events.SEEN).extracting(ConfigChangeEvent::revision).containsOnly(revision).hasSize(1);
            assertThat(new TreeSet<>(Events.SEEN.get(0).names())).isEqualTo(planned);
        } finally {
            container.shutdown();
            ConfigProviderResolver.instance().releaseConfig(config);
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /** The property names a JSON plan lists: plain keys by the library's naming, documents by their properties. */
    private static Set<String> plannedProperties(String json) {
        JsonObject plan = Json.createReader(new StringReader(json)).readObject();
        Set<String> names = new TreeSet<>();
        for (JsonValue v : plan.getJsonArray("changes")) {
            JsonObject change = v.asJsonObject();
            if (change.getBoolean("document")) {
                change.getJsonArray("properties").forEach(p -> names.add(p.asJsonObject().getString("name")));
            } else {
                String key = change.getString("key");
                names.add(key.substring(key.indexOf('/', "/config/".length()) + 1).replace('/', '.'));
            }
        }
        return names;
    }

    private static ConfigSource etcdSource(Config config) {
        for (ConfigSource source : config.getConfigSources()) {
            if (source.getName().contains("etcd")) {
                return source;
            }
        }
        throw new AssertionError("no etcd config source in " + config.getConfigSources());
    }
}
