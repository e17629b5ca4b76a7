package io.etcdmp.internal.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.CliAccess;
import io.etcdmp.internal.config.EtcdConfigStore;
import io.etcdmp.internal.registry.RegistrySettings;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A connection to etcd made exactly as the library makes its own: {@code EtcdSettings} read from the same
 * setting names, defaults and environment variables ({@code etcd.endpoints} or {@code ETCD_ENDPOINTS}, ...),
 * the same client factory and threads. The tool's options are given as settings that win over the
 * environment and system properties.
 */
public final class ToolConnection implements AutoCloseable {
    public static final String ENDPOINTS = EtcdSettings.ENDPOINTS;
    public static final String USER = EtcdSettings.USER;
    public static final String PASSWORD = EtcdSettings.PASSWORD;
    public static final String NAMESPACE = EtcdSettings.NAMESPACE;
    public static final String CA_FILE = EtcdSettings.TLS_CA_FILE;
    public static final String CERT_FILE = EtcdSettings.TLS_CERT_FILE;
    public static final String KEY_FILE = EtcdSettings.TLS_KEY_FILE;
    public static final String REQUEST_TIMEOUT = EtcdSettings.REQUEST_TIMEOUT;
    public static final String REGISTRY_PREFIX = RegistrySettings.PREFIX;

    private final EtcdConnection connection;

    private ToolConnection(EtcdConnection connection) {
        this.connection = connection;
    }

    /**
     * Where the library reads settings: system properties and the environment are asked at each lookup; the
     * {@code microprofile-config.properties} files on the class path are read once (a class path scan).
     */
    private static volatile PropertyLookup bootstrap;

    /** Settings from {@code settings} first, then where the library reads them (system properties, environment). */
    public static PropertyLookup lookup(Map<String, String> settings) {
        PropertyLookup bootstrap = ToolConnection.bootstrap;
        if (bootstrap == null) {
            bootstrap = CliAccess.bootstrap();
            ToolConnection.bootstrap = bootstrap;
        }
        PropertyLookup files = bootstrap;
        return name -> {
            String v = settings.get(name);
            return v != null && !v.isBlank() ? Optional.of(v) : files.get(name);
        };
    }

    /** Opens a connection (no request is made yet); failures name the setting. */
    public static ToolConnection open(Map<String, String> settings) {
        return new ToolConnection(EtcdConnections.acquire(EtcdSettings.from(lookup(settings))));
    }

    /** The registry root ({@code etcd.registry.prefix}, default {@code /services/}), with a trailing {@code /}. */
    public static String registryPrefix(Map<String, String> settings) {
        String p = lookup(settings).get(REGISTRY_PREFIX).orElse(RegistrySettings.DEFAULT_PREFIX);
        return p.endsWith("/") ? p : p + "/";
    }

    public Client client() {
        return connection.client();
    }

    public Duration requestTimeout() {
        return connection.settings().requestTimeout();
    }

    /** The endpoints, for messages (never with credentials). */
    public String endpoints() {
        return connection.settings().endpointList();
    }

    /** The etcd user, when authentication is used. */
    public Optional<String> user() {
        return connection.settings().user();
    }

    /** Every key under {@code prefix} at {@code revision} (0: now), page by page; returns the revision read at. */
    public long readPrefix(String prefix, long revision, Consumer<List<KeyValue>> sink) {
        try {
            return io.etcdmp.internal.watch.CliAccess.readPrefix(client().getKVClient(), requestTimeout(),
                    ByteSequence.from(prefix, StandardCharsets.UTF_8), revision, sink);
        } catch (Exception e) {
            throw failure("read", prefix, e);
        }
    }

    /** The library's {@link ConfigStore} for {@code prefix} on this connection (history, rollback). */
    public ConfigStore store(String prefix) {
        return new EtcdConfigStore(connection, prefix);
    }

    /** An error naming the action, the key range, the endpoints and what to fix, as the library words them. */
    public EtcdMicroprofileException failure(String action, String range, Throwable cause) {
        if (cause instanceof EtcdMicroprofileException e) {
            return e;
        }
        EtcdSettings settings = connection.settings();
        String why;
        if (EtcdFailures.isAuthenticationFailure(cause)) {
            why = EtcdFailures.refusedCredentials(settings, cause) + " (--user, --password-file)";
        } else if (EtcdFailures.hasCause(cause, io.grpc.Status.Code.DEADLINE_EXCEEDED, null, java.util.concurrent.TimeoutException.class)
                || EtcdFailures.hasCause(cause, io.grpc.Status.Code.UNAVAILABLE, null)) {
            why = EtcdFailures.describe(cause) + EtcdFailures.tlsHint(settings) + EtcdFailures.reachability(settings);
        } else {
            why = EtcdFailures.explain(settings, action.equals("read") ? "read" : "write", range, cause);
        }
        return new EtcdMicroprofileException("Cannot " + action + " " + range + " at " + endpoints() + ": " + why, cause);
    }

    @Override
    public void close() {
        connection.close();
    }
}
