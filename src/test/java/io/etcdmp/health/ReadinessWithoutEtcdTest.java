package io.etcdmp.health;

import io.etcdmp.support.CdiApp;
import io.etcdmp.support.EtcdMetrics;
import io.etcdmp.testing.EtcdCluster;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness answers "can this instance serve correctly": an etcd outage must not take every instance out of
 * service while each serves from its snapshot, and a probe must cost etcd nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadinessWithoutEtcdTest {

    private static HealthCheck readiness(CdiApp app) {
        return app.container().select(HealthCheck.class, Readiness.Literal.INSTANCE).get();
    }

    private static Map<String, Object> data(HealthCheckResponse response) {
        return response.getData().orElseThrow();
    }

    @Test
    void staysReadyWithTheDataSayingSoWhileEtcdIsStopped() {
        try (EtcdCluster etcd = EtcdCluster.start();
             CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders",
                     "etcd.registry.port", "8080", "etcd.registry.ttl", "2s", "etcd.request-timeout", "1s"))) {
            etcd.ctl().put("/config/orders/color", "red");
            await().atMost(Duration.ofSeconds(5)).until(() -> "red".equals(app.config().getValue("color", String.class)));
            HealthCheck check = readiness(app);
            assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(data(check.call())).containsEntry("reachable", true);

            Instant beforeStop = Instant.now();
            etcd.stop(0);
            await("the check noticing the outage").atMost(Duration.ofSeconds(15))
                    .until(() -> Boolean.FALSE.equals(data(check.call()).get("reachable")));
            await("the lease's TTL running out").atMost(Duration.ofSeconds(15))
                    .until(() -> Boolean.FALSE.equals(data(check.call()).get("registrationHeld")));

            HealthCheckResponse during = check.call();
            assertThat(during.getStatus()).as("ready while serving from the snapshot: " + during.getData())
                    .isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(data(during)).containsEntry("reachable", false).containsEntry("stale", true)
                    .containsEntry("configWatchLive", false).containsEntry("readiness", "serving");
            Instant since = Instant.parse((String) data(during).get("staleSince"));
            assertThat(since).isBetween(beforeStop.minusSeconds(1), Instant.now());
            assertThat(app.config().getValue("color", String.class)).isEqualTo("red");

            etcd.start(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(data(check.call()).get("reachable")));
            assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(data(check.call())).containsEntry("stale", false).doesNotContainKey("staleSince");
        }
    }

    @Test
    void connectedModeIsDownWhileEtcdIsStoppedAndUpAgainAfter() {
        try (EtcdCluster etcd = EtcdCluster.start();
             CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "etcd.health.readiness", "connected",
                     "etcd.request-timeout", "1s"))) {
            HealthCheck check = readiness(app);
            assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            etcd.stop(0);
            await().atMost(Duration.ofSeconds(15)).until(() -> check.call().getStatus() == HealthCheckResponse.Status.DOWN);
            assertThat(data(check.call())).containsEntry("reachable", false).containsEntry("readiness", "connected");
            etcd.start(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> check.call().getStatus() == HealthCheckResponse.Status.UP);
        }
    }

    @Test
    void aHundredProbesSendNoRequestToEtcd() {
        try (EtcdCluster etcd = EtcdCluster.start();
             CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders"))) {
            HealthCheck check = readiness(app);
            EtcdMetrics metrics = new EtcdMetrics(etcd.clientUrls().get(0));
            assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP); // beans created, watches live
            long kvBefore = metrics.kvRequests();
            long rangesBefore = metrics.ranges();
            for (int i = 0; i < 100; i++) {
                assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            }
            assertThat(metrics.ranges() - rangesBefore).as("reads etcd served during 100 probes").isZero();
            assertThat(metrics.kvRequests() - kvBefore).as("KV requests etcd served during 100 probes").isZero();
        }
    }

    @Test
    void notReadyBeforeTheConfigurationWasFirstLoadedThenReady() {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.stop(0);
            try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "etcd.config.optional", "true",
                    "etcd.request-timeout", "1s", "etcd.config.start-timeout", "1s"))) {
                HealthCheck check = readiness(app);
                HealthCheckResponse before = check.call();
                assertThat(before.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
                assertThat(data(before)).containsEntry("loaded", false).containsEntry("reachable", false);
                etcd.start(0);
                await().atMost(Duration.ofSeconds(30)).until(() -> check.call().getStatus() == HealthCheckResponse.Status.UP);
                assertThat(data(check.call())).containsEntry("loaded", true).containsEntry("stale", false);
            }
        }
    }

    @Test
    void readyFromTheCacheFileWhenEtcdIsDownAtStart() throws Exception {
        Path dir = Files.createTempDirectory("readiness-cache");
        Path file = dir.resolve("orders.cache");
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/application/color", "red");
            Map<String, String> settings = CdiApp.settings(etcd.endpoints(), "etcd.config.cache-file", file.toString(),
                    "etcd.request-timeout", "1s");
            try (CdiApp first = CdiApp.start(settings)) {
                assertThat(first.config().getValue("color", String.class)).isEqualTo("red");
                await("the cache file written").atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
            }
            etcd.stop(0);
            Instant beforeStart = Instant.now();
            try (CdiApp second = CdiApp.start(settings)) {
                HealthCheckResponse response = readiness(second).call();
                assertThat(second.config().getValue("color", String.class)).isEqualTo("red");
                assertThat(response.getStatus()).as("ready from the cache file: " + response.getData())
                        .isEqualTo(HealthCheckResponse.Status.UP);
                assertThat(data(response)).containsEntry("reachable", false).containsEntry("stale", true)
                        .containsEntry("configStale", true).containsEntry("loaded", true);
                assertThat(Instant.parse((String) data(response).get("staleSince"))).isBetween(beforeStart.minusSeconds(1), Instant.now());
            }
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }
}
