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
    private final Map<Key, Integer> counts = new ConcurrentHashMap<>();

    private final boolean read;

    /** An empty count that the registry's choice reads; each {@link ServiceRegistry} has one ({@link ServiceRegistry#inFlight()}). */
    public InFlightRequests() {
        this(true);
    }

    /**
     * An empty count.
     *
     * @param read whether the registry's own {@link ServiceRegistry#choose(String)} reads these counts (its
     *             {@code etcd.discovery.strategy} is {@code power-of-two}): counting is wasted work otherwise, which
     *             the by-name filter then skips
     */
    public InFlightRequests(boolean read) {
        this.read = read;
    }

    /** Whether the registry's own {@link ServiceRegistry#choose(String)} reads these counts ({@code power-of-two}). */
    public boolean isRead() {
        return read;
    }

    /** One request to {@code instance} has started; closing the result (once or more) ends it. */
    public Call begin(ServiceInstance instance) {
        Key key = new Key(instance.service(), instance.instanceId());
        counts.merge(key, 1, Integer::sum);
        return key;
    }

    /** Requests to {@code instance} begun and not yet ended. */
    public int count(ServiceInstance instance) {
        return counts.getOrDefault(new Key(instance.service(), instance.instanceId()), 0);
    }

    /**
     * An instance's identity in {@link #counts} (its service and id: the count outlives a changed record), and one
     * request's {@link Call}: no text built per request, the strings' own cached hashes, one object per request.
     * Equal by service and id only; the flag is the call's own.
     */
    private final class Key extends AtomicBoolean implements Call {
        private final String service;
        private final String id;
        private final int hash;

        Key(String service, String id) {
            this.service = service;
            this.id = id;
            this.hash = service.hashCode() * 31 + id.hashCode();
        }

        @Override
        public void close() {
            if (compareAndSet(false, true)) {
                counts.computeIfPresent(this, (k, n) -> n <= 1 ? null : n - 1);
            }
        }

        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Key k && k.hash == hash && k.service.equals(service) && k.id.equals(id);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return "request to " + service + '/' + id;
        }
    }

    /** A request in flight; {@link #close()} ends it (later calls do nothing). */
    @FunctionalInterface
    public interface Call extends AutoCloseable {
        @Override
        void close();
    }
}
