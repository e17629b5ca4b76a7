package io.etcdmp.grpc;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.ServiceRegistry;
import io.grpc.Attributes;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Resolves {@code etcd:///<service>} targets of grpc-java channels to the instances of {@code <service>} in the
 * library's service registry (records under {@code <prefix><service>/}, default {@code /services/}): the instances
 * with status {@code UP}, those in the caller's zone ({@code etcd.registry.metadata.zone}) only when any is there,
 * kept current by the registry's watch. Each address carries the instance's {@link #WEIGHT} and
 * {@link #INSTANCE_ID} as attributes.
 *
 * <p>Found by {@code ServiceLoader} ({@code META-INF/services/io.grpc.NameResolverProvider}): it then uses the
 * application's {@code ServiceRegistry} bean when a CDI container runs, else one registry per process built from
 * the library's settings ({@code etcd.endpoints}, ...). With an explicit registry:
 * {@code NameResolverRegistry names = new NameResolverRegistry(); names.register(new EtcdNameResolverProvider(registry));}
 * and {@code Grpc.newChannelBuilder("etcd:///billing", creds).nameResolverFactory(...)} or the channel builder's
 * {@code nameResolverRegistry(names)}.
 *
 * <p>The authority names no cluster: {@code etcd://<authority>/billing} is refused with an
 * {@link IllegalArgumentException} (one registry per provider; for another cluster, register a provider made with
 * that cluster's registry in a {@code NameResolverRegistry} of its own).
 */
public final class EtcdNameResolverProvider extends NameResolverProvider {
    /** The target scheme: {@code etcd:///billing}. */
    public static final String SCHEME = "etcd";
    /** The instance's weight (metadata {@code weight}, whole number, default 100): for a weighted policy. */
    public static final Attributes.Key<Integer> WEIGHT = Attributes.Key.create("io.etcdmp.grpc.weight");
    /** The instance id (the last segment of its record's key). */
    public static final Attributes.Key<String> INSTANCE_ID = Attributes.Key.create("io.etcdmp.grpc.instance-id");

    private final Supplier<ServiceRegistry> registry;
    private final int priority;

    /** The provider {@code ServiceLoader} makes: the CDI bean, else the process's own registry, looked up on first use. */
    public EtcdNameResolverProvider() {
        this.registry = () -> ProcessRegistry.get("gRPC's etcd:/// names");
        this.priority = 5;
    }

    /**
     * A provider that resolves through {@code registry} (which stays the caller's to close). Its priority is 6, one
     * above the {@code ServiceLoader}-made one, so that {@code NameResolverRegistry.getDefaultRegistry().register(it)}
     * makes every {@code etcd:///} channel of the process use {@code registry}.
     */
    public EtcdNameResolverProvider(ServiceRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry is null: pass the ServiceRegistry to resolve etcd:/// names with");
        }
        this.registry = () -> registry;
        this.priority = 6;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return priority;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equalsIgnoreCase(target.getScheme())) {
            return null;
        }
        return new EtcdNameResolver(serviceOf(target), registry, args);
    }

    /** The service an {@code etcd:///<service>} target names; a clear error for any other shape. */
    static String serviceOf(URI target) {
        if (target.getAuthority() != null && !target.getAuthority().isEmpty()) {
            throw new IllegalArgumentException("Cannot resolve " + target + ": the authority '" + target.getAuthority()
                    + "' would name an etcd cluster, which this resolver does not do; write etcd:///<service> (the cluster "
                    + "of etcd.endpoints), or register an EtcdNameResolverProvider made with that cluster's ServiceRegistry");
        }
        String path = target.getPath() == null ? "" : target.getPath();
        String service = path.startsWith("/") ? path.substring(1) : path;
        if (service.isEmpty() || service.contains("/")) {
            throw new IllegalArgumentException("Cannot resolve " + target + ": write etcd:///<service>, one service name "
                    + "without '/' (its instances are the records under <etcd.registry.prefix><service>/)");
        }
        return service;
    }
}
