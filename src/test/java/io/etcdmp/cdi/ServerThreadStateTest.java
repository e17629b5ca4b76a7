package io.etcdmp.cdi;

import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.InternalThreadLocalMap;
import jakarta.enterprise.context.control.RequestContextController;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library leaves no Netty thread-local state on threads it does not own: in an application server
 * such state on a server thread keeps the undeployed application's class loader alive (Open Liberty).
 * The test thread plays the server's thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerThreadStateTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd();

    @BeforeEach
    void startClean() {
        FastThreadLocal.removeAll();
    }

    private static Map<String, String> settings() {
        return CdiApp.settings(etcd.endpoints(), "mp.app.name", "orders", "etcd.registry.host", "127.0.0.1",
                "etcd.registry.port", "8080");
    }

    @Test
    void startingAndStoppingTheApplicationLeaveNoNettyStateOnTheThreadThatDidIt() {
        try (CdiApp app = CdiApp.start(settings())) {
            assertThat(app.bean(ServiceRegistry.class).selfRegistration()).isPresent();
            assertThat(InternalThreadLocalMap.getIfSet()).as("after start (config read, registration)").isNull();
        }
        assertThat(InternalThreadLocalMap.getIfSet()).as("after stop (deregistration, close)").isNull();
    }

    @Test
    void aRequestThatCalledEtcdLeavesNoNettyStateOnItsThread() {
        try (CdiApp app = CdiApp.start(settings())) {
            RequestContextController request = app.bean(RequestContextController.class);
            request.activate();
            assertThat(app.bean(ServiceRegistry.class).instances("orders")).hasSize(1);
            assertThat(InternalThreadLocalMap.getIfSet()).as("the etcd call left Netty state while the request ran")
                    .isNotNull();
            request.deactivate();
            assertThat(InternalThreadLocalMap.getIfSet()).as("after the request").isNull();
        }
    }
}
