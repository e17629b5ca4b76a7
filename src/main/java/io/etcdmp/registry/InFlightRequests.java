package io.etcdmp.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Requests in flight per instance, which {@link ServiceRegistry.Strategy#POWER_OF_TWO} compares. Whoever
 * sends a request to a chosen instance (such as a client filter) calls {@link #begin} before sending and
 * closes the returned {@link Call} when the response or the failure is in. Thread-safe; an instance
 * with nothing in flight takes no memory.
 */
public final class InFlightRequests {
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    /** An empty count; each {@link ServiceRegistry} has one ({@link ServiceRegistry#inFlight()}). */
    public InFlightRequests() {
    }

    /** One request to {@code instance} has started; closing the result (once or more) ends it. */
    public Call begin(ServiceInstance instance) {
        String key = key(instance);
        counts.merge(key, 1, Integer::sum);
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            }
        };
    }

    /** Requests to {@code instance} begun and not yet ended. */
    public int count(ServiceInstance instance) {
        return counts.getOrDefault(key(instance), 0);
    }

    private static String key(ServiceInstance instance) {
        return instance.service() + '/' + instance.instanceId();
    }

    /** A request in flight; {@link #close()} ends it (later calls do nothing). */
    @FunctionalInterface
    public interface Call extends AutoCloseable {
        @Override
        void close();
    }
}
