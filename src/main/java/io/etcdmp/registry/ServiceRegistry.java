package io.etcdmp.registry;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The service registry on etcd: register instances under leases that are kept alive and replaced when
 * lost, list and choose instances from a local cache kept current by a watch, and follow changes.
 * Records: key {@code <prefix><service>/<instance-id>} ({@code etcd.registry.prefix}, default
 * {@code /services/}), value in etcd's gRPC naming shape {@code {"Addr":"host:port","Metadata":{...}}};
 * records other tools write in other shapes are read too (see docs/REGISTRY.md).
 *
 * <p>In CDI it is a bean ({@code @Inject ServiceRegistry}); the library also registers the deployment
 * itself when the application starts ({@code etcd.registry.*}) and deregisters it when it stops.
 */
public interface ServiceRegistry extends AutoCloseable {
    /** The URI scheme that names a service instead of a host: {@code etcd://billing/api}. */
    String SCHEME = "etcd";
    /**
     * The host name suffix that names a service in an {@code http}/{@code https} URI: {@code http://billing.etcd/api}.
     * Rest Client implementations that turn the base URI into a {@code java.net.URL} (Jersey's, in Helidon and
     * Payara) refuse the {@code etcd} scheme; this form passes everywhere.
     */
    String HOST_SUFFIX = ".etcd";

    /**
     * How {@link #choose(String, Strategy)} picks among the instances that qualify (status {@code UP},
     * the caller's zone when any is in it, weight above 0): setting {@code etcd.discovery.strategy}.
     */
    enum Strategy {
        /** Smooth weighted round-robin: in turn, each instance as often as its weight says, spread out. */
        ROUND_ROBIN,
        /** Weighted random. */
        RANDOM,
        /** Of two instances drawn by weight, the one with fewer requests in flight ({@link #inFlight()}). */
        POWER_OF_TWO
    }

    /**
     * Registers an instance under a lease (TTL {@code etcd.registry.ttl}) and keeps it registered
     * until the returned handle is closed. When etcd cannot be reached now, the registration is
     * retried in the background (see {@link Registration#isRegistered()}).
     */
    Registration register(ServiceInstance instance);

    /** The key prefix of the instance records ({@code etcd.registry.prefix}, default {@code /services/}). */
    String prefix();

    /** The registration of this deployment, once made. */
    Optional<Registration> selfRegistration();

    /** The instances of a service, from the local cache (loaded from etcd by the first call for the service). */
    List<ServiceInstance> instances(String service);

    /** The names of the services that have at least one record now (read from etcd, keys only). */
    Set<String> services();

    /** One instance from the cache by the strategy of {@code etcd.discovery.strategy} (default round-robin). */
    Optional<ServiceInstance> choose(String service);

    /** One instance from the cache: empty when no instance has status {@code UP}. */
    Optional<ServiceInstance> choose(String service, Strategy strategy);

    /**
     * The base URI of one instance of {@code service}, chosen like {@link #choose(String)}: for plain JAX-RS
     * clients, {@code client.target(registry.uri("billing").orElseThrow()).path("api")}. Ask again per
     * request to spread the requests and skip instances that left or are draining.
     */
    Optional<URI> uri(String service);

    /**
     * Reports that a call to {@code instance} failed. When {@code failure} (or one of its causes) is a refused
     * connection or a connect timeout ({@code ConnectException}, {@code NoRouteToHostException},
     * {@code HttpConnectTimeoutException}, a {@code SocketTimeoutException} about connecting), the instance is left
     * out of this registry's choices ({@link #choose}, {@link #uri}, calls by name) for
     * {@code etcd.discovery.eject-time} (default 10s; 0s turns this off), never leaving fewer than one instance: when
     * every candidate is ejected, the one that failed longest ago is chosen. Other failures change nothing. Callers
     * of {@code choose()} and plain clients report here; no connection is attempted by the registry itself.
     *
     * @return true when the instance is ejected now
     */
    default boolean reportFailure(ServiceInstance instance, Throwable failure) {
        return false;
    }

    /** The instances of {@code service} this registry ejected after a failed connection (by instance id), with the end of each ejection. */
    default Map<String, Instant> ejected(String service) {
        return Map.of();
    }

    /**
     * {@code candidates} (instances of {@code service}) less those this registry ejected now; when every one is
     * ejected, the one that failed longest ago (by {@code System.nanoTime()}, never fewer than one): the rule of
     * {@link #choose}, for integrations that choose among instances themselves (Stork, gRPC).
     */
    default List<ServiceInstance> withoutEjected(String service, List<ServiceInstance> candidates) {
        return candidates;
    }

    /** The requests in flight per instance that {@link Strategy#POWER_OF_TWO} compares; callers count theirs here. */
    InFlightRequests inFlight();

    /**
     * Calls {@code listener} with the full instance list after every change of the service (join,
     * leave, record change), in revision order. Closing the handle stops it.
     */
    AutoCloseable watch(String service, Consumer<List<ServiceInstance>> listener);

    /**
     * Like {@link #watch}, but first calls {@code listener} with the current list, then after every change, never
     * with a list older than one it already received. A caller that needs the list now and every change after it
     * uses this rather than {@link #watch} followed by {@link #instances}: a change still queued for delivery when
     * the watch began would arrive after the newer list that read returned. This default (for other implementations)
     * is a watch then a read, so it can still deliver such an older list once; the library's registry never does.
     */
    default AutoCloseable follow(String service, Consumer<List<ServiceInstance>> listener) {
        AutoCloseable handle = watch(service, listener);
        try {
            listener.accept(instances(service));
        } catch (RuntimeException | Error e) {
            try {
                handle.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return handle;
    }

    /** Receives every change of every service this registry follows (in CDI also fired as {@link ServiceChangeEvent}s). */
    AutoCloseable onEveryChange(Consumer<ServiceChangeEvent> listener);

    /** True when every followed service has a live watch. */
    boolean isWatchLive();

    /** Deregisters every instance registered here (this deployment's too) and stops the watches. */
    @Override
    void close();

    /**
     * The service a URI names: {@code etcd://<service>/...}, or {@code http(s)://<service>.etcd/...} (no port);
     * empty for any other URI. A name not valid as a host name (such as {@code billing_v2}) is taken as written.
     */
    static Optional<String> serviceOf(URI uri) {
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
}
