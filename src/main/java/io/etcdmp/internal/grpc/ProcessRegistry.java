package io.etcdmp.internal.grpc;

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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ServiceRegistry} a gRPC name resolver created by {@code ServiceLoader} uses: the application's CDI
 * bean when a CDI container runs (one cache, one watch per service, shared with {@code @Inject ServiceRegistry}),
 * else one registry for the process, built once from the library's settings (system properties, environment,
 * {@code microprofile-config.properties}: {@code etcd.endpoints}, {@code etcd.registry.prefix}, ...), which
 * registers nothing and is closed when the JVM exits.
 */
public final class ProcessRegistry {
    private static final System.Logger LOG = System.getLogger(ProcessRegistry.class.getName());
    private static EtcdServiceRegistry own;

    private ProcessRegistry() {
    }

    /** The registry to resolve names with. */
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

    private static synchronized ServiceRegistry ownRegistry() {
        if (own == null) {
            PropertyLookup settings = CliAccess.bootstrap();
            Map<String, String> metadata = new HashMap<>();
            settings.get(RegistrySettings.METADATA + ServiceInstance.ZONE).ifPresent(z -> metadata.put(ServiceInstance.ZONE, z));
            RegistrySettings registry = RegistrySettings.from(settings, metadata);
            EtcdServiceRegistry created;
            try {
                created = EtcdServiceRegistry.withOwnConnection(EtcdConnections.acquire(EtcdSettings.from(settings)), registry);
            } catch (RuntimeException e) {
                throw new EtcdMicroprofileException("Cannot open the service registry for gRPC's etcd:/// names: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(created::close, "etcd-grpc-registry-close"));
            LOG.log(Level.INFO, "gRPC etcd:/// names resolved by a registry of their own on {0} (no CDI container)", created);
            own = created;
        }
        return own;
    }
}
