package io.etcdmp.cdi;

import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.LocalEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application's test as docs/TESTING.md ("Testing your application") writes it: weld-junit5 with the
 * library, and etcd from the testing artifact in one line (endpoints set, keyspace cleared, faults).
 */
@EnableWeld
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TestingArtifactUsageTest {

    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @ApplicationScoped
    static class OrderService {
        @Inject
        @ConfigProperty(name = "greeting", defaultValue = "none")
        jakarta.inject.Provider<String> greeting;

        String greeting() {
            return greeting.get();
        }
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
            .addExtensions(new io.smallrye.config.inject.ConfigExtension(), new EtcdExtension())
            .addBeanClasses(OrderService.class)).build();

    @Inject
    OrderService service;

    @Inject
    ServiceRegistry registry;

    @AfterAll
    static void releaseConfig() {
        // only because this suite's other test classes use etcds of their own: an application whose test
        // classes all use LocalEtcd share one etcd, and its cached Config stays valid
        CdiApp.releaseKeptConfig();
    }

    @Test
    @Order(1)
    void configComesFromTheTestEtcdAndChangesLive() {
        assertThat(service.greeting()).isEqualTo("none");
        etcd.put("/config/application/greeting", "hello");
        await().atMost(Duration.ofSeconds(5)).until(() -> "hello".equals(service.greeting()));
    }

    @Test
    @Order(2)
    void theNextTestStartsFromAnEmptyKeyspace() {
        assertThat(etcd.getPrefix("/config/")).isEmpty();
        assertThat(service.greeting()).isEqualTo("none");
    }

    @Test
    @Order(3)
    void afterEtcdRestartsTheApplicationSeesChangesAndStaysRegistered() throws Exception {
        Registration registration = registry.register(ServiceInstance.of("billing", "127.0.0.1", 8080));
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.instances("billing").size() == 1);
        long lease = registration.leaseId().orElseThrow();
        AtomicBoolean seenMissing = new AtomicBoolean();
        try (AutoCloseable watch = registry.watch("billing", instances -> seenMissing.compareAndSet(false, instances.isEmpty()))) {
            etcd.restart(0);
            etcd.put("/config/application/greeting", "after the restart");
            await().atMost(Duration.ofSeconds(15)).until(() -> "after the restart".equals(service.greeting()));
            assertThat(etcd.getPrefix("/services/billing/")).hasSize(1);
            assertThat(registry.instances("billing")).hasSize(1);
        }
        // stayed registered: the same lease, never registered again, never missing from a watcher's view
        assertThat(registration.leaseId()).as("the lease after the restart").hasValue(lease);
        assertThat(registration.reRegistrations()).as("registered again").isZero();
        assertThat(seenMissing).as("the instance was missing from the registry's view at some point").isFalse();
    }
}
