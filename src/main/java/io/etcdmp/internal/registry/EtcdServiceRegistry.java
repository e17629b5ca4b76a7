package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdCalls;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.client.OptionalApis;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.registry.InFlightRequests;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceChangeEvent;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The {@link ServiceRegistry} on one etcd connection: a {@link RecordKeeper} per registration, all on one
 * {@link SharedLease} and guarded by one {@link RecordGuard}, a
 * {@link ServiceCache} per followed service (fed by one {@link RegistryWatch} once many are followed).
 * Outside CDI (our tools and tests): {@code new EtcdServiceRegistry(connection, settings)}, closed when done.
 */
public class EtcdServiceRegistry implements ServiceRegistry {
    private static final System.Logger LOG = System.getLogger(EtcdServiceRegistry.class.getName());

    private final EtcdConnection connection;
    private final RegistrySettings settings;
    private final Map<String, ServiceCache> caches = new ConcurrentHashMap<>();
    /** The watch on the whole registry prefix, once the registry follows many services; null before. */
    private volatile RegistryWatch wide;
    /** When to switch to it (guarded by {@code caches}' monitor). */
    private final WideWatchThreshold threshold = new WideWatchThreshold();
    private final InstanceSelector selector;
    private final List<RecordKeeper> registrations = new CopyOnWriteArrayList<>();
    /** The one lease all registrations made here share, and the watch that restores their deleted records. */
    private final SharedLease lease;
    private final RecordGuard guard;
    private final List<Consumer<ServiceChangeEvent>> everyChange = new CopyOnWriteArrayList<>();
    private volatile RecordKeeper self;
    private volatile boolean closed;
    private final boolean ownsConnection;
    private final Runnable gauges;

    /** A registry on {@code connection}, which stays the caller's: close the registry first, then the connection. */
    public EtcdServiceRegistry(EtcdConnection connection, RegistrySettings settings) {
        this(connection, settings, false);
    }

    private EtcdServiceRegistry(EtcdConnection connection, RegistrySettings settings, boolean ownsConnection) {
        this.connection = connection;
        this.settings = settings;
        this.ownsConnection = ownsConnection;
        this.selector = new InstanceSelector(settings.zone(), settings.ejectTime(), settings.strategy());
        this.lease = new SharedLease(connection, Math.max(1, settings.ttl().toSeconds()), settings.prefix());
        this.guard = new RecordGuard(connection, settings.prefix());
        this.gauges = RegistryMetrics.register(settings.prefix(), registrations, caches);
    }

    /**
     * A registry that closes {@code connection} when it is closed, after revoking its leases: its
     * registrations never outlive their connection, whatever else closes first.
     */
    public static EtcdServiceRegistry withOwnConnection(EtcdConnection connection, RegistrySettings settings) {
        return new EtcdServiceRegistry(connection, settings, true);
    }

    @Override
    public String prefix() {
        return settings.prefix();
    }

    public RegistrySettings settings() {
        return settings;
    }

    /** The connection's settings (endpoints, request timeout): for the messages and bounds of those calling through it. */
    public io.etcdmp.internal.client.EtcdSettings connectionSettings() {
        return connection.settings();
    }

    @Override
    public Registration register(ServiceInstance instance) {
        return register(instance, null);
    }

    private Registration register(ServiceInstance instance, AppliedConfig applied) {
        OptionalApis.requireJson();
        if (closed) {
            throw new EtcdMicroprofileException("The service registry is closed; cannot register " + instance.service());
        }
        RecordKeeper keeper = new RecordKeeper(connection, settings.prefix(), instance, lease, guard, registrations::remove,
                applied, settings.reportInterval());
        synchronized (registrations) { // one open registration per key: two would share one record and its guard
            for (RecordKeeper open : registrations) {
                if (open.key().equals(keeper.key())) {
                    throw new EtcdMicroprofileException("Instance " + keeper.key() + " is already registered by this registry ("
                            + open + "); close that registration first, or register the instance under another instance id");
                }
            }
            registrations.add(keeper);
        }
        if (closed) { // close() began before the keeper was listed, so it does not close it: no keeper may outlive it
            keeper.close(false);
            throw new EtcdMicroprofileException("The service registry is closed; cannot register " + instance.service());
        }
        keeper.start();
        return keeper;
    }

    /** Registers this deployment as configured ({@code etcd.registry.*}); done by the CDI extension at start. */
    public Registration registerSelf() {
        return registerSelf(settings.selfInstance());
    }

    /** Registers {@code instance} as this deployment's own instance (see {@link #selfRegistration()}). */
    public Registration registerSelf(ServiceInstance instance) {
        return registerSelf(instance, null);
    }

    /** {@link #registerSelf(ServiceInstance)}, its record publishing {@code applied} (null: nothing) every report interval. */
    public Registration registerSelf(ServiceInstance instance, AppliedConfig applied) {
        RecordKeeper keeper = (RecordKeeper) register(instance, applied);
        self = keeper;
        return keeper;
    }

    @Override
    public Optional<Registration> selfRegistration() {
        return Optional.ofNullable(self);
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        return cache(service).instances();
    }

    @Override
    public Set<String> services() {
        return ServiceNames.under(connection, settings.prefix());
    }

    @Override
    public Optional<ServiceInstance> choose(String service) {
        return choose(service, settings.strategy());
    }

    @Override
    public Optional<ServiceInstance> choose(String service, Strategy strategy) {
        return selector.choose(service, instances(service), strategy);
    }

    @Override
    public Optional<URI> uri(String service) {
        return choose(service).map(i -> i.resolve(URI.create(SCHEME + "://" + service)));
    }

    @Override
    public boolean reportFailure(ServiceInstance instance, Throwable failure) {
        return selector.ejections().report(instance, failure);
    }

    @Override
    public Map<String, Instant> ejected(String service) {
        return selector.ejections().ejected(service);
    }

    @Override
    public List<ServiceInstance> withoutEjected(String service, List<ServiceInstance> candidates) {
        return selector.ejections().filter(service, candidates);
    }

    @Override
    public InFlightRequests inFlight() {
        return selector.inFlight();
    }

    @Override
    public AutoCloseable watch(String service, Consumer<List<ServiceInstance>> listener) {
        return cache(service).addListener(event -> listener.accept(event.instances()));
    }

    @Override
    public AutoCloseable follow(String service, Consumer<List<ServiceInstance>> listener) {
        return cache(service).follow(event -> listener.accept(event.instances()));
    }

    @Override
    public AutoCloseable onEveryChange(Consumer<ServiceChangeEvent> listener) {
        everyChange.add(listener);
        return () -> everyChange.remove(listener);
    }

    /** Whether {@link #close()} began: a closed registry delivers no further list to its followers. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isWatchLive() {
        return caches.values().stream().allMatch(ServiceCache::isLive);
    }

    private ServiceCache cache(String service) {
        OptionalApis.requireJson();
        if (closed) {
            throw new EtcdMicroprofileException("The service registry is closed");
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
            if (threshold.wideFor(caches.size(), followedRecords(), this::countRecords) && watchAll(service)) {
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
     * cache for every service under it: one read and one watch however many services are followed. When
     * the whole prefix cannot be read, every followed service keeps its own watch: returns false.
     */
    private boolean watchAll(String reason) {
        RegistryWatch all = new RegistryWatch(connection, settings.prefix(), caches, this::fedCache);
        try {
            all.start();
        } catch (Exception e) {
            all.close();
            threshold.failed(caches.size());
            LOG.log(Level.WARNING, "Cannot watch all of {0} ({1}); following {2} one service at a time, each with its own watch",
                    settings.prefix(), EtcdFailures.explain(connection.settings(), "read", settings.prefix(), e), reason);
            return false;
        }
        wide = all;
        LOG.log(Level.INFO, "Following {0} services (the last: {1}): one watch on {2} instead of one per service",
                caches.size() + 1, reason, settings.prefix());
        return true;
    }

    /** The records the services followed one by one hold (those that parse). */
    private long followedRecords() {
        return caches.values().stream().mapToLong(cache -> cache.instances().size()).sum();
    }

    /** The records under the registry prefix (count only: no value travels); -1 when etcd cannot say. */
    private long countRecords() {
        ByteSequence root = ByteSequence.from(settings.prefix(), StandardCharsets.UTF_8);
        GetOption countOnly = GetOption.builder().withRange(KeyRanges.prefixEnd(root)).withCountOnly(true).build();
        try {
            return EtcdCalls.await("range", connection.client().getKVClient().get(root, countOnly), connection.settings().requestTimeout())
                    .getCount();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Cannot count the records under " + settings.prefix() + ": " + EtcdFailures.describe(e));
            return -1;
        }
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

    private EtcdMicroprofileException readFailure(String prefix, Exception e) {
        return new EtcdMicroprofileException("Cannot read the instances under " + prefix + " at " + connection.settings().endpointList()
                + ": " + EtcdFailures.explain(connection.settings(), "read", prefix, e), e);
    }

    /** Deregisters every instance registered here (this deployment's too) and stops the watches. */
    @Override
    public void close() {
        closed = true;
        RecordRemoval.closeAll(connection, new ArrayList<>(registrations)); // and records left under no lease
        guard.close();
        lease.close(); // one revoke removes every record registered here
        Optional.ofNullable(wide).ifPresent(RegistryWatch::close);
        caches.values().forEach(ServiceCache::close);
        caches.clear();
        gauges.run();
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
