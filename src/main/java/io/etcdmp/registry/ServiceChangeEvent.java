package io.etcdmp.registry;

import java.util.List;
import java.util.Objects;

/**
 * The instances of a watched service changed (an instance joined, left or changed its record). Fired as
 * a CDI event for every service the registry follows (any service that was listed, chosen from or
 * watched) and handed to the listeners of {@link ServiceRegistry#watch}.
 *
 * @param service   the service
 * @param instances all its instances now, ordered by instance id
 * @param revision  the etcd revision of the change
 */
public record ServiceChangeEvent(String service, List<ServiceInstance> instances, long revision) {
    public ServiceChangeEvent {
        instances = List.copyOf(instances);
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof ServiceChangeEvent that
                && Objects.equals(service, that.service)
                && Objects.equals(instances, that.instances)
                && revision == that.revision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, instances, revision);
    }

    @Override
    public String toString() {
        return "ServiceChangeEvent[service=" + service + ", instances=" + instances + ", revision=" + revision + "]";
    }
}
