package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.ToolConnection;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Operator actions on an instance record: its {@code status} ({@code OUT_OF_SERVICE}, {@code DRAINING}, back to
 * {@code UP}) or {@code weight}, written where the record's shape keeps them (docs/REGISTRY.md): our gRPC naming
 * shape in {@code Metadata.status} and {@code Metadata.metadata.weight}, a foreign {@code Metadata} object in its
 * members, the seed's (Node {@code etcd3}) shape at the top level. One transaction, on the modification revision
 * the console read and under the record's own lease (the record still goes with its instance); a change record
 * follows. Plain {@code host:port} and URL records have no place for either: refused, naming the key.
 */
final class InstanceActions {
    static final Set<String> STATUSES = Set.of("UP", "OUT_OF_SERVICE", "DRAINING");

    private InstanceActions() {
    }

    /** Changes the record; returns the service page to show (POST, redirect, GET). */
    static String change(Exchange x) throws Exception {
        String key = x.param("key");
        String root = x.console().options().registryPrefix();
        if (!key.startsWith(root)) {
            throw new IllegalArgumentException("Key " + key + " is not under the registry prefix " + root);
        }
        String status = x.param("status");
        String weight = x.param("weight").strip();
        if (!status.isEmpty() && !STATUSES.contains(status)) {
            throw new IllegalArgumentException("Status " + status + " is none of " + STATUSES);
        }
        if (!weight.isEmpty() && !weight.matches("\\d{1,6}")) {
            throw new IllegalArgumentException("Weight " + weight + " is not a whole number from 0 to 999999");
        }
        ToolConnection etcd = x.etcd();
        ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
        List<KeyValue> kvs = etcd.client().getKVClient().get(k).get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).getKvs();
        if (kvs.isEmpty()) {
            throw new IllegalStateException("Record " + key + " is gone (its instance deregistered or its lease expired)");
        }
        KeyValue kv = kvs.get(0);
        if (!x.param("expect").equals(Long.toString(kv.getModRevision()))) {
            throw new IllegalStateException("Conflict: record " + key + " changed since you loaded it (modification revision "
                    + (x.param("expect").isEmpty() ? "not sent" : x.param("expect")) + ", now " + kv.getModRevision()
                    + "): nothing written; look again");
        }
        String value = edit(key, kv.getValue().toString(StandardCharsets.UTF_8), status, weight);
        PutOption put = kv.getLease() == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(kv.getLease()).build();
        TxnResponse r;
        try {
            r = etcd.client().getKVClient().txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
                    .Then(Op.put(k, ByteSequence.from(value, StandardCharsets.UTF_8), put))
                    .commit().get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw etcd.failure("write", key, e);
        }
        if (!r.isSucceeded()) {
            throw new IllegalStateException("Conflict: record " + key + " changed while you changed it (modification revision "
                    + kv.getModRevision() + " read): nothing written; look again");
        }
        String what = status.isEmpty() ? "weight " + weight : "status " + status;
        ChangeRecords.writeAfter(etcd, x.console().options().changesPrefix(), ChangeRecords.Author.of(etcd, key + ": " + what,
                Optional.empty()), Writes.COMMAND, List.of(new ChangeRecords.KeyOp(key, "put")), r.getHeader().getRevision());
        String rest = key.substring(root.length());
        return rest.indexOf('/') < 0 ? "/registry" // a record directly under the registry prefix belongs to no service
                : "/registry?service=" + Html.url(rest.substring(0, rest.lastIndexOf('/')));
    }

    /** The record {@code value} with {@code status} and/or {@code weight} (empty: unchanged) set in its shape. */
    static String edit(String key, String value, String status, String weight) {
        JsonObject root;
        try (JsonReader r = Json.createReader(new StringReader(value))) {
            root = r.readObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Record " + key + " is plain text (host:port or a URL): it has no place for a "
                    + "status or weight; its owner must write a JSON record (docs/REGISTRY.md)");
        }
        if (root.containsKey("Addr")) {
            JsonValue meta = root.getOrDefault("Metadata", JsonValue.NULL);
            if (meta.getValueType() != JsonValue.ValueType.OBJECT && meta.getValueType() != JsonValue.ValueType.NULL) {
                throw new IllegalArgumentException("Record " + key + " has a text Metadata: no place for a status or weight");
            }
            JsonObject m = meta instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
            JsonObjectBuilder mb = Json.createObjectBuilder(m);
            if (!status.isEmpty()) {
                mb.add("status", status);
            }
            if (!weight.isEmpty()) {
                if (m.get("metadata") instanceof JsonObject nested) {
                    mb.add("metadata", Json.createObjectBuilder(nested).add("weight", weight));
                } else {
                    mb.add("weight", weight);
                }
            }
            return Json.createObjectBuilder(root).add("Metadata", mb).build().toString();
        }
        JsonObjectBuilder b = Json.createObjectBuilder(root);
        if (!status.isEmpty()) {
            b.add("status", status);
        }
        if (!weight.isEmpty()) {
            b.add("weight", root.get("weight") instanceof jakarta.json.JsonNumber ? Json.createValue(Integer.parseInt(weight))
                    : Json.createValue(weight));
        }
        return b.build().toString();
    }
}
