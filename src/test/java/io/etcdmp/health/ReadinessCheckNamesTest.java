package io.etcdmp.health;

import io.etcdmp.support.CdiApp;
import io.etcdmp.support.IsolatedApp;
import io.etcdmp.testing.SharedEtcd;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several deployments using the library in one server (8 seen on WildFly) each add a readiness check: an
 * operator must be able to tell them apart in {@code /health/ready}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadinessCheckNamesTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd();

    private static HealthCheckResponse ready(IsolatedApp app) {
        return app.inContext(() -> app.container().select(HealthCheck.class, Readiness.Literal.INSTANCE).get().call());
    }

    @Test
    void twoDeploymentsInOneJvmNameTheirChecksAfterTheirService() throws Exception {
        ClassLoader parent = ReadinessCheckNamesTest.class.getClassLoader();
        try (URLClassLoader ordersLoader = new URLClassLoader(new URL[0], parent);
             URLClassLoader billingLoader = new URLClassLoader(new URL[0], parent)) {
            try (IsolatedApp orders = IsolatedApp.start("orders", ordersLoader,
                         CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders"));
                 IsolatedApp billing = IsolatedApp.start("billing", billingLoader,
                         CdiApp.settings(etcd.endpoints(), "mp.app.name", "billing", "etcd.registry.service-name", "invoices",
                                 "etcd.registry.enabled", "false"))) {
                HealthCheckResponse ordersCheck = ready(orders);
                HealthCheckResponse billingCheck = ready(billing);
                assertThat(ordersCheck.getName()).isEqualTo("etcd:orders");
                assertThat(billingCheck.getName()).as("the service name wins over mp.app.name").isEqualTo("etcd:invoices");
                assertThat(ordersCheck.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
                assertThat(billingCheck.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            } finally {
                IsolatedApp.releaseConfig(ordersLoader);
                IsolatedApp.releaseConfig(billingLoader);
            }
        }
    }

    @Test
    void aDeploymentWithoutAServiceNameKeepsThePlainName() {
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            assertThat(app.container().select(HealthCheck.class, Readiness.Literal.INSTANCE).get().call().getName())
                    .isEqualTo("etcd");
        }
    }
}
