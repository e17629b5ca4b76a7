package io.etcdmp.it.support;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The side of the services the application under test calls by name, in the test JVM: a registry of its
 * own (started on first use) that registers {@link CalledService}s and watches the application's record.
 */
final class PeerServices implements AutoCloseable {
    private final String endpoints;
    private EtcdConnection connection;
    private ServiceRegistry registry;
    private final List<CalledService> called = new ArrayList<>();
    private final Map<String, Registration> registrations = new LinkedHashMap<>();

    PeerServices(String endpoints) {
        this.endpoints = endpoints;
    }

    /** The test JVM's registry on the same etcd. */
    ServiceRegistry registry() {
        if (registry == null) {
            Map<String, String> settings = Map.of("etcd.endpoints", endpoints);
            connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(settings.get(name))));
            registry = new EtcdServiceRegistry(connection, RegistrySettings.from(name -> Optional.empty(), Map.of()));
        }
        return registry;
    }

    /** Starts a called service named {@code name} and registers it as an instance of {@code service}. */
    void register(String service, String name) {
        CalledService server = new CalledService(name);
        called.add(server);
        registrations.put(name, registry().register(new ServiceInstance(service, name, "127.0.0.1", server.port(),
                "http", Map.of(), Optional.empty())));
    }

    /** Registers {@code name} as an {@code UP} instance of {@code service} on a loopback port nobody listens on. */
    void registerRefusing(String service, String name) {
        int port;
        try (CalledService closed = new CalledService(name)) {
            port = closed.port();
        }
        registrations.put(name, registry().register(new ServiceInstance(service, name, "127.0.0.1", port, "http",
                Map.of(), Optional.empty())));
    }

    Registration registration(String name) {
        return registrations.get(name);
    }

    /** Removes the registration of {@code name} from the ones kept, to drain or close it. */
    Registration remove(String name) {
        return registrations.remove(name);
    }

    CalledService called(String name) {
        return called.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        try {
            if (registry != null) {
                registry.close();
                connection.close();
            }
        } finally {
            called.forEach(CalledService::close);
        }
    }
}
