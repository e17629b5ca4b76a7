package io.etcdmp.internal.registry;

import io.etcdmp.registry.ServiceInstance;

/**
 * The registry's record reading, opened for {@code io.etcdmp.internal.cli} (the seam of the {@code etcdmp}
 * tool) and nothing else, so that the tool reads every record shape exactly as the library does.
 */
public final class CliAccess {
    private CliAccess() {
    }

    /**
     * The instance a record under {@code <prefix><service>/<keyId>} describes, as {@link InstanceRecords} reads
     * it; throws {@link IllegalArgumentException} with the reason when the value has none of the shapes, or says
     * it is not an instance (gRPC naming's {@code "Op"}).
     */
    public static ServiceInstance parseRecord(String service, String keyId, String value) {
        return InstanceRecords.parse(service, keyId, value);
    }

    /** The registry root when {@code etcd.registry.prefix} is not set. */
    public static String defaultPrefix() {
        return RegistrySettings.DEFAULT_PREFIX;
    }
}
