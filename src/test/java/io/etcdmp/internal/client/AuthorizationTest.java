package io.etcdmp.internal.client;

import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * etcd authentication with a least-privilege role: read-only on the config prefixes, read-write on the
 * service's own registry prefix, read on the registry. That is enough for everything the library does,
 * and a missing permission is reported naming the permission, the key range and the user.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuthorizationTest {
    static final String ROOT_PW = "root-pw-Zq81";
    static final String USER = "orders";
    static final String USER_PW = "orders-pw-Kx52";
    private EtcdCluster etcd;
    private Etcdctl root;

    @BeforeEach
    void startEtcdWithAuth() {
        etcd = EtcdCluster.start();
        etcd.ctl().put("/config/application/shared", "s1");
        etcd.ctl().put("/config/orders/own", "o1");
        root = etcd.ctl().enableAuth(ROOT_PW);
        root.addUser(USER, USER_PW);
        root.addRole("orders-svc");
        root.grantRole(USER, "orders-svc");
    }

    @AfterEach
    void stopEtcd() {
        etcd.close();
    }

    private Map<String, String> settings() {
        return CdiApp.settings(etcd.endpoints(), "etcd.user", USER, "etcd.password", USER_PW, "mp.app.name", "orders",
                "etcd.registry.host", "127.0.0.1", "etcd.registry.port", "9100", "etcd.request-timeout", "2s");
    }

    private void grant(String type, String prefix) {
        root.grantPermission("orders-svc", type, prefix, true);
    }

    @Test
    void leastPrivilegeRoleIsEnoughForConfigRegistrationDiscoveryAndDeregistration() {
        grant("read", "/config/application/");
        grant("read", "/config/orders/");
        grant("readwrite", "/services/orders/");
        grant("read", "/services/");
        try (CdiApp app = CdiApp.start(settings())) {
            EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
            assertThat(source.getProperties()).containsEntry("shared", "s1").containsEntry("own", "o1");
            root.put("/config/orders/own", "o2");
            await().atMost(Duration.ofSeconds(10)).until(() -> "o2".equals(source.getValue("own")));

            ServiceRegistry registry = app.bean(ServiceRegistry.class);
            Registration self = registry.selfRegistration().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(self::isRegistered);
            assertThat(root.getPrefix("/services/orders/")).hasSize(1);
            assertThat(registry.instances("orders")).hasSize(1);
            assertThat(registry.services()).contains("orders");
        }
        assertThat(root.getPrefix("/services/")).as("deregistered at shutdown").isEmpty();
        assertThat(root.leaseList()).isEmpty();
    }

    @Test
    void missingReadPermissionOnAConfigPrefixFailsStartNamingPermissionPrefixAndUser() {
        grant("read", "/config/application/");
        grant("readwrite", "/services/orders/");
        assertThatThrownBy(() -> CdiApp.start(settings()).close())
                .satisfies(e -> assertThat(SecureConnectionTest.rootMessage(e))
                        .contains("permission denied").contains("read permission").contains("/config/orders/")
                        .contains("'" + USER + "'").doesNotContain(USER_PW));
    }

    @Test
    void missingWritePermissionOnTheOwnRegistryPrefixIsLoggedNamingPermissionKeyAndUser() {
        grant("read", "/config/application/");
        grant("read", "/config/orders/");
        grant("read", "/services/");
        try (LogCapture log = LogCapture.configured(); CdiApp app = CdiApp.start(settings())) {
            Registration self = app.bean(ServiceRegistry.class).selfRegistration().orElseThrow();
            assertThat(self.isRegistered()).isFalse();
            assertThat(log.warningsContaining("/services/orders/")).as(log.all()).anySatisfy(line -> assertThat(line)
                    .contains("permission denied").contains("write permission").contains("'" + USER + "'"));
            assertThat(log.all()).doesNotContain(USER_PW);
        }
    }
}
