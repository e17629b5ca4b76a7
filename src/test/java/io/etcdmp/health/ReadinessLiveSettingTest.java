package io.etcdmp.health;

import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@code etcd.health.readiness} is checked when the deployment starts, but the check reads it at every probe, from a
 * Config that includes etcd: a typo written to etcd's shared {@code /config/application/} reached every instance at
 * once and made every probe throw (DOWN, or an error, in every runtime): the whole fleet out of service from one
 * bad key. A bad live value keeps the mode the check had and the instance ready.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadinessLiveSettingTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    @Test
    void aBadReadinessModeWrittenToEtcdLaterKeepsTheInstanceReady() {
        etcd.ctl().put("/config/orders/color", "red");
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders"))) {
            HealthCheck check = app.container().select(HealthCheck.class, Readiness.Literal.INSTANCE).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> check.call().getStatus() == HealthCheckResponse.Status.UP);

            etcd.ctl().put("/config/application/etcd/health/readiness", "servng");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "servng".equals(app.config().getOptionalValue("etcd.health.readiness", String.class).orElse(null)));

            Throwable thrown = catchThrowable(check::call);
            assertThat(thrown).as("a probe after the bad value arrived").isNull();
            assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(check.call().getData().orElseThrow()).containsEntry("readiness", "serving");
        }
    }
}
