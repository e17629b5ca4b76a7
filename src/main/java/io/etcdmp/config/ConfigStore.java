package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.EtcdException;
import io.etcdmp.client.EtcdConnection;
import io.etcdmp.client.EtcdFailures;
import io.etcdmp.watch.KeyChange;
import io.etcdmp.watch.KeyRanges;
import io.etcdmp.watch.PrefixMirror;

import java.nio.charset.StandardCharsets;
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
