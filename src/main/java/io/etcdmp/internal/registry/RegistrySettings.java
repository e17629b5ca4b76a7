package io.etcdmp.internal.registry;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.client.SettingValues;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/** The {@code etcd.registry.*} settings: the registry root, the lease TTL and this deployment's own instance. */
public final class RegistrySettings {
    public static final String ENABLED = "etcd.registry.enabled";
    public static final String SERVICE_NAME = "etcd.registry.service-name";
    public static final String INSTANCE_ID = "etcd.registry.instance-id";
    public static final String HOST = "etcd.registry.host";
    public static final String PORT = "etcd.registry.port";
    public static final String SCHEME = "etcd.registry.scheme";
    public static final String METADATA = "etcd.registry.metadata.";
    public static final String TTL = "etcd.registry.ttl";
    public static final String PREFIX = "etcd.registry.prefix";
    public static final String STRATEGY = "etcd.discovery.strategy";
    public static final String DRAIN_TIME = "etcd.registry.drain-time";
    public static final String REPORT_INTERVAL = "etcd.registry.report-interval";
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(5);
    public static final String EJECT_TIME = "etcd.discovery.eject-time";
    public static final Duration DEFAULT_EJECT_TIME = Duration.ofSeconds(10);
    public static final String DEFAULT_PREFIX = "/services/";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
    /** Where runtimes publish their HTTP port, tried in order when {@value #PORT} is not set. */
    static final String[] RUNTIME_PORTS = {"server.port", "quarkus.http.port", "http.port", "jboss.http.port"};
    /** WildFly binds {@code jboss.http.port} shifted by this offset (as every other port). */
    static final String JBOSS_PORT_OFFSET = "jboss.socket.binding.port-offset";
    /** Where runtimes publish the address their HTTP server binds, tried in order when {@value #HOST} is not set. */
    static final String[] RUNTIME_HOSTS = {"server.host", "quarkus.http.host"};

    private final boolean enabled;
    private final Optional<String> serviceName;
    private final boolean explicitName;
    private final Optional<String> instanceId;
    private final Optional<String> host;
    /** The address the runtime's server binds, where its settings say ({@link #RUNTIME_HOSTS}); a wildcard counts as none. */
    private final Optional<String> serverHost;
    private final OptionalInt port;
    /** The setting the port came from: {@value #PORT} or one of {@link #RUNTIME_PORTS}. */
    private final String portKey;
    private final String scheme;
    private final Map<String, String> metadata;
    private final Duration ttl;
    private final String prefix;
    private final ServiceRegistry.Strategy strategy;
    private final Duration drainTime;
    private final Duration reportInterval;
    private final Duration ejectTime;

    private RegistrySettings(SettingValues values, Map<String, String> metadata) {
        this.enabled = values.bool(ENABLED, true);
        this.explicitName = values.string(SERVICE_NAME).isPresent();
        this.serviceName = values.string(SERVICE_NAME).or(() -> values.string("mp.app.name"));
        this.instanceId = values.string(INSTANCE_ID);
        this.host = values.string(HOST);
        this.serverHost = serverHost(values);
        this.portKey = portKey(values);
        this.port = port(values, portKey);
        this.scheme = values.string(SCHEME, "http").toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw SettingValues.invalid(SCHEME, scheme, "http or https");
        }
        this.metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        this.ttl = values.duration(TTL, DEFAULT_TTL);
        if (ttl.compareTo(Duration.ofSeconds(2)) < 0) {
            throw SettingValues.invalid(TTL, ttl.toString(), "at least 2s (etcd leases count whole seconds)");
        }
        String p = values.string(PREFIX, DEFAULT_PREFIX);
        this.prefix = p.endsWith("/") ? p : p + "/";
        if (metadata.containsKey(ServiceInstance.WEIGHT)) {
            checkWeight(metadata.get(ServiceInstance.WEIGHT));
        }
        this.strategy = strategy(values);
        this.drainTime = values.durationOrZero(DRAIN_TIME, Duration.ZERO); // the documented default, 0s, may be written too
        this.reportInterval = values.durationOrZero(REPORT_INTERVAL, DEFAULT_REPORT_INTERVAL);
        this.ejectTime = values.durationOrZero(EJECT_TIME, DEFAULT_EJECT_TIME);
    }

    /**
     * The weight rule has one home, {@link ServiceInstance} (the API calls no internal code); it is applied
     * here, to an instance that is only a probe, so that a bad setting fails at start naming the setting.
     */
    private static void checkWeight(String weight) {
        try {
            ServiceInstance.of("settings", "localhost", 0).withMetadata(Map.of(ServiceInstance.WEIGHT, weight));
        } catch (EtcdMicroprofileException e) {
            throw SettingValues.invalid(METADATA + ServiceInstance.WEIGHT, weight, "a whole number >= 0");
        }
    }

    private static ServiceRegistry.Strategy strategy(SettingValues values) {
        String raw = values.string(STRATEGY, "round-robin");
        String name = raw.toUpperCase(Locale.ROOT).replace('-', '_');
        for (ServiceRegistry.Strategy s : ServiceRegistry.Strategy.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw SettingValues.invalid(STRATEGY, raw, "round-robin, random or power-of-two");
    }

    /**
     * Reads the settings.
     *
     * @param metadata the {@code etcd.registry.metadata.<name>} entries, names without the prefix
     */
    public static RegistrySettings from(PropertyLookup lookup, Map<String, String> metadata) {
        return new RegistrySettings(new SettingValues(lookup), metadata);
    }

    private static String portKey(SettingValues values) {
        if (values.string(PORT).isPresent()) {
            return PORT;
        }
        for (String key : RUNTIME_PORTS) {
            if (values.string(key).isPresent()) {
                return key;
            }
        }
        return PORT;
    }

    private static OptionalInt port(SettingValues values, String key) {
        Optional<String> raw = values.string(key);
        if (raw.isEmpty()) {
            return OptionalInt.empty();
        }
        int offset = key.equals("jboss.http.port") ? values.integer(JBOSS_PORT_OFFSET, 0) : 0;
        try {
            int p = Integer.parseInt(raw.get().trim()) + offset;
            if (p >= 0 && p <= 65535) {
                return OptionalInt.of(p);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SettingValues.invalid(key, raw.get(), offset == 0 ? "a TCP port (0-65535)"
                : "a TCP port (0-65535) once " + JBOSS_PORT_OFFSET + " (" + offset + ") is added");
    }

    public boolean enabled() {
        return enabled;
    }

    /** The service this deployment is an instance of; empty: no self-registration. */
    public Optional<String> serviceName() {
        return serviceName;
    }

    public Duration ttl() {
        return ttl;
    }

    /** How {@link ServiceRegistry#choose(String)} picks: {@value #STRATEGY}, default round-robin. */
    public ServiceRegistry.Strategy strategy() {
        return strategy;
    }

    /**
     * How long this deployment keeps serving after it announced {@code DRAINING} at shutdown, before its
     * lease is revoked ({@value #DRAIN_TIME}, default 0s): callers stop choosing it within one cache update,
     * requests already sent to it finish meanwhile.
     */
    public Duration drainTime() {
        return drainTime;
    }

    /**
     * How often at most the self-registered record is rewritten with the config revision the instance applied
     * ({@value #REPORT_INTERVAL}, default 5s); zero: never published.
     */
    public Duration reportInterval() {
        return reportInterval;
    }

    /** How long a failed connection keeps an instance out of this caller's choice ({@value #EJECT_TIME}, default 10s; 0 = off). */
    public Duration ejectTime() {
        return ejectTime;
    }

    /** This deployment's zone, {@code etcd.registry.metadata.zone}: choices prefer instances in it. */
    public Optional<String> zone() {
        return Optional.ofNullable(metadata.get(ServiceInstance.ZONE)).filter(z -> !z.isBlank());
    }

    /** The registry root, ending with '/'. */
    public String prefix() {
        return prefix;
    }

    /**
     * True when this deployment should register itself: enabled, a service name known, and either a
     * port known or the service name set explicitly (then a missing port is an error). A name that
     * only comes from {@code mp.app.name}, with no port anywhere, means config-only use: no
     * self-registration.
     */
    public boolean selfRegistration() {
        return enabled && serviceName.isPresent() && (port.isPresent() || explicitName);
    }

    /**
     * The level for the line of {@link #whyNoSelfRegistration()}: INFO, except for config-only use (a name from
     * {@code mp.app.name} and no port, a normal set-up that each container start would repeat): INFO the first
     * time in this JVM, DEBUG after.
     */
    public System.Logger.Level noSelfRegistrationLevel() {
        boolean configOnly = enabled && serviceName.isPresent() && !selfRegistration();
        return !configOnly || CONFIG_ONLY_TOLD.compareAndSet(false, true) ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean CONFIG_ONLY_TOLD = new java.util.concurrent.atomic.AtomicBoolean();

    /** Why this deployment does not register itself, as a line for the log; empty when it does. */
    public Optional<String> whyNoSelfRegistration() {
        if (!enabled) {
            return Optional.of("Self-registration is off (" + ENABLED + "=false)");
        } else if (serviceName.isEmpty()) {
            return Optional.of("No service name (" + SERVICE_NAME + " or mp.app.name): this deployment does not register itself");
        } else if (!selfRegistration()) {
            return Optional.of("mp.app.name is " + serviceName.get() + " but no port is known (" + PORT + "): this deployment "
                    + "does not register itself; set " + PORT + " (or " + SERVICE_NAME + ") to register it");
        }
        return Optional.empty();
    }

    /** The port others should call, if known. */
    public OptionalInt port() {
        return port;
    }

    /** This deployment's instance, with the configured port; fails naming {@value #PORT} when no port is known. */
    public ServiceInstance selfInstance() {
        return selfInstance(0);
    }

    /**
     * This deployment's instance. A port configured as 0 (a random port) is replaced by
     * {@code boundPort}, the port the runtime's server bound; a port 0 that nothing resolves is refused
     * (naming {@value #PORT}), never published. Where the runtime bound another port than the one read
     * from its settings ({@link #RUNTIME_PORTS}), the bound one wins; an explicit {@value #PORT} always wins.
     *
     * @param boundPort the port the runtime's server listens on, 0 when the runtime does not tell
     */
    public ServiceInstance selfInstance(int boundPort) {
        String service = serviceName.orElseThrow(() -> new EtcdMicroprofileException("No service name: set " + SERVICE_NAME
                + " or mp.app.name"));
        int configured = port.orElseThrow(() -> new EtcdMicroprofileException("Service " + service + " cannot register itself: set "
                + PORT + " (the port other services should call); it could not be read from the runtime ("
                + String.join(", ", RUNTIME_PORTS) + ")"));
        int p = configured != 0 && (portKey.equals(PORT) || boundPort == 0) ? configured : boundPort;
        if (p == 0) {
            throw new EtcdMicroprofileException("Service " + service + " cannot register itself with port 0: " + portKey
                    + "=0 asks for a random port, and the runtime does not tell the library which one it bound; set "
                    + PORT + " to the port other services should call");
        }
        String h = host.or(() -> serverHost).orElseGet(RegistrySettings::firstNonLoopbackAddress);
        return new ServiceInstance(service, instanceId.orElse(ServiceInstance.defaultId(service, h, p)), h, p, scheme,
                metadata, Optional.empty());
    }

    /**
     * Why callers will not reach {@code self} at its registered address, where the runtime's settings say
     * its server listens on one address only and it is another one; empty otherwise.
     */
    public Optional<String> unreachableAddress(ServiceInstance self) {
        if (serverHost.isEmpty() || serverHost.get().equals(self.host())) {
            return Optional.empty();
        }
        return Optional.of("Service " + self.service() + " registers the address " + self.host() + " (" + HOST
                + "), but its server listens on " + serverHost.get() + " only: callers will not reach it there. Set "
                + HOST + " to an address the server listens on, or bind the server to " + self.host() + " or to all addresses");
    }

    /** The concrete address the runtime's server binds (server.host, quarkus.http.host), if any. */
    private static Optional<String> serverHost(SettingValues values) {
        for (String key : RUNTIME_HOSTS) {
            Optional<String> bound = values.string(key).map(String::trim);
            if (bound.isPresent()) {
                String h = bound.get();
                boolean wildcard = h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.equals("*") || h.isEmpty();
                return wildcard ? Optional.empty() : Optional.of(h.equals("localhost") ? "127.0.0.1" : h);
            }
        }
        return Optional.empty();
    }

    /** This machine's first non-loopback IPv4 address (else any non-loopback address, else the local host name). */
    static String firstNonLoopbackAddress() {
        String fallback = null;
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                        continue;
                    }
                    if (address instanceof Inet4Address) {
                        return address.getHostAddress();
                    }
                    if (fallback == null) {
                        fallback = address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        if (fallback != null) {
            return fallback;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
