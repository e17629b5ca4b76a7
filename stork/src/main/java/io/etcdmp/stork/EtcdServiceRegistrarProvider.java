package io.etcdmp.stork;

import io.etcdmp.internal.process.ProcessRegistry;
import io.smallrye.stork.api.ServiceRegistrar;
import io.smallrye.stork.api.config.ServiceRegistrarAttribute;
import io.smallrye.stork.api.config.ServiceRegistrarType;
import io.smallrye.stork.spi.ServiceRegistrarProvider;
import io.smallrye.stork.spi.StorkInfrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Stork's service registrar of type {@code etcd} ({@code stork.billing.service-registrar.type=etcd}): registers
 * through the library's service registry, so an instance Stork registers is the same record under the same lease
 * rules as one the library registers (TTL {@code etcd.registry.ttl}, kept alive, re-registered after a lost lease,
 * deleted at deregistration).
 */
@ServiceRegistrarType(value = "etcd", metadataKey = EtcdMetadataKey.class)
@ServiceRegistrarAttribute(name = "scheme", description = "The scheme written in the instances' records (http or https).",
        defaultValue = "http")
@ApplicationScoped
public class EtcdServiceRegistrarProvider implements ServiceRegistrarProvider<EtcdRegistrarConfiguration, EtcdMetadataKey> {
    @Override
    public ServiceRegistrar<EtcdMetadataKey> createServiceRegistrar(EtcdRegistrarConfiguration config, String serviceRegistrarName,
                                                                    StorkInfrastructure infrastructure) {
        String scheme = config.getScheme().strip().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("Stork service '" + serviceRegistrarName + "': scheme '" + scheme
                    + "' of the etcd service registrar is neither http nor https");
        }
        return new EtcdServiceRegistrar(() -> ProcessRegistry.get("Stork's etcd registrar"), scheme);
    }
}
