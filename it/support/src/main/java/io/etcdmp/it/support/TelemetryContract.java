package io.etcdmp.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's metrics leave a runtime through the runtime's own OpenTelemetry (MicroProfile Telemetry 2.0, or
 * Quarkus's extension): its OTLP exporter, pointed at an {@link OtlpReceiver} in the test JVM, receives
 * {@code etcd.config.revision} and {@code etcd.discovery.instances} with the values etcd holds, after a config
 * change and after a registration. A runtime's test says how to start its server with the OTLP settings of
 * {@link #telemetrySettings} (exporting every {@link #EXPORT_INTERVAL}).
 */
public abstract class TelemetryContract extends RuntimeUnderTest {
    protected static final Duration EXPORT_INTERVAL = Duration.ofSeconds(1);
    /** A few export intervals, and the first export of a cold server. */
    private static final Duration EXPORTED_WITHIN = Duration.ofSeconds(30);
    protected final OtlpReceiver otlp = new OtlpReceiver();

    /** The runtime's settings that turn its OpenTelemetry metrics on and point its OTLP exporter at {@link #otlp}. */
    protected abstract Map<String, String> telemetrySettings();

    @Override
    protected Map<String, String> librarySettings() {
        Map<String, String> settings = super.librarySettings();
        settings.putAll(telemetrySettings());
        return settings;
    }

    /** The server first (its exporter's last export must not meet a closed port), then the receiver. */
    @AfterAll
    void stopReceiver() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            otlp.close();
        }
    }

    @Test
    @Order(1)
    void configRevisionIsExportedAndFollowsAChange() {
        Awaitility.await("etcd.config.revision exported: " + otlp.endpoint()).atMost(EXPORTED_WITHIN)
                .pollInterval(Duration.ofMillis(200)).until(() -> revisionOfTheApplicationPrefix().isPresent());
        long before = revisionOfTheApplicationPrefix().orElseThrow();
        etcd.ctl().put(GREETING_KEY, "exported");
        long changed = modRevision(GREETING_KEY);
        assertTrue(before < changed, "etcd.config.revision " + before + " before the put at revision " + changed);
        Awaitility.await("etcd.config.revision to reach the put's revision " + changed).atMost(EXPORTED_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> revisionOfTheApplicationPrefix().orElse(0L) >= changed);
        long exported = revisionOfTheApplicationPrefix().orElseThrow();
        long now = etcd.ctl().revision();
        assertTrue(exported <= now, "etcd.config.revision " + exported + " beyond etcd's revision " + now);
        assertEquals("exported", Http.get(url("greeting")).body(), "the application serves the change it reports");
        timings.put("etcd.config.revision exported after the put at " + changed, Long.toString(exported));
        assertTrue(otlp.series("etcd.config.keys").values().stream().anyMatch(v -> v >= 2),
                "etcd.config.keys counts the two properties under /config/application/: " + otlp.describe());
    }

    @Test
    @Order(2)
    void discoveryInstancesIsExportedAndFollowsARegistration() {
        peers.register(peerService(), "a");
        peers.register(peerService(), "b");
        // a call by name makes the application follow the service (its cache of the instances)
        Awaitility.await("a first answer through http://" + peerService() + ".etcd").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> Http.get(url("peer")).ok());
        Map<String, String> up = Map.of("service.name", peerService(), "status", "UP");
        awaitInstances(up, 2);
        peers.register(peerService(), "c");
        awaitInstances(up, 3);
        timings.put("etcd.discovery.instances exported", otlp.series("etcd.discovery.instances").toString());
    }

    private void awaitInstances(Map<String, String> series, double expected) {
        Awaitility.await("etcd.discovery.instances " + series + " = " + expected).atMost(EXPORTED_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> otlp.value("etcd.discovery.instances", series).orElse(-1.0) == expected);
    }

    /** The revision the source holding {@code /config/application/} exports. */
    private Optional<Long> revisionOfTheApplicationPrefix() {
        return otlp.series("etcd.config.revision").entrySet().stream()
                .filter(e -> e.getKey().getOrDefault("etcd.config.prefixes", "").contains("/config/application/"))
                .map(e -> e.getValue().longValue()).findFirst();
    }

    private long modRevision(String key) {
        JsonObject answer = Json.createReader(new StringReader(etcd.ctl().run("get", key, "-w", "json"))).readObject();
        return answer.getJsonArray("kvs").getJsonObject(0).getJsonNumber("mod_revision").longValue();
    }
}
