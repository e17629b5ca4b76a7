package io.etcdmp.health;

import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.EtcdCluster;
import jakarta.enterprise.inject.Any;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The etcd readiness check in its strict mode ({@code etcd.health.readiness=connected}) reports up, etcd unreachable,
 * watch down and registration lost, and recovers. (The default mode: {@link ReadinessWithoutEtcdTest}.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadinessCheckTest {

    @Test
    void reportsEachStateAsEtcdGoesAwayAndComesBack() {
        try (EtcdCluster etcd = EtcdCluster.start();
             CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders",
                     "etcd.registry.port", "8080", "etcd.registry.ttl", "2s", "etcd.request-timeout", "1s",
                     "etcd.health.readiness", "connected"))) {
            HealthCheck check = app.container().select(HealthCheck.class, Readiness.Literal.INSTANCE).get();

            HealthCheckResponse up = check.call();
            assertThat(up.getName()).isEqualTo("etcd:orders");
            assertThat(up.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(up.getData()).hasValueSatisfying(d -> {
                assertThat(d).containsEntry("reachable", true).containsEntry("configWatchLive", true)
                        .containsEntry("registrationHeld", true)
                        .containsEntry("registration", "/services/orders/" + app.bean(io.etcdmp.registry.ServiceRegistry.class)
                                .selfRegistration().orElseThrow().instance().instanceId());
            });

            etcd.stop(0);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                HealthCheckResponse r = check.call();
                return r.getStatus() == HealthCheckResponse.Status.DOWN
                        && Boolean.FALSE.equals(r.getData().orElseThrow().get("reachable"))
                        && Boolean.FALSE.equals(r.getData().orElseThrow().get("configWatchLive"))
                        && Boolean.FALSE.equals(r.getData().orElseThrow().get("registrationHeld"));
            });

            etcd.start(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> check.call().getStatus() == HealthCheckResponse.Status.UP);
            assertThat(etcd.ctl().getPrefix("/services/orders/")).hasSize(1);
        }
    }

    @Test
    void checkIsABeanOnlyAsReadiness() {
        try (EtcdCluster etcd = EtcdCluster.start();
             CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            assertThat(app.container().select(HealthCheck.class, Any.Literal.INSTANCE).stream().count()).isEqualTo(1);
            assertThat(app.container().select(HealthCheck.class, Readiness.Literal.INSTANCE).get().call().getStatus())
                    .isEqualTo(HealthCheckResponse.Status.UP);
        }
    }
}
