package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.config.ConfigChange;
import io.etcdmp.config.ConfigHistory;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.config.Rollback;
import io.etcdmp.internal.client.EtcdCalls;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.internal.watch.PrefixMirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The {@link ConfigStore} on one etcd connection and key prefix; failures name the key and endpoints. */
public class EtcdConfigStore implements ConfigStore {
    /** etcd refuses requests over 1.5 MiB by default. */
    static final int MAX_VALUE_BYTES = 1536 * 1024 - 512;

    private final EtcdConnection connection;
    private final String prefix;

    public EtcdConfigStore(EtcdConnection connection, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new EtcdMicroprofileException("A config store needs a non-empty key prefix such as "
                    + ConfigSourceSettings.SHARED_PREFIX);
        }
        this.connection = connection;
        this.prefix = prefix;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public ConfigStore at(String otherPrefix) {
        return new EtcdConfigStore(connection, otherPrefix);
    }

    @Override
    public long saveConfig(String name, String value) {
        ByteSequence key = key(name);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new EtcdMicroprofileException("Value for etcd key '" + prefix + name + "' is " + bytes.length
                    + " bytes; etcd refuses requests over 1.5 MiB by default (--max-request-bytes)");
        }
        return call("save", name, connection.client().getKVClient().put(key, ByteSequence.from(bytes)))
                .getHeader().getRevision();
    }

    @Override
    public Optional<String> getConfig(String name) {
        List<KeyValue> kvs = call("read", name, connection.client().getKVClient().get(key(name))).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.ofNullable(KeyNames.decode(kvs.get(0).getValue()));
    }

    @Override
    public boolean deleteConfig(String name) {
        return call("delete", name, connection.client().getKVClient().delete(key(name))).getDeleted() > 0;
    }

    @Override
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

    @Override
    public AutoCloseable watchConfig(String name, Consumer<ConfigChange> listener) {
        KeyChangeReporter reporter = new KeyChangeReporter(name, listener, connection.events());
        PrefixMirror mirror = PrefixMirror.ofKey(connection, key(name), reporter);
        try {
            long at = mirror.load(0); // the current value: recorded, not reported
            reporter.start(); // before the watch opens: its first event, even one delivered at once, is reported
            mirror.watchFrom(at + 1);
        } catch (Exception e) {
            mirror.close();
            throw failure("watch", name, e);
        }
        return mirror::close;
    }

    @Override
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

    @Override
    public Rollback rollback(String name, long revision) {
        requirePositive(name, revision);
        List<KeyValue> now = call("read", name, connection.client().getKVClient().get(key(name))).getKvs();
        return rollback(name, revision, now.isEmpty() ? 0 : now.get(0).getModRevision());
    }

    @Override
    public Rollback rollback(String name, long revision, long expectedModRevision) {
        requirePositive(name, revision);
        ByteSequence key = key(name);
        Optional<KeyValue> then;
        try {
            then = valueAt(key, name, revision);
        } catch (CompactedRevision e) {
            return new Rollback(Rollback.Outcome.COMPACTED, 0, "etcd has compacted revision " + revision
                    + ": the value etcd key '" + prefix + name + "' had then is gone");
        } catch (FutureRevision e) {
            return new Rollback(Rollback.Outcome.FUTURE_REVISION, 0, "etcd key '" + prefix + name + "' cannot be rolled back"
                    + " to revision " + revision + ": it is later than etcd's current revision" + currentRevision(name)
                    + "; nothing written; take a revision from the key's history");
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

    /** etcd reads a revision of 0 or below as "now": a rollback to it would write the current value back. */
    private void requirePositive(String name, long revision) {
        if (revision <= 0) {
            throw new IllegalArgumentException("Cannot roll back etcd key '" + prefix + name + "' to revision " + revision
                    + ": a revision is a positive number (take one from the key's history)");
        }
    }

    /**
     * The key at {@code revision}, if it had a value then; {@link CompactedRevision} when etcd compacted it,
     * {@link FutureRevision} when etcd has not reached it (both OUT_OF_RANGE: told apart by etcd's message).
     */
    private Optional<KeyValue> valueAt(ByteSequence key, String name, long revision) {
        try {
            List<KeyValue> kvs = call("read", name, connection.client().getKVClient()
                    .get(key, GetOption.builder().withRevision(revision).build())).getKvs();
            return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
        } catch (EtcdMicroprofileException e) {
            if (EtcdFailures.isCompactedRevision(e)) {
                throw new CompactedRevision();
            }
            if (EtcdFailures.isFutureRevision(e)) {
                throw new FutureRevision();
            }
            throw e;
        }
    }

    /** " 6" after a read of the key's current state, for a message; empty when that read fails too. */
    private String currentRevision(String name) {
        try {
            return " " + call("read", name, connection.client().getKVClient().get(key(name))).getHeader().getRevision();
        } catch (EtcdMicroprofileException e) {
            return "";
        }
    }

    /** Internal signal of a compacted revision; never leaves this class. */
    private static final class CompactedRevision extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CompactedRevision() {
            super(null, null, false, false);
        }
    }

    /** Internal signal of a revision etcd has not reached yet; never leaves this class. */
    private static final class FutureRevision extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FutureRevision() {
            super(null, null, false, false);
        }
    }

    private ByteSequence key(String name) {
        if (name == null || name.isEmpty()) {
            throw new EtcdMicroprofileException("A config property name must not be empty (prefix " + prefix + ")");
        }
        return KeyNames.key(prefix, name);
    }

    private <T> T call(String action, String name, CompletableFuture<T> future) {
        try {
            return EtcdCalls.await("config-" + action.replace(' ', '-'), future, connection.settings().requestTimeout());
        } catch (Exception e) {
            throw failure(action, name, e);
        }
    }

    private EtcdMicroprofileException failure(String action, String name, Throwable cause) {
        String why = EtcdFailures.explain(connection.settings(), action.equals("read") ? "read" : "write", prefix, cause);
        return new EtcdMicroprofileException("Cannot " + action + " etcd key '" + prefix + name + "' at "
                + connection.settings().endpointList() + ": " + why, cause);
    }

    @Override
    public String toString() {
        return "ConfigStore[prefix=" + prefix + ", " + connection.settings().endpointList() + "]";
    }
}
