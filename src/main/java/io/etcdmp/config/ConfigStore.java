package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.EtcdException;
import io.etcdmp.client.EtcdConnection;
import io.etcdmp.client.EtcdFailures;
import io.etcdmp.watch.KeyChange;
import io.etcdmp.watch.KeyRanges;
import io.etcdmp.watch.PrefixMirror;
import io.grpc.Status;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Reads and writes configuration properties in etcd from code, under one key prefix (in CDI: the last
 * of {@code etcd.config.prefixes}, the application's own). A property {@code db.pool.size} is the key
 * {@code <prefix>db.pool.size}. Every call goes to etcd (linearizable reads) and is bounded by
 * {@code etcd.request-timeout}; failures are {@link EtcdException}s that name the key.
 */
public class ConfigStore {
    /** etcd refuses requests over 1.5 MiB by default. */
    static final int MAX_VALUE_BYTES = 1536 * 1024 - 512;
    /** Entries {@link #history(String)} lists at most. */
    public static final int HISTORY_LIMIT = 1000;

    private final EtcdConnection connection;
    private final String prefix;

    public ConfigStore(EtcdConnection connection, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new EtcdException("A config store needs a non-empty key prefix such as "
                    + ConfigSourceSettings.SHARED_PREFIX);
        }
        this.connection = connection;
        this.prefix = prefix;
    }

    /** The key prefix this store reads and writes. */
    public String prefix() {
        return prefix;
    }

    /** A store for another prefix, sharing this one's connection. */
    public ConfigStore at(String otherPrefix) {
        return new ConfigStore(connection, otherPrefix);
    }

    /** Writes a property; returns the etcd revision of the write. */
    public long saveConfig(String name, String value) {
        ByteSequence key = key(name);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new EtcdException("Value for etcd key '" + prefix + name + "' is " + bytes.length
                    + " bytes; etcd refuses requests over 1.5 MiB by default (--max-request-bytes)");
        }
        return call("save", name, connection.client().getKVClient().put(key, ByteSequence.from(bytes)))
                .getHeader().getRevision();
    }

    /** The property's value in etcd now, if it has one. */
    public Optional<String> getConfig(String name) {
        List<KeyValue> kvs = call("read", name, connection.client().getKVClient().get(key(name))).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.ofNullable(KeyNames.decode(kvs.get(0).getValue()));
    }

    /** Deletes the property; true when it existed. */
    public boolean deleteConfig(String name) {
        return call("delete", name, connection.client().getKVClient().delete(key(name))).getDeleted() > 0;
    }

    /** Every property under this store's prefix (values that are not UTF-8 are left out). */
    public Map<String, String> getAllConfig() {
        ByteSequence start = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        GetOption option = GetOption.builder().withRange(KeyRanges.prefixEnd(start)).build();
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : call("read", "*", connection.client().getKVClient().get(start, option)).getKvs()) {
            String name = KeyNames.propertyName(start, kv.getKey());
            String value = KeyNames.decode(kv.getValue());
            if (name != null && value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    /**
     * Calls {@code listener} on every later change of the property, including changes made while the
     * watch was interrupted (it is re-established and the difference is delivered). The current value
     * is read first and not reported. Closing the handle stops the watch.
     */
    public AutoCloseable watchConfig(String name, Consumer<ConfigChange> listener) {
        ByteSequence key = key(name);
        AtomicReference<String> last = new AtomicReference<>();
        AtomicReference<Boolean> started = new AtomicReference<>(false);
        PrefixMirror mirror = PrefixMirror.ofKey(connection, key, (changes, revision) -> {
            KeyChange latest = changes.get(changes.size() - 1);
            String now = latest.isDelete() ? null : KeyNames.decode(latest.value());
            String before = last.getAndSet(now);
            if (started.get() && !java.util.Objects.equals(before, now)) {
                ConfigChange change = new ConfigChange(name, Optional.ofNullable(before), Optional.ofNullable(now));
                connection.events().execute(() -> listener.accept(change));
            }
        });
        try {
            PrefixMirror.startAll(List.of(mirror));
        } catch (Exception e) {
            mirror.close();
            throw failure("watch", name, e);
        }
        started.set(true);
        return mirror::close;
    }

    /** {@link #history(String, int)} of at most {@value #HISTORY_LIMIT} entries. */
    public ConfigHistory history(String name) {
        return history(name, HISTORY_LIMIT);
    }

    /**
     * The values the property's key had, newest first: the current one, then the one before its
     * modification revision, and so on back to the write that created the key, or until etcd answers
     * that the revision is compacted (said in the result, not thrown), or {@code maxEntries}. One read per
     * entry, each bounded by {@code etcd.request-timeout}. A key deleted and written again is listed from
     * its last creation on.
     */
    public ConfigHistory history(String name, int maxEntries) {
        ByteSequence key = key(name);
        List<KeyValue> now = call("read", name, connection.client().getKVClient().get(key)).getKvs();
        if (now.isEmpty()) {
            return new ConfigHistory(name, List.of(), ConfigHistory.End.ABSENT, 0);
        }
        List<ConfigHistory.Entry> entries = new ArrayList<>();
        KeyValue kv = now.get(0);
        while (true) {
            entries.add(new ConfigHistory.Entry(kv.getModRevision(), kv.getVersion(),
                    Optional.ofNullable(KeyNames.decode(kv.getValue()))));
            if (kv.getVersion() <= 1) {
                return new ConfigHistory(name, entries, ConfigHistory.End.CREATED, 0);
            }
            if (entries.size() >= maxEntries) {
                return new ConfigHistory(name, entries, ConfigHistory.End.LIMIT, 0);
            }
            long before = kv.getModRevision() - 1;
            Optional<KeyValue> older;
            try {
                older = valueAt(key, name, before);
            } catch (CompactedRevision e) {
                return new ConfigHistory(name, entries, ConfigHistory.End.COMPACTED, before);
            }
            if (older.isEmpty()) { // a version above 1 with nothing before it: the key was re-created meanwhile
                return new ConfigHistory(name, entries, ConfigHistory.End.CREATED, 0);
            }
            kv = older.get();
        }
    }

    /**
     * Writes again the value the property had at {@code revision}, if the key has not changed since this
     * call read it. See {@link #rollback(String, long, long)} to refuse when it changed since the caller
     * read it (from {@link #history}).
     */
    public Rollback rollback(String name, long revision) {
        List<KeyValue> now = call("read", name, connection.client().getKVClient().get(key(name))).getKvs();
        return rollback(name, revision, now.isEmpty() ? 0 : now.get(0).getModRevision());
    }

    /**
     * Writes again the value the property had at {@code revision}, in one transaction that succeeds only
     * while the key's modification revision is {@code expectedModRevision} (0: the key must not exist), so a
     * change made since the caller read the key is never overwritten. Returns the revision of the write, or
     * why there was none: the key changed, etcd compacted {@code revision}, or the key had no value then.
     */
    public Rollback rollback(String name, long revision, long expectedModRevision) {
        ByteSequence key = key(name);
        Optional<KeyValue> then;
        try {
            then = valueAt(key, name, revision);
        } catch (CompactedRevision e) {
            return new Rollback(Rollback.Outcome.COMPACTED, 0, "etcd has compacted revision " + revision
                    + ": the value etcd key '" + prefix + name + "' had then is gone");
        }
        if (then.isEmpty()) {
            return new Rollback(Rollback.Outcome.NO_VALUE_AT_REVISION, 0, "etcd key '" + prefix + name
                    + "' had no value at revision " + revision);
        }
        TxnResponse txn = call("roll back", name, connection.client().getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(key, then.get().getValue(), PutOption.DEFAULT))
                .commit());
        if (!txn.isSucceeded()) {
            return new Rollback(Rollback.Outcome.CHANGED_SINCE_READ, 0, "etcd key '" + prefix + name
                    + "' changed after it was read (expected modification revision " + expectedModRevision
                    + "): nothing written; read its history again and decide");
        }
        long written = txn.getHeader().getRevision();
        return new Rollback(Rollback.Outcome.ROLLED_BACK, written, "etcd key '" + prefix + name
                + "' holds its value of revision " + revision + " again, written at revision " + written);
    }

    /** The key at {@code revision}, if it had a value then; {@link CompactedRevision} when etcd compacted it. */
    private Optional<KeyValue> valueAt(ByteSequence key, String name, long revision) {
        try {
            List<KeyValue> kvs = call("read", name, connection.client().getKVClient()
                    .get(key, GetOption.builder().withRevision(revision).build())).getKvs();
            return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
        } catch (EtcdException e) {
            if (isCompacted(e)) {
                throw new CompactedRevision();
            }
            throw e;
        }
    }

    /** etcd answers a read at a compacted revision with OUT_OF_RANGE ("required revision has been compacted"). */
    private static boolean isCompacted(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CompactedException || Status.fromThrowable(t).getCode() == Status.Code.OUT_OF_RANGE
                    || String.valueOf(t.getMessage()).contains("has been compacted")) {
                return true;
            }
        }
        return false;
    }

    /** Internal signal of a compacted revision; never leaves this class. */
    private static final class CompactedRevision extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CompactedRevision() {
            super(null, null, false, false);
        }
    }

    private ByteSequence key(String name) {
        if (name == null || name.isEmpty()) {
            throw new EtcdException("A config property name must not be empty (prefix " + prefix + ")");
        }
        return KeyNames.key(prefix, name);
    }

    private <T> T call(String action, String name, CompletableFuture<T> future) {
        long timeout = connection.settings().requestTimeout().toMillis();
        try {
            return future.get(timeout, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(action, name, e);
        } catch (ExecutionException e) {
            throw failure(action, name, e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw failure(action, name, new TimeoutException("no answer within " + timeout + " ms"));
        }
    }

    private EtcdException failure(String action, String name, Throwable cause) {
        String why = EtcdFailures.isPermissionDenied(cause) ? EtcdFailures.missingPermission(connection.settings(),
                action.equals("read") ? "read" : "write", prefix) : cause.getMessage();
        return new EtcdException("Cannot " + action + " etcd key '" + prefix + name + "' at "
                + connection.settings().endpointList() + ": " + why, cause);
    }

    @Override
    public String toString() {
        return "ConfigStore[prefix=" + prefix + ", " + connection.settings().endpointList() + "]";
    }
}
