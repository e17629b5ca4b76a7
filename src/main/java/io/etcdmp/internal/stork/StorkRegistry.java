package io.etcdmp.internal.stork;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.CliAccess;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ServiceRegistry} Stork's {@code etcd} discovery and registrar use: the application's CDI bean when a
 * CDI container runs (Quarkus: one cache, one watch per service, the same leases as {@code @Inject ServiceRegistry}),
 * else one registry for the process, built once from the library's settings (system properties, environment,
 * {@code microprofile-config.properties}: {@code etcd.endpoints}, {@code etcd.registry.prefix}, ...), which registers
 * nothing by itself and is closed when the JVM exits.
 */
public final class StorkRegistry {
    private static final System.Logger LOG = System.getLogger(StorkRegistry.class.getName());
    private static EtcdServiceRegistry own;

    private StorkRegistry() {
    }

    /** The registry to discover and register with. */
    public static ServiceRegistry get() {
        try {
            return jakarta.enterprise.inject.spi.CDI.current().select(ServiceRegistry.class).get();
        } catch (RuntimeException | LinkageError noContainer) {
            return ownRegistry();
        }
    }

    /** The zone the registry's choices prefer ({@code etcd.registry.metadata.zone}), when it is the library's registry. */
    public static Optional<String> zoneOf(ServiceRegistry registry) {
        return registry instanceof EtcdServiceRegistry ours ? ours.settings().zone() : Optional.empty();
    }

    /** Where {@code registry} reads {@code service}'s records: the prefix and, when it is the library's registry, the endpoints. */
    public static String where(ServiceRegistry registry, String service) {
        String prefix = registry.prefix() + service + "/";
        return registry instanceof EtcdServiceRegistry ours ? prefix + " at " + ours.connectionSettings().endpointList() : prefix;
    }

    /** How long {@code registry} waits for one etcd request ({@code etcd.request-timeout}; its default for a registry not the library's). */
    public static Duration requestTimeout(ServiceRegistry registry) {
        return registry instanceof EtcdServiceRegistry ours ? ours.connectionSettings().requestTimeout() : EtcdSettings.DEFAULT_TIMEOUT;
    }

    private static synchronized ServiceRegistry ownRegistry() {
        if (own == null) {
            PropertyLookup settings = CliAccess.bootstrap();
            Map<String, String> metadata = new HashMap<>();
            settings.get(RegistrySettings.METADATA + ServiceInstance.ZONE).ifPresent(z -> metadata.put(ServiceInstance.ZONE, z));
            EtcdServiceRegistry created;
            try {
                created = EtcdServiceRegistry.withOwnConnection(EtcdConnections.acquire(EtcdSettings.from(settings)),
                        RegistrySettings.from(settings, metadata));
            } catch (RuntimeException e) {
                throw new EtcdMicroprofileException("Cannot open the service registry for Stork's etcd discovery: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(created::close, "etcd-stork-registry-close"));
            LOG.log(Level.INFO, "Stork's etcd discovery uses a registry of its own on {0} (no CDI container)", created);
            own = created;
        }
        return own;
    }
}
