package io.etcdmp.stork;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.smallrye.stork.api.Metadata;
import io.smallrye.stork.impl.DefaultServiceInstance;

import java.util.Optional;

/**
 * One instance found in etcd, as Stork sees it: its metadata as {@link EtcdMetadataKey} metadata and as labels.
 * It gathers statistics only to hear how each call ended: a call that could not connect (refused, connect timeout)
 * is reported to {@link ServiceRegistry#reportFailure}, which takes the instance out of this caller's choice for
 * {@code etcd.discovery.eject-time}.
 */
final class EtcdStorkInstance extends DefaultServiceInstance {
    private final ServiceInstance instance;
    private final ServiceRegistry registry;

    EtcdStorkInstance(long id, ServiceInstance instance, ServiceRegistry registry, Boolean secure) {
        super(id, instance.host(), instance.port(), Optional.empty(),
                secure != null ? secure : "https".equalsIgnoreCase(instance.scheme()), instance.metadata(), metadataOf(instance));
        this.instance = instance;
        this.registry = registry;
    }

    private static Metadata<EtcdMetadataKey> metadataOf(ServiceInstance instance) {
        Metadata<EtcdMetadataKey> metadata = Metadata.of(EtcdMetadataKey.class)
                .with(EtcdMetadataKey.META_ETCD_INSTANCE_ID, instance.instanceId())
                .with(EtcdMetadataKey.META_ETCD_WEIGHT, instance.weight())
                .with(EtcdMetadataKey.META_ETCD_STATUS, instance.status());
        String zone = instance.metadata().get(ServiceInstance.ZONE);
        return zone == null ? metadata : metadata.with(EtcdMetadataKey.META_ETCD_ZONE, zone);
    }

    /** The registry's instance this one stands for. */
    ServiceInstance instance() {
        return instance;
    }

    @Override
    public boolean gatherStatistics() {
        return true; // so that clients (Quarkus's REST Client, gRPC) tell recordEnd how each call ended
    }

    @Override
    public void recordEnd(Throwable failure) {
        if (failure != null) {
            registry.reportFailure(instance, failure); // ejects on a failed connection only; other failures change nothing
        }
    }

    @Override
    public String toString() {
        return "EtcdStorkInstance[" + instance.service() + "/" + instance.instanceId() + " at " + instance.address() + "]";
    }
}
