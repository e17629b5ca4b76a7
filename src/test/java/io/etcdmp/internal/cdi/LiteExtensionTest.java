package io.etcdmp.internal.cdi;

import io.etcd.jetcd.Client;
import io.etcdmp.cdi.EtcdExtension;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.ConfigChanged;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Bean;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The build compatible extension ({@link EtcdLiteExtension}), run by Weld SE as a CDI Lite container would:
 * the same beans and lifecycle as the portable extension, and skipped where the portable extension runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiteExtensionTest {
    private static final Class<?>[] BEAN_TYPES = {EtcdConnection.class, Client.class, ConfigStore.class, ServiceRegistry.class};

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd();

    @Test
    void withThePortableExtensionWeldHasExactlyOneBeanOfEachTypeAndOneReadinessCheck() {
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints()))) {
            for (Class<?> type : BEAN_TYPES) {
                assertThat(beans(app, type)).as("beans of " + type.getSimpleName()).hasSize(1)
                        .allMatch(bean -> bean.getBeanClass() == EtcdExtension.class);
            }
            assertThat(beans(app, HealthCheck.class, Readiness.Literal.INSTANCE)).hasSize(1);
        }
    }

    @Test
    void withoutThePortableExtensionTheBuildCompatibleOneProvidesEachBeanOnceAndTheReadinessCheck() throws Exception {
        try (CdiApp app = CdiApp.startWithoutPortableExtension(CdiApp.settings(etcd.endpoints()))) {
            for (Class<?> type : BEAN_TYPES) {
                assertThat(beans(app, type)).as("beans of " + type.getSimpleName()).hasSize(1)
                        .noneMatch(bean -> bean.getBeanClass() == EtcdExtension.class);
            }
            assertThat(beans(app, HealthCheck.class, Readiness.Literal.INSTANCE)).hasSize(1);
            app.bean(ConfigStore.class).saveConfig("lite.key", "from the lite bean");
            assertThat(etcd.ctl().get("/config/application/lite.key")).contains("from the lite bean");
        }
    }

    @Test
    void withoutThePortableExtensionTheDeploymentIsRegisteredAtStartupAndDeregisteredAtShutdown() {
        String prefix = "/services/lite-orders/";
        try (CdiApp app = CdiApp.startWithoutPortableExtension(CdiApp.settings(etcd.endpoints(), "mp.app.name", "lite-orders",
                "etcd.registry.host", "127.0.0.1", "etcd.registry.port", "8123"))) {
            assertThat(etcd.ctl().getPrefix(prefix)).as("registered when the container has started, before any use")
                    .containsOnlyKeys(prefix + "lite-orders-127.0.0.1-8123");
            assertThat(app.bean(ServiceRegistry.class).instances("lite-orders")).hasSize(1);
        }
        assertThat(etcd.ctl().getPrefix(prefix)).as("deregistered at shutdown").isEmpty();
    }

    @Test
    void withoutThePortableExtensionShutdownDrainsTheDrainTimeBeforeDeregistering() throws Exception {
        String prefix = "/services/lite-drain/";
        List<Long> drainingAt = new CopyOnWriteArrayList<>();
        CdiApp app = CdiApp.startWithoutPortableExtension(CdiApp.settings(etcd.endpoints(), "mp.app.name", "lite-drain",
                "etcd.registry.host", "127.0.0.1", "etcd.registry.port", "8124", "etcd.registry.drain-time", "1500ms"));
        ServiceRegistry registry = app.bean(ServiceRegistry.class);
        registry.instances("lite-drain");
        registry.watch("lite-drain", instances -> {
            if (!instances.isEmpty() && instances.get(0).status().equals("DRAINING")) {
                drainingAt.add(System.nanoTime());
            }
        });
        long stopStart = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(app::close);
        // registered while draining: a watcher saw the record say DRAINING (reading etcd at some moment of the
        // drain instead would be a timing bound that a loaded machine can break)
        await().atMost(Duration.ofSeconds(5)).until(() -> !drainingAt.isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> etcd.ctl().getPrefix(prefix).isEmpty());
        long stopToGoneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart);
        assertThat(stopToGoneMillis).as("stop began to gone, ms: at least the drain time (1500 ms)").isGreaterThanOrEqualTo(1500L);
        stopped.get(10, TimeUnit.SECONDS);
    }

    @Test
    void withoutThePortableExtensionANarrowedConfigObserverFailsTheStartNamingTheQualifier() {
        assertThatThrownBy(() -> CdiApp.startWithoutPortableExtension(CdiApp.settings(etcd.endpoints()), NarrowedObserver.class)
                .close()).hasStackTraceContaining("@ConfigChanged on a ConfigChangeEvent observer is not supported under CDI Lite");
    }

    @ApplicationScoped
    static class NarrowedObserver {
        void onDb(@Observes @ConfigChanged("db.") ConfigChangeEvent event) {
        }
    }

    private static Set<Bean<?>> beans(CdiApp app, Class<?> type, Annotation... qualifiers) {
        return app.container().getBeanManager().getBeans(type, qualifiers);
    }

}
