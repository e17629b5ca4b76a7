package io.etcdmp.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.EtcdException;
import io.etcdmp.OptionalApis;
import io.etcdmp.client.EtcdConnection;
import io.etcdmp.client.EtcdFailures;
import io.etcdmp.watch.KeyRanges;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The service registry on etcd: register instances under leases that are kept alive and replaced when
 * lost, list and choose instances from a local cache kept current by a watch, and follow changes.
 * Records: key {@code <prefix><service>/<instance-id>}, value in etcd's gRPC naming shape
 * {@code {"Addr":"host:port","Metadata":{...}}}.
 *
 * <p>In CDI it is a bean ({@code @Inject ServiceRegistry}) that also registers the deployment itself
 * (see {@link RegistrySettings}). Outside CDI: {@code new ServiceRegistry(connection, settings)},
 * closed when done.
 */
public class ServiceRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServiceRegistry.class.getName());
    /** The URI scheme that names a service instead of a host: {@code etcd://billing/api}. */
    public static final String SCHEME = "etcd";
    /**
     * The host name suffix that names a service in an {@code http}/{@code https} URI: {@code http://billing.etcd/api}.
     * Rest Client implementations that turn the base URI into a {@code java.net.URL} (Jersey's, in Helidon and
     * Payara) refuse the {@code etcd} scheme; this form passes everywhere.
     */
    public static final String HOST_SUFFIX = ".etcd";

    /**
     * How {@link #choose(String, Strategy)} picks among the instances that qualify (status {@code UP},
     * the caller's zone when any is in it, weight above 0): setting {@code etcd.discovery.strategy}.
     */
    public enum Strategy {
        /** Smooth weighted round-robin: in turn, each instance as often as its weight says, spread out. */
        ROUND_ROBIN,
        /** Weighted random. */
        RANDOM,
        /** Of two instances drawn by weight, the one with fewer requests in flight ({@link #inFlight()}). */
        POWER_OF_TWO
    }

    private final EtcdConnection connection;
    private final RegistrySettings settings;
    private final Map<String, ServiceCache> caches = new ConcurrentHashMap<>();
    /** More followed services than this: one watch on the registry prefix instead of one per service. */
    static final int WATCH_ALL_AFTER = 16;
    /** The watch on the whole registry prefix, once the registry follows many services; null before. */
    private volatile RegistryWatch wide;
    private final InstanceSelector selector;
    private final List<RecordKeeper> registrations = new CopyOnWriteArrayList<>();
    /** The one lease all registrations made here share, and the watch that restores their deleted records. */
    private final SharedLease lease;
    private final RecordGuard guard;
    private final List<Consumer<ServiceChangeEvent>> everyChange = new CopyOnWriteArrayList<>();
    /** Null until checked; empty when JSON-P can be used. */
    private static volatile Optional<String> jsonProblem;
    private volatile RecordKeeper self;
    private volatile boolean closed;
    private final boolean ownsConnection;

    /** A registry on {@code connection}, which stays the caller's: close the registry first, then the connection. */
    public ServiceRegistry(EtcdConnection connection, RegistrySettings settings) {
        this(connection, settings, false);
    }

    private ServiceRegistry(EtcdConnection connection, RegistrySettings settings, boolean ownsConnection) {
        this.connection = connection;
        this.settings = settings;
        this.ownsConnection = ownsConnection;
        this.selector = new InstanceSelector(settings.zone());
        this.lease = new SharedLease(connection, Math.max(1, settings.ttl().toSeconds()), settings.prefix());
        this.guard = new RecordGuard(connection, settings.prefix());
    }

    /**
     * A registry that closes {@code connection} when it is closed, after revoking its leases: its
     * registrations never outlive their connection, whatever else closes first.
     */
    public static ServiceRegistry withOwnConnection(EtcdConnection connection, RegistrySettings settings) {
        return new ServiceRegistry(connection, settings, true);
    }

    public RegistrySettings settings() {
        return settings;
    }

    /**
     * Registers an instance under the lease this registry's registrations share (TTL {@code etcd.registry.ttl})
     * and keeps it registered until the returned handle is closed. When etcd cannot be reached now, the registration is
     * retried in the background (see {@link Registration#isRegistered()}).
     */
    public Registration register(ServiceInstance instance) {
        requireJson();
        if (closed) {
            throw new EtcdException("The service registry is closed; cannot register " + instance.service());
        }
        RecordKeeper keeper = new RecordKeeper(connection, settings.prefix(), instance, lease, guard, registrations::remove);
        registrations.add(keeper);
        keeper.start();
        return keeper;
    }

    /** Registers this deployment as configured ({@code etcd.registry.*}); done by the CDI extension at start. */
    public Registration registerSelf() {
        return registerSelf(settings.selfInstance());
    }

    /** Registers {@code instance} as this deployment's own instance (see {@link #selfRegistration()}). */
    public Registration registerSelf(ServiceInstance instance) {
        RecordKeeper keeper = (RecordKeeper) register(instance);
        self = keeper;
        return keeper;
    }

    /** The registration of this deployment, once made. */
    public Optional<Registration> selfRegistration() {
        return Optional.ofNullable(self);
    }

    /** The instances of a service, from the local cache (loaded from etcd by the first call for the service). */
    public List<ServiceInstance> instances(String service) {
        return cache(service).instances();
    }

    /** The names of the services that have at least one record now (read from etcd, keys only). */
    public Set<String> services() {
        ByteSequence root = ByteSequence.from(settings.prefix(), StandardCharsets.UTF_8);
        GetOption keysOnly = GetOption.builder().withRange(KeyRanges.prefixEnd(root)).withKeysOnly(true).build();
        Set<String> names = new TreeSet<>();
        try {
            for (KeyValue kv : connection.client().getKVClient().get(root, keysOnly)
                    .get(connection.settings().requestTimeout().toMillis(), TimeUnit.MILLISECONDS).getKvs()) {
                String rest = kv.getKey().substring(root.size()).toString(StandardCharsets.UTF_8);
                int slash = rest.indexOf('/');
                if (slash > 0) {
                    names.add(rest.substring(0, slash));
                }
            }
        } catch (Exception e) {
            throw new EtcdException("Cannot list services under " + settings.prefix() + " at "
                    + connection.settings().endpointList() + ": " + (EtcdFailures.isPermissionDenied(e)
                    ? EtcdFailures.missingPermission(connection.settings(), "read", settings.prefix())
                    : EtcdFailures.describe(e)), e);
        }
        return names;
    }

    /** One instance from the cache by the strategy of {@code etcd.discovery.strategy} (default round-robin). */
    public Optional<ServiceInstance> choose(String service) {
        return choose(service, settings.strategy());
    }

    /** One instance from the cache: empty when no instance has status {@code UP}. */
    public Optional<ServiceInstance> choose(String service, Strategy strategy) {
        return selector.choose(service, instances(service), strategy);
    }

    /**
     * The base URI of one instance of {@code service}, chosen like {@link #choose(String)}: for plain JAX-RS
     * clients, {@code client.target(registry.uri("billing").orElseThrow()).path("api")}. Ask again per
     * request to spread the requests and skip instances that left or are draining.
     */
    public Optional<URI> uri(String service) {
        return choose(service).map(i -> i.resolve(URI.create(SCHEME + "://" + service)));
    }

    /**
     * The service a URI names: {@code etcd://<service>/...}, or {@code http(s)://<service>.etcd/...} (no port);
     * empty for any other URI. A name not valid as a host name (such as {@code billing_v2}) is taken as written.
     */
    public static Optional<String> serviceOf(URI uri) {
        if (uri == null || uri.getScheme() == null) {
            return Optional.empty();
        }
        String host = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        if (SCHEME.equalsIgnoreCase(uri.getScheme())) {
            return Optional.of(host);
        }
        boolean web = uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https");
        if (web && uri.getPort() == -1 && host.length() > HOST_SUFFIX.length()
                && host.regionMatches(true, host.length() - HOST_SUFFIX.length(), HOST_SUFFIX, 0, HOST_SUFFIX.length())) {
            return Optional.of(host.substring(0, host.length() - HOST_SUFFIX.length()));
        }
        return Optional.empty();
    }

    /** The requests in flight per instance that {@link Strategy#POWER_OF_TWO} compares; callers count theirs here. */
    public InFlightRequests inFlight() {
        return selector.inFlight();
    }

    /**
     * Calls {@code listener} with the full instance list after every change of the service (join,
     * leave, record change), in revision order. Closing the handle stops it.
     */
    public AutoCloseable watch(String service, Consumer<List<ServiceInstance>> listener) {
        return cache(service).addListener(event -> listener.accept(event.instances()));
    }

    /** Receives every change of every service this registry follows; the CDI extension fires them as events. */
    public AutoCloseable onEveryChange(Consumer<ServiceChangeEvent> listener) {
        everyChange.add(listener);
        return () -> everyChange.remove(listener);
    }

    /** True when every followed service has a live watch. */
    public boolean isWatchLive() {
        return caches.values().stream().allMatch(ServiceCache::isLive);
    }

    /** JSON-P is there (checked once): a clear error instead of a NoClassDefFoundError deep in a call. */
    private static void requireJson() {
        Optional<String> problem = jsonProblem;
        if (problem == null) {
            problem = OptionalApis.jsonProblem();
            jsonProblem = problem;
        }
        problem.ifPresent(message -> {
            throw new EtcdException(message);
        });
    }

    private ServiceCache cache(String service) {
        requireJson();
        if (closed) {
            throw new EtcdException("The service registry is closed");
        }
        ServiceCache existing = caches.get(service);
        if (existing != null) {
            return existing;
        }
        synchronized (caches) {
            existing = caches.get(service);
            if (existing != null) {
                return existing;
            }
            if (wide != null) {
                return caches.computeIfAbsent(service, this::fedCache); // none of its records yet
            }
            if (caches.size() >= WATCH_ALL_AFTER) {
                watchAll(service);
                return caches.computeIfAbsent(service, this::fedCache);
            }
            ServiceCache cache = new ServiceCache(connection, settings.prefix(), service);
            try {
                cache.start();
            } catch (Exception e) {
                cache.close();
                throw readFailure(settings.prefix() + service + "/", e);
            }
            cache.addListener(event -> everyChange.forEach(l -> l.accept(event)));
            caches.put(service, cache);
            return cache;
        }
    }

    /**
     * Replaces the watch per followed service by one on the whole registry prefix, which then feeds a
     * cache for every service under it: one read and one watch however many services are followed.
     */
    private void watchAll(String reason) {
        RegistryWatch all = new RegistryWatch(connection, settings.prefix(), caches, this::fedCache);
        try {
            all.start();
        } catch (Exception e) {
            all.close();
            throw readFailure(settings.prefix(), e);
        }
        wide = all;
        LOG.log(Level.INFO, "Following {0} services (the last: {1}): one watch on {2} instead of one per service",
                caches.size() + 1, reason, settings.prefix());
    }

    private ServiceCache fedCache(String service) {
        ServiceCache cache = ServiceCache.fed(connection, settings.prefix(), service, this::wideWatchLive);
        cache.addListener(event -> everyChange.forEach(l -> l.accept(event)));
        return cache;
    }

    private boolean wideWatchLive() {
        RegistryWatch all = wide;
        return all != null && all.isLive();
    }

    /** How many watches guard the records registered here (for tests and diagnostics). */
    int recordWatches() {
        return guard.watchCount();
    }

    /** Whether one watch on the registry prefix serves every followed service (for tests and diagnostics). */
    boolean watchesWholeRegistry() {
        return wide != null;
    }

    private EtcdException readFailure(String prefix, Exception e) {
        return new EtcdException("Cannot read the instances under " + prefix + " at " + connection.settings().endpointList()
                + ": " + (EtcdFailures.isPermissionDenied(e) ? EtcdFailures.missingPermission(connection.settings(), "read", prefix)
                : EtcdFailures.describe(e)), e);
    }

    /** Deregisters every instance registered here (this deployment's too) and stops the watches. */
    @Override
    public void close() {
        closed = true;
        for (RecordKeeper keeper : new ArrayList<>(registrations)) {
            keeper.close(false);
        }
        guard.close();
        lease.close(); // one revoke removes every record registered here
        RegistryWatch all = wide;
        if (all != null) {
            all.close();
        }
        caches.values().forEach(ServiceCache::close);
        caches.clear();
        if (ownsConnection) {
            connection.close();
        }
        LOG.log(Level.DEBUG, "Service registry closed");
    }

    @Override
    public String toString() {
        return "ServiceRegistry[" + settings.prefix() + ", " + connection.settings().endpointList() + "]";
    }
}
