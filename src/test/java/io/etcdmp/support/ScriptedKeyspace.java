package io.etcdmp.support;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.watch.WatchResponse;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory keyspace standing in for etcd's KV in unit tests: the test sets keys and the revision;
 * {@code get} answers every key of the requested range in one page at the current revision. It also
 * makes the watch responses that describe its changes. Thread-safe.
 */
public final class ScriptedKeyspace {
    private final TreeMap<String, KeyValue> keys = new TreeMap<>();
    private long revision = 1;

    /** Puts {@code key} at a new revision and returns the watch response etcd would send for it. */
    public synchronized WatchResponse put(String key, String value) {
        revision++;
        KeyValue old = keys.get(key);
        KeyValue kv = KeyValue.newBuilder().setKey(utf8(key)).setValue(utf8(value)).setModRevision(revision)
                .setCreateRevision(old == null ? revision : old.getCreateRevision())
                .setVersion(old == null ? 1 : old.getVersion() + 1).build();
        keys.put(key, kv);
        return response(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
    }

    /** Deletes {@code key} at a new revision and returns the watch response etcd would send for it. */
    public synchronized WatchResponse delete(String key) {
        revision++;
        keys.remove(key);
        return response(Event.newBuilder().setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(utf8(key)).setModRevision(revision)).build());
    }

    /** The "watch created" response for a watch, at the current revision. */
    public synchronized WatchResponse created() {
        return new WatchResponse(io.etcd.jetcd.api.WatchResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision)).setCreated(true).build());
    }

    public synchronized long revision() {
        return revision;
    }

    /** A KV client whose {@code get} reads this keyspace; any other call fails. */
    public KV kv() {
        return (KV) Proxy.newProxyInstance(KV.class.getClassLoader(), new Class<?>[] {KV.class}, (proxy, method, args) -> {
            if (method.getName().equals("get") && args.length == 2) {
                return CompletableFuture.completedFuture(get((ByteSequence) args[0], (GetOption) args[1]));
            }
            if (method.getName().equals("close")) {
                return null;
            }
            throw new UnsupportedOperationException("ScriptedKeyspace does not answer " + method.getName());
        });
    }

    private synchronized GetResponse get(ByteSequence from, GetOption option) {
        String start = from.toString(StandardCharsets.UTF_8);
        String end = option.getEndKey().map(e -> e.toString(StandardCharsets.UTF_8)).orElse(start + "\0");
        RangeResponse.Builder range = RangeResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(revision));
        for (Map.Entry<String, KeyValue> e : keys.subMap(start, true, end, false).entrySet()) {
            range.addKvs(e.getValue());
        }
        return new GetResponse(range.setCount(range.getKvsCount()).build(), ByteSequence.EMPTY);
    }

    private WatchResponse response(Event event) {
        return new WatchResponse(io.etcd.jetcd.api.WatchResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision)).addEvents(event).build());
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
