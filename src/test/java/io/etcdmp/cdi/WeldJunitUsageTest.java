package io.etcdmp.cdi;

import io.etcdmp.config.ConfigStore;
import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The weld-junit5 set-up docs/TESTING.md gives, as written there: both extensions named, etcd.endpoints set first. */
@EnableWeld
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WeldJunitUsageTest {
    @RegisterExtension
    @Order(1)
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    @ApplicationScoped
    static class OrderService {
        @Inject
        @ConfigProperty(name = "greeting")
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
    ConfigStore store;

    @BeforeAll
    static void pointAtEtcd() {
        System.setProperty("etcd.endpoints", etcd.endpoints());
    }

    @AfterAll
    static void releaseConfig() {
        System.clearProperty("etcd.endpoints");
        CdiApp.releaseKeptConfig();
    }

    @Test
    void injectedPropertiesComeFromEtcdAndChangeLive() {
        etcd.ctl().put("/config/application/greeting", "hello"); // the prefix is emptied before each test
        await().atMost(Duration.ofSeconds(5)).until(() -> "hello".equals(service.greeting()));
        etcd.ctl().put("/config/application/greeting", "changed");
        await().atMost(Duration.ofSeconds(5)).until(() -> "changed".equals(service.greeting()));
    }

    @Test
    void aSecondTestOfTheClassGetsALiveSourceToo() {
        store.at("/config/application/").saveConfig("greeting", "from the store");
        await().atMost(Duration.ofSeconds(5)).until(() -> "from the store".equals(service.greeting()));
        assertThat(EtcdConfigSource.of(ConfigProvider.getConfig()).get(0).isLive()).isTrue();
    }
}
