package io.etcdmp.internal.registry;

import io.etcdmp.internal.metrics.FlightEvents;
import io.etcdmp.internal.metrics.GaugeSource;
import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;
import io.etcdmp.registry.ServiceInstance;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A registry's metrics: its registrations and the instances of the services it caches, by status (gauges read when
 * exported), lost leases and failed keep-alives (counters, with their JFR events).
 */
final class RegistryMetrics implements GaugeSource {
    static final String PREFIX = "etcd.registry.prefix";
    private final String prefix;
    private final Map<String, String> attributes;
    private final Supplier<Integer> registrations;
    private final Map<String, ServiceCache> caches;

    private RegistryMetrics(String prefix, Supplier<Integer> registrations, Map<String, ServiceCache> caches) {
        this.prefix = prefix;
        this.attributes = Map.of(PREFIX, prefix);
        this.registrations = registrations;
        this.caches = caches;
    }

    /** Adds the registry's gauges; running the result removes them. */
    static Runnable register(String prefix, Collection<?> registrations, Map<String, ServiceCache> caches) {
        AutoCloseable gauges = Metrics.gauges(new RegistryMetrics(prefix, registrations::size, caches));
        return () -> {
            try {
                gauges.close();
            } catch (Exception ignored) {
                // removing from a list: cannot fail
            }
        };
    }

    static void leaseLost(String prefix, long lease, String why) {
        Metrics.count(Metric.LEASE_LOST, Map.of(PREFIX, prefix), 1);
        FlightEvents.leaseLost(prefix, lease, why);
    }

    static void keepAliveFailed(String prefix) {
        Metrics.count(Metric.KEEPALIVE_FAILURES, Map.of(PREFIX, prefix), 1);
    }

    @Override
    public void observe(Metric metric, Sink sink) {
        if (metric == Metric.REGISTRATIONS) {
            sink.record(attributes, registrations.get());
        } else if (metric == Metric.DISCOVERY_INSTANCES) {
            caches.forEach((service, cache) -> {
                List<ServiceInstance> instances = cache.instances();
                Map<String, Integer> byStatus = new TreeMap<>();
                instances.forEach(i -> byStatus.merge(i.status(), 1, Integer::sum));
                byStatus.forEach((status, n) -> sink.record(Map.of(PREFIX, prefix, "service.name", service, "status", status), n));
            });
        }
    }
}
