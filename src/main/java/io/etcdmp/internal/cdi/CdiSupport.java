package io.etcdmp.internal.cdi;

import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.internal.metrics.Metrics;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.Config;

import java.util.Map;
import java.util.TreeMap;

/** What the portable extension and the build compatible extension share: observer priorities, settings read from {@code Config}. */
public final class CdiSupport {
    /** After the runtime's own start observers (its HTTP server among them). */
    public static final int SELF_REGISTRATION_PRIORITY = Interceptor.Priority.PLATFORM_AFTER + 500;
    /** Before the runtime's own stop observers, its HTTP server among them: a draining instance still serves. */
    public static final int DRAIN_PRIORITY = Interceptor.Priority.PLATFORM_BEFORE - 100;

    private static final System.Logger LOG = System.getLogger(CdiSupport.class.getName());

    private CdiSupport() {
    }

    /**
     * Binds the library's metrics to the container's {@code OpenTelemetry} bean (MicroProfile Telemetry 2.0, Quarkus
     * with OpenTelemetry), found by name so that the library loads without it; returns what unbinds them.
     */
    public static AutoCloseable bindTelemetry(Instance<Object> lookup) {
        AutoCloseable user = Metrics.user(); // the last container's stop ends the export, detected or bound
        try {
            Class<?> type = Class.forName("io.opentelemetry.api.OpenTelemetry", false, CdiSupport.class.getClassLoader());
            Instance<?> telemetry = lookup.select(type);
            if (telemetry.isResolvable()) {
                AutoCloseable bound = Metrics.bindTo(telemetry.get());
                return () -> {
                    try {
                        bound.close();
                    } finally {
                        user.close();
                    }
                };
            }
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "No OpenTelemetry bean for the etcd metrics: " + e);
        }
        return user;
    }

    /** The instance metadata set as {@code etcd.registry.metadata.<key>} properties. */
    public static Map<String, String> metadata(Config config) {
        Map<String, String> metadata = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(RegistrySettings.METADATA) && name.length() > RegistrySettings.METADATA.length()) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(v -> metadata.put(name.substring(RegistrySettings.METADATA.length()), v));
            }
        }
        return metadata;
    }
}
