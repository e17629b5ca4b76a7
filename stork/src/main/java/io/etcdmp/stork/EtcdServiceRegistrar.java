package io.etcdmp.stork;

import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.stork.api.Metadata;
import io.smallrye.stork.api.ServiceRegistrar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Registers and deregisters through {@link ServiceRegistry#register}: the record {@code <prefix><service>/<id>} in
 * etcd's naming shape under the registry's shared lease. The instance id is the {@link EtcdMetadataKey#META_ETCD_INSTANCE_ID}
 * metadata (Stork 3: the instance name) when given, else {@code <service>-<host>-<port>}; zone, weight and status
 * metadata, and {@code RegistrarOptions} metadata, go into the record's {@code Metadata}. Each call runs on Mutiny's
 * worker pool (a registration may wait for etcd). The methods taking an instance name or an address are Stork 3's;
 * compiled against Stork 2 they are plain methods, so this one class serves both.
 */
final class EtcdServiceRegistrar implements ServiceRegistrar<EtcdMetadataKey> {
    private static final System.Logger LOG = System.getLogger(EtcdServiceRegistrar.class.getName());

    private final Supplier<ServiceRegistry> registries;
    private final String scheme;
    /** What this registrar registered: service name to instance id to registration. */
    private final Map<String, Map<String, Registration>> registered = new ConcurrentHashMap<>();

    EtcdServiceRegistrar(Supplier<ServiceRegistry> registries, String scheme) {
        this.registries = registries;
        this.scheme = scheme;
    }

    @Override
    public Uni<Void> registerServiceInstance(String serviceName, Metadata<EtcdMetadataKey> metadata, String ipAddress, int defaultPort) {
        return registerServiceInstance(serviceName, null, metadata, ipAddress, defaultPort);
    }

    /** Stork 3's abstract registration: {@code instanceName} is the instance id when given. */
    public Uni<Void> registerServiceInstance(String serviceName, String instanceName, Metadata<EtcdMetadataKey> metadata,
                                             String ipAddress, int defaultPort) {
        checkAddressNotNull(ipAddress);
        Map<String, String> fields = new HashMap<>();
        String id = instanceName;
        if (metadata != null) {
            for (Map.Entry<EtcdMetadataKey, Object> e : metadata.getMetadata().entrySet()) {
                if (e.getKey() == EtcdMetadataKey.META_ETCD_INSTANCE_ID) {
                    id = id == null ? String.valueOf(e.getValue()) : id;
                } else {
                    fields.put(e.getKey().getName(), String.valueOf(e.getValue()));
                }
            }
        }
        return register(serviceName, id, ipAddress, defaultPort, fields);
    }

    @Override
    public Uni<Void> registerServiceInstance(RegistrarOptions options) {
        checkRegistrarOptionsNotNull(options);
        checkAddressNotNull(options.ipAddress());
        Map<String, String> fields = new HashMap<>(options.metadata() == null ? Map.of() : options.metadata());
        if (options.tags() != null && !options.tags().isEmpty()) {
            fields.put("tags", String.join(",", options.tags()));
        }
        String id = fields.remove(EtcdMetadataKey.META_ETCD_INSTANCE_ID.getName());
        return register(options.serviceName(), id, options.ipAddress(), options.defaultPort(), fields);
    }

    private Uni<Void> register(String service, String instanceId, String host, int port, Map<String, String> fields) {
        return Uni.createFrom().<Void>item(() -> {
            String id = instanceId == null || instanceId.isBlank() ? ServiceInstance.defaultId(service, host, port) : instanceId;
            ServiceInstance instance = new ServiceInstance(service, id, host, port, scheme, fields, Optional.empty());
            Registration before = registered.computeIfAbsent(service, s -> new ConcurrentHashMap<>()).remove(id);
            if (before != null) {
                before.close(); // the same id again: the old registration would delete the new record when closed later
            }
            Registration registration = registries.get().register(instance);
            registered.computeIfAbsent(service, s -> new ConcurrentHashMap<>()).put(id, registration);
            LOG.log(System.Logger.Level.INFO, "Stork registered {0}/{1} at {2} in etcd ({3})", service, id, instance.address(),
                    registration.key());
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public Uni<Void> deregisterServiceInstance(String serviceName) {
        return deregister(serviceName, r -> true);
    }

    /** Stork 3: deregisters the instance of that id (instance name) only. */
    public Uni<Void> deregisterServiceInstance(String serviceName, String instanceName) {
        return deregister(serviceName, r -> r.instance().instanceId().equals(instanceName));
    }

    /** Stork 3: deregisters the instances at that address only. */
    public Uni<Void> deregisterServiceInstance(String serviceName, String ipAddress, int port) {
        return deregister(serviceName, r -> r.instance().host().equals(ipAddress) && r.instance().port() == port);
    }

    private Uni<Void> deregister(String service, Predicate<Registration> which) {
        return Uni.createFrom().<Void>item(() -> {
            Map<String, Registration> of = registered.getOrDefault(service, Map.of());
            List<Registration> closing = new ArrayList<>();
            of.values().removeIf(r -> which.test(r) && closing.add(r));
            closing.forEach(Registration::close); // deletes each record (bounded by etcd.request-timeout)
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
