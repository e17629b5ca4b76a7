package io.etcdmp.internal.client;

import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.config.EtcdConfigStore;
import io.etcdmp.testing.LocalEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code etcd.endpoints=127.0.0.1:2379}, as etcdctl accepts it: the library connects over plain HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndpointWithoutSchemeTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    @Test
    void aHostAndPortWithoutSchemeConnectsToEtcd() {
        URI url = URI.create(etcd.clientUrls().get(0));
        String hostAndPort = url.getHost() + ":" + url.getPort();
        etcd.ctl().put("/config/orders/db.url", "jdbc:one");

        try (EtcdConnection connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(
                Map.of("etcd.endpoints", hostAndPort, "etcd.request-timeout", "2s").get(name))))) {
            ConfigStore store = new EtcdConfigStore(connection, "/config/orders/");

            assertThat(store.getConfig("db.url")).contains("jdbc:one");
            assertThat(connection.settings().endpointList()).isEqualTo("http://" + hostAndPort);
        }
    }
}
