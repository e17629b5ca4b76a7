package io.etcdmp.internal.config;

import io.etcdmp.config.ConfigChange;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.CacheFile;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.EtcdCluster;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The cache file ({@code etcd.config.cache-file}) against a real etcd that is stopped and started. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CacheFileStartTest {
    static EtcdCluster etcd;
    @TempDir
    Path dir;
    Path file;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @BeforeEach
    void clean() {
        if (!etcd.isRunning(0)) {
            etcd.start(0);
        }
        etcd.ctl().delPrefix("/config/");
        file = dir.resolve("orders.cache");
    }

    private Map<String, String> values() {
        Map<String, String> values = new HashMap<>(Map.of("etcd.endpoints", etcd.endpoints(), "mp.app.name", "orders",
                "etcd.request-timeout", "1s", "etcd.connect-timeout", "500ms", "etcd.config.start-timeout", "30s",
                ConfigSourceSettings.CACHE_FILE, file.toString(), ConfigSourceSettings.DOCUMENTS, "application.yaml"));
        return values;
    }

    private PrefixConfigSource start() {
        Map<String, String> values = values();
        PropertyLookup lookup = name -> Optional.ofNullable(values.get(name));
        PrefixConfigSource source = PrefixConfigSource.create(ConfigSourceSettings.from(lookup), EtcdSettings.from(lookup));
        source.start();
        return source;
    }

    /** Runs a source against etcd until the file holds the current revision, then closes it. */
    private long writeCacheWhileEtcdIsUp() throws Exception {
        long revision = etcd.ctl().revision();
        try (PrefixConfigSource source = start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file)
                    && CacheFile.read(file, source.settings().prefixes()).revision() == revision);
        }
        return revision;
    }

    @Test
    void startsFromTheFileWithEtcdDownWithinTheRequestTimeoutAndCatchesUpWithEventsWhenEtcdReturns() throws Exception {
        etcd.ctl().put("/config/application/shared", "from-shared");
        etcd.ctl().put("/config/orders/db.url", "old");
        etcd.ctl().put("/config/orders/gone", "soon deleted");
        etcd.ctl().put("/config/orders/application.yaml", "doc:\n  value: old\n");
        long cachedRevision = writeCacheWhileEtcdIsUp();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        etcd.ctl().put("/config/orders/db.url", "new");
        etcd.ctl().del("/config/orders/gone");
        etcd.ctl().put("/config/orders/application.yaml", "doc:\n  value: new\n");
        etcd.stop(0);

        long started = System.nanoTime();
        try (LogCapture log = LogCapture.configured(); PrefixConfigSource source = start()) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the 30 s start timeout").isLessThan(Duration.ofSeconds(10));
            assertThat(source.getValue("db.url")).isEqualTo("old");
            assertThat(source.getValue("gone")).isEqualTo("soon deleted");
            assertThat(source.getValue("doc.value")).isEqualTo("old");
            assertThat(source.getValue("shared")).isEqualTo("from-shared");
            assertThat(source.isStale()).isTrue();
            assertThat(source.revision()).isEqualTo(cachedRevision);
            assertThat(log.warningsContaining(file.toString())).singleElement().asString()
                    .contains("revision " + cachedRevision).contains(" ago");
            List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
            source.addChangeListener(events::add);

            etcd.start(0);

            await().atMost(Duration.ofSeconds(30)).until(() -> !source.isStale());
            assertThat(source.getValue("db.url")).isEqualTo("new");
            assertThat(source.getValue("gone")).isNull();
            assertThat(source.getValue("doc.value")).isEqualTo("new");
            await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().flatMap(e -> e.names().stream()).distinct().count() == 3);
            assertThat(events.stream().flatMap(e -> e.changes().values().stream()))
                    .extracting(ConfigChange::toString)
                    .containsExactlyInAnyOrder("db.url: old -> new", "gone: soon deleted -> (absent)", "doc.value: old -> new");
            long now = etcd.ctl().revision();
            await().atMost(Duration.ofSeconds(10)).until(() -> CacheFile.read(file, source.settings().prefixes()).revision() == now);
            assertThat(CacheFile.read(file, source.settings().prefixes()).properties().get(1)).containsEntry("db.url", "new")
                    .doesNotContainKey("gone");
        }
    }

    @Test
    void readinessReportsConfigStaleWithTheFileRevisionWhileServingFromTheFile() throws Exception {
        etcd.ctl().put("/config/orders/db.url", "cached");
        long cachedRevision = writeCacheWhileEtcdIsUp();
        etcd.stop(0);
        Map<String, String> settings = new HashMap<>(values());
        try (CdiApp app = CdiApp.start(settings)) {
            HealthCheck check = app.container().select(HealthCheck.class, Readiness.Literal.INSTANCE).get();
            HealthCheckResponse stale = check.call();
            // ready: it serves its configuration, from the file (etcd.health.readiness=serving, the default)
            assertThat(stale.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(stale.getData().orElseThrow()).containsEntry("configStale", true).containsEntry("configRevision", cachedRevision)
                    .containsEntry("stale", true).containsEntry("reachable", false);
            assertThat(app.config().getValue("db.url", String.class)).isEqualTo("cached");

            etcd.start(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.FALSE.equals(check.call().getData().orElseThrow().get("configStale")));
        }
    }

    @Test
    void corruptTruncatedOrForeignFilesAreNeverServedAndWarnedAboutNamingFileAndReason() throws Exception {
        etcd.ctl().put("/config/orders/db.url", "cached");
        writeCacheWhileEtcdIsUp();
        byte[] good = Files.readAllBytes(file);
        etcd.stop(0);
        Map<String, byte[]> bad = Map.of(
                "checksum does not match", new String(good, StandardCharsets.UTF_8).replace("cached", "CACHED").getBytes(StandardCharsets.UTF_8),
                "truncated", java.util.Arrays.copyOf(good, good.length - 10),
                "written for prefixes", CacheFile.encode(new CacheFile.Content(9, java.time.Instant.now(), etcd.endpoints(),
                        List.of("/config/application/", "/config/billing/"), List.of(Map.of(), Map.of("db.url", "cached")),
                        List.of(Map.of(), Map.of()))));
        for (Map.Entry<String, byte[]> each : bad.entrySet()) {
            Files.write(file, each.getValue());
            Map<String, String> optional = new HashMap<>(values());
            optional.put("etcd.config.optional", "true");
            PropertyLookup lookup = name -> Optional.ofNullable(optional.get(name));
            try (LogCapture log = LogCapture.configured();
                 PrefixConfigSource source = PrefixConfigSource.create(ConfigSourceSettings.from(lookup), EtcdSettings.from(lookup))) {
                source.start();
                assertThat(source.getValue("db.url")).as(each.getKey()).isNull();
                assertThat(source.isStale()).isFalse();
                assertThat(log.warningsContaining(file.toString())).as(each.getKey()).singleElement().asString()
                        .contains("is not used").contains(each.getKey());
            }
        }
    }

    @Test
    void aRequiredSourceWithAnUnusableFileFailsAsWithoutOne() throws Exception {
        Files.writeString(file, "not a cache");
        etcd.stop(0);
        Map<String, String> values = new HashMap<>(values());
        values.put("etcd.config.start-timeout", "2s");
        PropertyLookup lookup = name -> Optional.ofNullable(values.get(name));
        PrefixConfigSource source = PrefixConfigSource.create(ConfigSourceSettings.from(lookup), EtcdSettings.from(lookup));
        assertThatThrownBy(source::start).hasMessageContaining("Cannot read configuration from etcd");
    }

    @Test
    void aChangeAppliedWhileTheFileCannotBeWrittenIsLoggedAndStillServed() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("cache"));
        file = folder.resolve("orders.cache");
        etcd.ctl().put("/config/orders/db.url", "first");
        try (LogCapture log = LogCapture.configured(); PrefixConfigSource source = start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
            // unwritable: read-only for a normal user; root ignores modes, so the folder also turns into a plain file
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
            if (Files.isWritable(folder)) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.delete(file);
                Files.delete(folder);
                Files.writeString(folder, "a file where the folder was");
            }
            etcd.ctl().put("/config/orders/db.url", "second");
            await().atMost(Duration.ofSeconds(10)).until(() -> "second".equals(source.getValue("db.url")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.warningsContaining("Cannot write the config cache file " + file).isEmpty());
            etcd.ctl().put("/config/orders/db.url", "third");
            await().atMost(Duration.ofSeconds(10)).until(() -> "third".equals(source.getValue("db.url")));
            assertThat(log.warningsContaining("Cannot write the config cache file")).as("one warning per failing streak").hasSize(1);
        } finally {
            if (Files.isDirectory(folder)) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }
}
