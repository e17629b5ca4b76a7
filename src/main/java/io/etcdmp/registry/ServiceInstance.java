package io.etcdmp.registry;

import io.etcdmp.EtcdMicroprofileException;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One instance of a service: where to call it and what it says about itself.
 *
 * @param service      the service it is an instance of, e.g. {@code orders}
 * @param instanceId   unique among the instances of the service; the last segment of its etcd key
 * @param host         address others should call
 * @param port         port others should call
 * @param scheme       {@code http} or {@code https}
 * @param metadata     free key/value metadata (version, zone, ...); {@code status}, {@code zone} and
 *                     {@code weight} steer {@link ServiceRegistry#choose(String, ServiceRegistry.Strategy)}
 * @param registeredAt when it registered, when the record says so
 */
public record ServiceInstance(String service, String instanceId, String host, int port, String scheme,
                              Map<String, String> metadata, Optional<Instant> registeredAt) {
    public ServiceInstance {
        requireText("service name", service);
        requireText("instance id", instanceId);
        requireText("host", host);
        if (service.contains("/") || instanceId.contains("/")) {
            throw new EtcdMicroprofileException("Service name '" + service + "' and instance id '" + instanceId
                    + "' must not contain '/': they are segments of the etcd key");
        }
        if (port < 0 || port > 65535) {
            throw new EtcdMicroprofileException("Port " + port + " of service instance " + service + "/" + instanceId
                    + " is not a TCP port");
        }
        scheme = scheme == null || scheme.isBlank() ? "http" : scheme.intern();
        metadata = shared(metadata);
        if (metadata.containsKey(WEIGHT)) {
            checkedWeight(metadata.get(WEIGHT), service, instanceId);
        }
        registeredAt = registeredAt == null ? Optional.empty() : registeredAt;
    }

    /** Metadata key of the instance's state: {@code UP} (also when absent) or e.g. {@code DRAINING}; only UP instances are chosen. */
    public static final String STATUS = "status";
    /** Metadata key of the instance's share of the calls: a whole number &ge; 0, default {@value #DEFAULT_WEIGHT}. */
    public static final String WEIGHT = "weight";
    /** Metadata key of the instance's zone; callers prefer instances of their own {@code etcd.registry.metadata.zone}. */
    public static final String ZONE = "zone";
    /** Metadata key of the etcd config revision a self-registered instance has applied ({@code etcd.registry.report-interval}). */
    public static final String CONFIG_REVISION = "configRevision";
    /** Metadata key saying ({@code true}/{@code false}) whether that instance's configuration may be behind etcd. */
    public static final String CONFIG_STALE = "configStale";
    public static final int DEFAULT_WEIGHT = 100;

    /**
     * An immutable copy whose keys and short values are the JVM's shared strings: a registry caching
     * thousands of instances keeps one "status", "UP", "zone", "eu-1" instead of one per instance.
     */
    private static Map<String, String> shared(Map<String, String> metadata) {
        Map<String, String> copy = new TreeMap<>();
        metadata.forEach((k, v) -> copy.put(k.intern(), v != null && v.length() <= 32 ? v.intern() : v));
        return Map.copyOf(copy);
    }

    /** An instance with no metadata, registered now, whose id is derived from service, host and port. */
    public static ServiceInstance of(String service, String host, int port) {
        return new ServiceInstance(service, defaultId(service, host, port), host, port, "http", Map.of(), Optional.empty());
    }

    /** {@code <service>-<host>-<port>}, with characters other than letters, digits, '.', '-' and '_' replaced. */
    public static String defaultId(String service, String host, int port) {
        return (service + "-" + host + "-" + port).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** {@code host:port}, with IPv6 hosts in brackets: the gRPC naming {@code Addr}. */
    public String address() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code scheme://host:port}. */
    public URI uri() {
        return URI.create(scheme + "://" + address());
    }

    /**
     * Where a request addressed by service name goes on this instance: {@code etcd://billing/api/x?y=1}
     * becomes {@code <scheme>://<host>:<port>[<record path>]/api/x?y=1} (the record path is metadata
     * {@code path}, kept from URL records); the request's path, query and fragment are kept as they are
     * encoded.
     */
    public URI resolve(URI byName) {
        StringBuilder uri = new StringBuilder(scheme).append("://").append(address());
        String base = metadata.get("path");
        if (base != null && !base.isEmpty() && !base.equals("/")) {
            uri.append(base.startsWith("/") ? "" : "/").append(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        }
        String path = byName.getRawPath();
        if (path != null && !path.isEmpty()) {
            uri.append(path.startsWith("/") ? "" : "/").append(path);
        }
        if (byName.getRawQuery() != null) {
            uri.append('?').append(byName.getRawQuery());
        }
        if (byName.getRawFragment() != null) {
            uri.append('#').append(byName.getRawFragment());
        }
        return URI.create(uri.toString());
    }

    /** Metadata {@value #STATUS}, {@code UP} when absent. */
    public String status() {
        return metadata.getOrDefault(STATUS, "UP");
    }

    /** True when {@link #status()} is {@code UP} (in any case): only such instances are chosen. */
    public boolean isUp() {
        return status().equalsIgnoreCase("UP");
    }

    /**
     * Metadata {@value #CONFIG_REVISION}: the etcd revision of the configuration the instance has applied, as it
     * published it last; empty for records that do not say (other tools, reporting off) or say something unreadable.
     */
    public OptionalLong configRevision() {
        String r = metadata.get(CONFIG_REVISION);
        try {
            return r == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(r.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Metadata {@value #CONFIG_STALE}: true only when the instance published that its configuration may be behind etcd. */
    public boolean configStale() {
        return "true".equalsIgnoreCase(metadata.getOrDefault(CONFIG_STALE, "false").strip());
    }

    /** Metadata {@value #WEIGHT}, {@value #DEFAULT_WEIGHT} when absent. */
    public int weight() {
        String w = metadata.get(WEIGHT);
        return w == null ? DEFAULT_WEIGHT : Integer.parseInt(w.strip());
    }

    /**
     * The one rule for a weight, here because the record owns its metadata's meaning (and the API calls no
     * internal code): a whole number from 0 to {@link Integer#MAX_VALUE}, blanks around it ignored.
     */
    private static int checkedWeight(String text, String service, String instanceId) {
        String w = text == null ? "" : text.strip();
        if (w.matches("[0-9]{1,10}") && Long.parseLong(w) <= Integer.MAX_VALUE) {
            return Integer.parseInt(w);
        }
        throw new EtcdMicroprofileException("Invalid value '" + text + "' for metadata " + WEIGHT + " of service instance "
                + service + "/" + instanceId + ": expected a whole number >= 0");
    }

    public ServiceInstance withMetadata(Map<String, String> newMetadata) {
        return new ServiceInstance(service, instanceId, host, port, scheme, newMetadata, registeredAt);
    }

    public ServiceInstance withRegisteredAt(Instant at) {
        return new ServiceInstance(service, instanceId, host, port, scheme, metadata, Optional.of(at));
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new EtcdMicroprofileException("A service instance needs a " + what);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof ServiceInstance that
                && Objects.equals(service, that.service)
                && Objects.equals(instanceId, that.instanceId)
                && Objects.equals(host, that.host)
                && port == that.port
                && Objects.equals(scheme, that.scheme)
                && Objects.equals(metadata, that.metadata)
                && Objects.equals(registeredAt, that.registeredAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, instanceId, host, port, scheme, metadata, registeredAt);
    }

    @Override
    public String toString() {
        return "ServiceInstance[service=" + service
                + ", instanceId=" + instanceId
                + ", host=" + host
                + ", port=" + port
                + ", scheme=" + scheme
                + ", metadata=" + metadata
                + ", registeredAt=" + registeredAt + "]";
    }
}
