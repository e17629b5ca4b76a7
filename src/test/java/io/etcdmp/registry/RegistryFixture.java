package io.etcdmp.registry;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link ServiceRegistry} outside CDI, on its own connection, for the registry tests. */
public final class RegistryFixture implements AutoCloseable {
    public final EtcdConnection connection;
    public final EtcdServiceRegistry registry;

    public RegistryFixture(String endpoints, String... settings) {
        Map<String, String> map = new HashMap<>();
        map.put("etcd.endpoints", endpoints);
        for (int i = 0; i + 1 < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(map.get(name))));
        registry = new EtcdServiceRegistry(connection, RegistrySettings.from(name -> Optional.ofNullable(map.get(name)), Map.of()));
    }

    @Override
    public void close() {
        registry.close();
        connection.close();
    }
}
