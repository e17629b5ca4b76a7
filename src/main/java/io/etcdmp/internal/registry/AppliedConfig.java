package io.etcdmp.internal.registry;

/**
 * The configuration an instance runs, as its own record publishes it (metadata {@code configRevision} and
 * {@code configStale}): given by the CDI layer from the application's etcd config sources. Read from the
 * connection's timer and worker threads: the methods answer from memory and never block.
 */
public interface AppliedConfig {
    /** The etcd revision the configuration was applied at; 0 before any was. */
    long revision();

    /** True while the configuration may be behind etcd (served from the cache file, or a watch cut off). */
    boolean stale();

    /** Calls {@code changed} (it never blocks) after each applied change; closing the handle stops it. */
    AutoCloseable onChange(Runnable changed);
}
