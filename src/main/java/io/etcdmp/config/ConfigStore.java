package io.etcdmp.config;

import io.etcdmp.EtcdMicroprofileException;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads and writes configuration properties in etcd from code, under one key prefix (in CDI,
 * {@code @Inject ConfigStore}: the last of {@code etcd.config.prefixes}, the application's own). A
 * property {@code db.pool.size} is the key {@code <prefix>db.pool.size}. Every call goes to etcd
 * (linearizable reads) and is bounded by {@code etcd.request-timeout}; failures are
 * {@link EtcdMicroprofileException}s that name the key.
 */
public interface ConfigStore {
    /** Entries {@link #history(String)} lists at most. */
    int HISTORY_LIMIT = 1000;

    /** The key prefix this store reads and writes. */
    String prefix();

    /** A store for another prefix, sharing this one's connection. */
    ConfigStore at(String otherPrefix);

    /** Writes a property; returns the etcd revision of the write. */
    long saveConfig(String name, String value);

    /** The property's value in etcd now, if it has one. */
    Optional<String> getConfig(String name);

    /** Deletes the property; true when it existed. */
    boolean deleteConfig(String name);

    /** Every property under this store's prefix (values that are not UTF-8 are left out). */
    Map<String, String> getAllConfig();

    /**
     * Calls {@code listener} on every later change of the property, including changes made while the
     * watch was interrupted (it is re-established and the difference is delivered). The current value
     * is read first and not reported. Closing the handle stops the watch.
     */
    AutoCloseable watchConfig(String name, Consumer<ConfigChange> listener);

    /** {@link #history(String, int)} of at most {@value #HISTORY_LIMIT} entries. */
    default ConfigHistory history(String name) {
        return history(name, HISTORY_LIMIT);
    }

    /**
     * The values the property's key had, newest first: the current one, then the one before its
     * modification revision, and so on back to the write that created the key, or until etcd answers
     * that the revision is compacted (said in the result, not thrown), or {@code maxEntries}. One read per
     * entry, each bounded by {@code etcd.request-timeout}. A key deleted and written again is listed from
     * its last creation on.
     */
    ConfigHistory history(String name, int maxEntries);

    /**
     * Writes again the value the property had at {@code revision}, if the key has not changed since this
     * call read it. See {@link #rollback(String, long, long)} to refuse when it changed since the caller
     * read it (from {@link #history}).
     *
     * @throws IllegalArgumentException when {@code revision} is 0 or below (etcd would read it as the current one)
     */
    Rollback rollback(String name, long revision);

    /**
     * Writes again the value the property had at {@code revision}, in one transaction that succeeds only
     * while the key's modification revision is {@code expectedModRevision} (0: the key must not exist), so a
     * change made since the caller read the key is never overwritten. Returns the revision of the write, or
     * why there was none: the key changed, etcd compacted {@code revision}, the key had no value then, or
     * {@code revision} is later than etcd's current revision ({@link Rollback.Outcome#FUTURE_REVISION}).
     *
     * @throws IllegalArgumentException when {@code revision} is 0 or below (etcd would read it as the current one)
     */
    Rollback rollback(String name, long revision, long expectedModRevision);
}
