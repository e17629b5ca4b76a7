package io.etcdmp.cdi;

import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deployment registers itself only once the runtime serves, and never publishes port 0. Helidon MP
 * starts its HTTP server in an observer of the application scope's start at priority
 * {@code PLATFORM_AFTER + 100}; a record published before it would send callers to a closed port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelfRegistrationTimingTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    /** Stands in for the runtime's server start (Helidon MP's ServerCdiExtension.startServer). */
    @ApplicationScoped
    static class RuntimeServerStart {
        static volatile Map<String, String> recordsWhenServerStarted;

        void startServer(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 100) @Initialized(ApplicationScoped.class) Object event) {
            recordsWhenServerStarted = etcd.ctl().getPrefix("/services/timed/");
        }
    }

    @Test
    void theInstanceIsRegisteredOnlyAfterTheRuntimeStartedItsServer() {
        RuntimeServerStart.recordsWhenServerStarted = null;
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "timed",
                "etcd.registry.host", "127.0.0.1", "etcd.registry.port", "9501"), RuntimeServerStart.class)) {
            assertThat(RuntimeServerStart.recordsWhenServerStarted).as("records when the server started").isNotNull().isEmpty();
            assertThat(etcd.ctl().getPrefix("/services/timed/")).as("records once the container is up").hasSize(1);
        }
    }

    @Test
    void aRandomPortThatTheRuntimeDoesNotTellIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> CdiApp.start(CdiApp.settings(etcd.endpoints(), "mp.app.name", "timed",
                "etcd.registry.host", "127.0.0.1", "server.port", "0")).close())
                .hasStackTraceContaining("etcd.registry.port").hasStackTraceContaining("port 0");
        assertThat(etcd.ctl().getPrefix("/services/timed/")).as("nothing published").isEmpty();
    }
}
