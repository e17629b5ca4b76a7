package io.etcdmp.config;

import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What happens when etcd cannot be read at start, with etcd.config.optional false and true. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartupWithoutEtcdTest {

    @Test
    void requiredSourceFailsStartWithClearErrorNamingTheEndpoints() throws Exception {
        String endpoint = "http://127.0.0.1:" + unusedPort();
        Map<String, String> settings = CdiApp.settings(endpoint, "etcd.request-timeout", "1s", "etcd.connect-timeout", "500ms");
        assertThatThrownBy(() -> CdiApp.start(settings).close())
                .satisfies(e -> assertThat(messages(e))
                        .contains("Cannot read configuration from etcd at " + endpoint)
                        .contains("etcd.config.optional=true"));
    }

    @Test
    void optionalSourceStartsEmptyAndPicksUpValuesWithEventsWhenEtcdComesBack() {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/application/late.value", "arrived");
            etcd.stop(0);
            Map<String, String> settings = CdiApp.settings(etcd.endpoints(), "etcd.config.optional", "true",
                    "etcd.request-timeout", "1s");
            try (CdiApp app = CdiApp.start(settings)) {
                EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
                List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
                source.addChangeListener(events::add);
                assertThat(app.config().getOptionalValue("late.value", String.class)).isEmpty();
                assertThat(source.isLive()).isFalse();

                etcd.start(0);

                await().atMost(Duration.ofSeconds(30)).until(() -> "arrived".equals(source.getValue("late.value")));
                assertThat(app.config().getValue("late.value", String.class)).isEqualTo("arrived");
                await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.names().contains("late.value")));
                await().atMost(Duration.ofSeconds(5)).until(source::isLive);
            }
        }
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
