package io.etcdmp.registry;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A service instance kept registered under the lease its registry's registrations share. While open, the
 * lease is kept alive and a lost lease is replaced by a new one under which every record is claimed again.
 * {@link #close()} deregisters: the record is deleted at once (the last registration on the lease revokes
 * it); nothing re-creates it afterwards.
 */
public interface Registration extends AutoCloseable {
    ServiceInstance instance();

    /** The etcd key of the record. */
    String key();

    /** True while the record is in etcd under a live lease, as far as the keep-alive knows. */
    boolean isRegistered();

    /** The current lease, if registered. */
    OptionalLong leaseId();

    /** How many times the registration was re-created after a lost lease. */
    int reRegistrations();

    /**
     * Stops the way a load balancer expects: marks this registration draining (the readiness check
     * reports DOWN), rewrites the record with status {@code DRAINING} (callers stop choosing it with their
     * next cache update, within milliseconds), waits {@code wait} while requests already sent finish,
     * then {@link #close() deregisters}. Blocks for about {@code wait}; idempotent; after a close it does
     * nothing.
     */
    void drain(Duration wait);

    /** True from the start of {@link #drain} on. */
    boolean isDraining();

    /** Deregisters (deletes the record, or revokes the lease if this was the last on it; each bounded by {@code etcd.request-timeout}); idempotent. */
    @Override
    void close();
}
