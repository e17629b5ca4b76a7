package io.etcdmp.internal.cli;

import io.etcdmp.internal.registry.CliAccess;
import io.etcdmp.registry.ServiceInstance;

/** Registry records read as the library reads them: every record shape (docs/REGISTRY.md). */
public final class RegistryRecords {
    private RegistryRecords() {
    }

    /**
     * The instance of record {@code <prefix><service>/<keyId>} holding {@code value}; {@link IllegalArgumentException}
     * with the reason when it is none.
     */
    public static ServiceInstance parse(String service, String keyId, String value) {
        return CliAccess.parseRecord(service, keyId, value);
    }
}
