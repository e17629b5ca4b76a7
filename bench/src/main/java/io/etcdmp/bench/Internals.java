package io.etcdmp.bench;

import io.etcd.jetcd.Client;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.internal.secrets.AesGcmCipher;
import io.etcdmp.internal.secrets.EncryptedValue;
import io.etcdmp.registry.ServiceRegistry;

import java.util.Map;
import java.util.Optional;

/**
 * The one file of the benchmarks that touches {@code io.etcdmp.internal} (the library's
 * {@code ModuleSeamsTest} fails on any other): every figure is measured through the public API and the
 * testing artifact, except where a method here says why the API cannot give it. What it uses may change
 * with the library; it is compiled with the library of the same build.
 */
final class Internals {
    private Internals() {
    }

    /**
     * {@code clear} encrypted with {@code key} in the {@code ${aes-gcm-nopadding::...}} form. Why: the API has no
     * encryption (applications only read encrypted values; operators encrypt with {@code etcdmp encrypt}).
     */
    static String encrypted(String key, String clear) {
        return EncryptedValue.wrap(AesGcmCipher.of(key, false, "bench").encrypt(clear));
    }

    /** Binds the library's metrics to an OpenTelemetry instance (the metrics rows); closing the result unbinds. */
    static AutoCloseable bindMetrics(Object openTelemetry) {
        return io.etcdmp.internal.metrics.Metrics.bindTo(openTelemetry);
    }

    /**
     * A {@link ServiceRegistry} outside CDI, on a connection of its own that it closes with it. Why: the API
     * gives a registry only as a CDI bean, but the registry figures time the registry itself, not a CDI
     * container around it, and need several registries with different settings (TTL) in one JVM, and in
     * small child JVMs (crash victims, scale registrants) that should not boot a container.
     *
     * @param registrySettings {@code etcd.registry.*} settings, e.g. {@code etcd.registry.ttl}
     */
    static ServiceRegistry registry(String endpoints, Map<String, String> registrySettings) {
        EtcdConnection connection = EtcdConnections.acquire(EtcdSettings.builder().endpoints(endpoints.split(",")).build());
        return owning(connection, registrySettings);
    }

    /**
     * A {@link ServiceRegistry} on a jetcd client the benchmark built (the client stays the caller's). Why:
     * counting the RPCs the registry sends needs a gRPC interceptor on its client; the API builds its own.
     */
    static ServiceRegistry registryOn(Client client, String endpoint, Map<String, String> registrySettings) {
        return owning(EtcdConnections.borrow(client, EtcdSettings.builder().endpoints(endpoint).build()), registrySettings);
    }

    /**
     * Holds the library's shared connection for the settings a config source would read now (system
     * properties, {@code etcd.endpoints} replaced by {@code endpoints} when not null) and returns its jetcd
     * client, to seed keys with. Why: a config source started while this is held reuses the connection, so a
     * start figure times the source (read, index, watch), not the creation of a jetcd client and its threads;
     * the API has no handle on the connection but a source, which would add a watch of its own.
     */
    static HeldConnection holdConnection(String endpoints) {
        EtcdConnection connection = EtcdConnections.acquire(EtcdSettings.from(name -> endpoints != null
                && name.equals("etcd.endpoints") ? Optional.of(endpoints) : Optional.ofNullable(System.getProperty(name))));
        return new HeldConnection(connection.client(), connection::close);
    }

    /** A held connection: its client, and the handle that lets it go. */
    record HeldConnection(Client client, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    private static ServiceRegistry owning(EtcdConnection connection, Map<String, String> registrySettings) {
        RegistrySettings settings = RegistrySettings.from(name -> Optional.ofNullable(registrySettings.get(name)), Map.of());
        return new EtcdServiceRegistry(connection, settings) {
            @Override
            public void close() {
                try {
                    super.close();
                } finally {
                    connection.close();
                }
            }
        };
    }

    /**
     * Registers {@code instance} as a self-registration whose record publishes {@code applied}. Why: the API
     * publishes the config revision only for the deployment's own registration, made by the CDI extension.
     */
    static io.etcdmp.registry.Registration registerSelf(ServiceRegistry registry, io.etcdmp.registry.ServiceInstance instance,
                                                        Applied applied) {
        return ((EtcdServiceRegistry) registry).registerSelf(instance, applied);
    }

    /** A config revision set by the benchmark, as the config sources would report it. */
    static final class Applied implements io.etcdmp.internal.registry.AppliedConfig {
        private volatile long revision;
        private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

        Applied(long revision) {
            this.revision = revision;
        }

        @Override
        public long revision() {
            return revision;
        }

        @Override
        public boolean stale() {
            return false;
        }

        @Override
        public AutoCloseable onChange(Runnable changed) {
            listeners.add(changed);
            return () -> listeners.remove(changed);
        }

        void change(long newRevision) {
            revision = newRevision;
            listeners.forEach(Runnable::run);
        }
    }
}
