package io.etcdmp.internal.cdi;

import io.etcdmp.internal.registry.RegistrySettings;
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

    private CdiSupport() {
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
