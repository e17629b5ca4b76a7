package io.etcdmp.internal.process;

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
 * The {@link ServiceRegistry} of every way of calling by name made by a {@code ServiceLoader} (gRPC's {@code etcd:///}
 * resolver, Stork's {@code etcd} discovery and registrar): the application's CDI bean when a CDI container runs (one
 * cache, one watch per service, the same leases as {@code @Inject ServiceRegistry}), else one registry for the whole
 * process, whoever asks first, built once from the library's settings (system properties, environment,
 * {@code microprofile-config.properties}: {@code etcd.endpoints}, {@code etcd.registry.prefix}, ...): a process using
 * gRPC and Stork opens one registry and one connection. It registers nothing by itself and is closed when the JVM exits.
 */
public final class ProcessRegistry {
    private static final System.Logger LOG = System.getLogger(ProcessRegistry.class.getName());
    private static EtcdServiceRegistry own; // guarded by ProcessRegistry.class

    private ProcessRegistry() {
    }

    /**
     * The registry to resolve, discover and register with.
     *
     * @param caller who asks, for the log line and the error when the process's registry is opened (e.g.
     *               {@code "gRPC's etcd:/// names"})
     */
    public static ServiceRegistry get(String caller) {
        try {
            return jakarta.enterprise.inject.spi.CDI.current().select(ServiceRegistry.class).get();
        } catch (RuntimeException | LinkageError noContainer) {
            return ownRegistry(caller);
        }
    }

    /** The zone the registry's choices prefer ({@code etcd.registry.metadata.zone}), when it is the library's registry. */
    public static Optional<String> zoneOf(ServiceRegistry registry) {
        return registry instanceof EtcdServiceRegistry ours ? ours.settings().zone() : Optional.empty();
    }

    /**
     * Whether {@code registry} is closed (its CDI container stopped, or the process's registry at exit): its followers get
     * no further list and should follow the registry {@link #get(String)} gives now. A registry not the library's: never.
     */
    public static boolean isClosed(ServiceRegistry registry) {
        return registry instanceof EtcdServiceRegistry ours && ours.isClosed();
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

    private static synchronized ServiceRegistry ownRegistry(String caller) {
        if (own == null) {
            PropertyLookup settings = CliAccess.bootstrap();
            Map<String, String> metadata = new HashMap<>();
            settings.get(RegistrySettings.METADATA + ServiceInstance.ZONE).ifPresent(z -> metadata.put(ServiceInstance.ZONE, z));
            EtcdServiceRegistry created;
            try {
                created = EtcdServiceRegistry.withOwnConnection(EtcdConnections.acquire(EtcdSettings.from(settings)),
                        RegistrySettings.from(settings, metadata));
            } catch (RuntimeException e) {
                throw new EtcdMicroprofileException("Cannot open the service registry for " + caller + ": " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(created::close, "etcd-process-registry-close"));
            LOG.log(Level.INFO, "The process''s service registry (no CDI container) is open on {0}, first asked for by {1}; "
                    + "every etcd:/// channel and Stork etcd service of the process uses it", created, caller);
            own = created;
        }
        return own;
    }
}
