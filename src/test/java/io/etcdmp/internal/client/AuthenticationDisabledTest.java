package io.etcdmp.internal.client;

import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.internal.config.EtcdConfigStore;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * etcd.user and etcd.password set for an etcd without authentication: etcd answers "authentication is not
 * enabled", and the message says so instead of blaming the credentials.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthenticationDisabledTest {
    static final String PASSWORD = "pw-Qx81-never-shown";

    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void aRequiredConfigSourceFailsToStartSayingEtcdHasAuthenticationDisabled() {
        Map<String, String> settings = CdiApp.settings(etcd.endpoints(), "etcd.user", "root", "etcd.password", PASSWORD,
                "etcd.request-timeout", "2s", "etcd.config.start-timeout", "1s");

        assertThatThrownBy(() -> CdiApp.start(settings).close())
                .satisfies(e -> assertSaysAuthenticationDisabled(SecureConnectionTest.rootMessage(e)));
    }

    @Test
    void aConfigStoreCallSaysEtcdHasAuthenticationDisabled() {
        try (EtcdConnection connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(Map.of(
                "etcd.endpoints", etcd.endpoints(), "etcd.user", "root", "etcd.password", PASSWORD,
                "etcd.request-timeout", "2s").get(name))))) {
            ConfigStore store = new EtcdConfigStore(connection, "/config/orders/");

            assertThatThrownBy(() -> store.getConfig("db.url"))
                    .satisfies(e -> assertSaysAuthenticationDisabled(e.getMessage()));
        }
    }

    @Test
    void theCommandLineConnectionSaysEtcdHasAuthenticationDisabled() {
        try (ToolConnection tool = ToolConnection.open(Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(),
                ToolConnection.USER, "root", ToolConnection.PASSWORD, PASSWORD, ToolConnection.REQUEST_TIMEOUT, "2s"))) {

            assertThatThrownBy(() -> tool.readPrefix("/config/", 0, page -> { }))
                    .satisfies(e -> assertSaysAuthenticationDisabled(e.getMessage()));
        }
    }

    private static void assertSaysAuthenticationDisabled(String message) {
        assertThat(message).contains("etcd at " + etcd.endpoints() + " has authentication disabled but etcd.user 'root' is set")
                .contains("remove etcd.user/etcd.password, or enable authentication in etcd")
                .doesNotContain("refused the credentials").doesNotContain(PASSWORD);
    }
}
