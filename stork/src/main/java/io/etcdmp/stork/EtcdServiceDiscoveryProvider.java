package io.etcdmp.stork;

import io.etcdmp.internal.process.ProcessRegistry;
import io.smallrye.stork.api.ServiceDiscovery;
import io.smallrye.stork.api.config.ServiceConfig;
import io.smallrye.stork.api.config.ServiceDiscoveryAttribute;
import io.smallrye.stork.api.config.ServiceDiscoveryType;
import io.smallrye.stork.spi.ServiceDiscoveryProvider;
import io.smallrye.stork.spi.StorkInfrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Stork's service discovery of type {@code etcd}: {@code stork.billing.service-discovery.type=etcd} (Quarkus:
 * {@code quarkus.stork.billing.service-discovery.type=etcd}) finds the instances of {@code billing} in the library's
 * service registry (records under {@code <etcd.registry.prefix><service>/}, default {@code /services/}), kept current
 * by the registry's watch: no polling, no refresh period. The registry is the application's CDI bean when a container
 * runs, else one per process built from the library's settings ({@code etcd.endpoints}, ...).
 */
@ServiceDiscoveryAttribute(name = "service", description = "The service's name in the registry (its records are the keys "
        + "under etcd.registry.prefix, this name and a slash); if not set, the Stork service's name.")
@ServiceDiscoveryAttribute(name = "secure", description = "Whether the instances are called over TLS; if not set, "
        + "when the instance's record says scheme https.")
@ServiceDiscoveryType("etcd")
@ApplicationScoped
public class EtcdServiceDiscoveryProvider implements ServiceDiscoveryProvider<EtcdConfiguration> {
    @Override
    public ServiceDiscovery createServiceDiscovery(EtcdConfiguration config, String serviceName, ServiceConfig serviceConfig,
                                                   StorkInfrastructure storkInfrastructure) {
        String service = config.getService() == null || config.getService().isBlank() ? serviceName : config.getService().strip();
        if (service.contains("/")) {
            throw new IllegalArgumentException("Stork service '" + serviceName + "': service '" + service + "' of the etcd "
                    + "service discovery must not contain '/' (its instances are the records under <etcd.registry.prefix><service>/)");
        }
        Boolean secure = secure(serviceName, config.getSecure());
        return new EtcdServiceDiscovery(service, () -> ProcessRegistry.get("Stork's etcd discovery"), secure);
    }

    /** Not set: null (the record's scheme decides); else only true or false (any case). */
    private static Boolean secure(String serviceName, String secure) {
        if (secure == null || secure.isBlank()) {
            return null;
        }
        String value = secure.strip();
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.valueOf(value);
        }
        throw new IllegalArgumentException("Stork service '" + serviceName + "': service-discovery.secure of the etcd service "
                + "discovery is '" + value + "': expected true or false");
    }
}
