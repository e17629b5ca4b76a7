package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.client.EtcdCalls;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.registry.ServiceInstance;
import io.grpc.Status;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The conditional writes of one instance record: claiming its key under a lease unless another live
 * instance holds it, rewriting it only while it is still the record this registration wrote (or the one read,
 * for a write into an operator's change), and deleting it while it is this registration's. Each is a conditional
 * etcd transaction, so two instances cannot both win a key.
 */
final class RecordClaim {
    private static final System.Logger LOG = System.getLogger(RecordClaim.class.getName());
    /** Deletes on the revision read before {@link #deleteIf} leaves a record that keeps changing under it. */
    static final int DELETE_ATTEMPTS = 3;
    private final EtcdConnection connection;
    private final ServiceInstance instance;
    private final ByteSequence key;
    /** When the first record was made: every later one (a re-claim, the drain's rewrite) keeps it. */
    private Instant registeredAt;
    /** The instance as last published, and the operator's status/weight a re-claim found on the record and keeps. */
    private ServiceInstance last;
    private Map<String, String> operator = Map.of();
    /** What the last re-claim wrote instead of the value it was given (it kept an operator's change); null: none. */
    private ByteSequence adopted;

    RecordClaim(EtcdConnection connection, ServiceInstance instance, String key) {
        this.connection = connection;
        this.instance = instance;
        this.key = bytes(key);
    }

    /**
     * Writes {@code value} under {@code lease} unless another live instance holds the key: the key is
     * free, or its record is ours ({@code ours}: the value this registration wrote last, or the same
     * address: this instance before a restart). Each write is conditional on what was read.
     *
     * @return the revision of the write
     */
    long claim(ByteSequence value, long lease, ByteSequence ours) throws Exception {
        return claim(value, lease, ours, false);
    }

    /**
     * {@link #claim(ByteSequence, long, ByteSequence)}; {@code again}: by a registration claiming its record again
     * (after a lost lease or a failed keep-alive, not after a restart): a record at our address that is not the
     * value we wrote was changed by an operator (the console: {@code status}, {@code weight}), and those are kept,
     * in this write and the later ones of this registration until the next re-claim, which takes over what the record
     * says then (an operator's revert too; nothing when the record is gone) (docs/REGISTRY.md); {@link #claimed} tells
     * what was written.
     */
    long claim(ByteSequence value, long lease, ByteSequence ours, boolean again) throws Exception {
        ByteSequence create = value;
        if (again) { // only a registration's own (serial) claims set or reset it, never a restore's
            synchronized (this) { // a re-claim takes over what the record says now: a gone record says nothing
                adopted = null;
                if (!operator.isEmpty() && last != null) {
                    operator = Map.of();
                    adopted = record(last);
                    create = adopted;
                }
            }
        }
        KV kv = connection.client().getKVClient();
        PutOption put = PutOption.builder().withLeaseId(lease).build();
        TxnResponse created = await(connection, kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, create, put)).Else(Op.get(key, GetOption.DEFAULT)).commit());
        if (created.isSucceeded()) {
            return created.getHeader().getRevision();
        }
        List<KeyValue> existing = created.getGetResponses().isEmpty() ? List.of() : created.getGetResponses().get(0).getKvs();
        if (existing.isEmpty()) {
            throw new IllegalStateException("record " + name() + " changed while registering; trying again");
        }
        KeyValue current = existing.get(0);
        String holder = holderAddress(current);
        if (!current.getValue().equals(ours) && !instance.address().equals(holder)) {
            throw new DuplicateInstanceException("instance id " + instance.instanceId() + " of service "
                    + instance.service() + " is held by another live instance at " + holder + " (lease "
                    + SharedLease.hex(current.getLease()) + "); set a unique etcd.registry.instance-id. "
                    + "Retrying until that record is gone");
        }
        ByteSequence write = again ? adopt(current, value) : value; // the record's status/weight now, a revert too
        TxnResponse replaced = await(connection, kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())))
                .Then(Op.put(key, write, put)).commit());
        if (!replaced.isSucceeded()) {
            throw new IllegalStateException("record " + name() + " changed while registering; trying again");
        }
        return replaced.getHeader().getRevision();
    }

    /** Writes {@code value} under {@code lease} if the record is still {@code expected}; the revision, or 0 when it was not. */
    long rewrite(ByteSequence expected, ByteSequence value, long lease) throws Exception {
        TxnResponse written = await(connection, connection.client().getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(expected)))
                .Then(Op.put(key, value, PutOption.builder().withLeaseId(lease).build())).commit());
        return written.isSucceeded() ? written.getHeader().getRevision() : 0;
    }

    /** The record as etcd holds it now; null when there is none. */
    KeyValue current() throws Exception {
        List<KeyValue> kvs = await("get", connection, connection.client().getKVClient().get(key, GetOption.DEFAULT)).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** Writes {@code value} under {@code lease} if the record is still the one read at {@code modRevision}; the revision, or 0. */
    long rewriteAt(long modRevision, ByteSequence value, long lease) throws Exception {
        TxnResponse written = await(connection, connection.client().getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.put(key, value, PutOption.builder().withLeaseId(lease).build())).commit());
        return written.isSucceeded() ? written.getHeader().getRevision() : 0;
    }

    /**
     * Deletes the record if it is {@code expected}, or if it {@link #isOurs} under {@code lease} (0: no such case):
     * this registration's record as an operator changed it, deleted on the revision read, read again on a conflict
     * (3 times at most, then left with a warning). A record under another lease (another instance, or this one
     * restarted) is left to it; one under no lease only when {@code leaseless} (not for a retry long after the close:
     * a record put without a lease by then is an operator's new one).
     */
    boolean deleteIf(ByteSequence expected, long lease, boolean leaseless) throws Exception {
        KV kv = connection.client().getKVClient();
        TxnResponse done = await(connection, kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(expected)))
                .Then(Op.delete(key, DeleteOption.DEFAULT)).Else(Op.get(key, GetOption.DEFAULT)).commit());
        for (int attempt = 1; !done.isSucceeded(); attempt++) {
            List<KeyValue> now = done.getGetResponses().isEmpty() ? List.of() : done.getGetResponses().get(0).getKvs();
            if (lease == 0 || now.isEmpty() || !isOurs(now.get(0), lease) || (!leaseless && now.get(0).getLease() == 0)) {
                return false;
            }
            if (attempt > DELETE_ATTEMPTS) {
                LOG.log(System.Logger.Level.WARNING, "Record {0} changed under each of {1} deletes; left as it is (under lease {2}): "
                        + "delete it by hand if the instance is gone", name(), DELETE_ATTEMPTS, SharedLease.hex(now.get(0).getLease()));
                return false;
            }
            done = await(connection, kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(now.get(0).getModRevision())))
                    .Then(Op.delete(key, DeleteOption.DEFAULT)).Else(Op.get(key, GetOption.DEFAULT)).commit());
        }
        return true;
    }

    /**
     * The registry closes (its lease revoke removes the records under it): deletes the record if it is ours under no
     * lease ({@link #isOurs}: at our address), on the revision read; false when there is none to delete or it changed.
     */
    CompletableFuture<Boolean> deleteLeaseless() {
        KV kv = connection.client().getKVClient();
        return kv.get(key, GetOption.DEFAULT).thenCompose(got -> {
            KeyValue now = got.getKvs().isEmpty() ? null : got.getKvs().get(0);
            if (now == null || now.getLease() != 0 || !isOurs(now, 0)) {
                return CompletableFuture.completedFuture(false);
            }
            return kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(now.getModRevision())))
                    .Then(Op.delete(key, DeleteOption.DEFAULT)).commit().thenApply(TxnResponse::isSucceeded);
        });
    }

    /**
     * {@code current} is this registration's record as an operator changed it: at this instance's address, under
     * {@code lease} (the console, and etcdctl with {@code --lease}) or under none (etcdctl without it). The one rule of
     * the close's delete, the drain and the config report: a record under another lease is another instance's, or this
     * one's after a restart; one at another address is another instance's, whatever its lease.
     */
    boolean isOurs(KeyValue current, long lease) {
        return (current.getLease() == lease || current.getLease() == 0) && instance.address().equals(holderAddress(current));
    }

    /** What went wrong, naming the missing permission when etcd refused one. */
    String explain(Throwable e) {
        String name = name();
        return EtcdFailures.explain(connection.settings(), "write", name.substring(0, name.lastIndexOf('/') + 1), e);
    }

    private String name() {
        return key.toString(StandardCharsets.UTF_8);
    }

    private static String holderAddress(KeyValue kv) {
        try {
            return InstanceRecords.parse("-", "-", kv.getValue().toString(StandardCharsets.UTF_8)).address();
        } catch (IllegalArgumentException e) {
            return "(unreadable record)";
        }
    }

    /** Another live instance has registered the same instance id. */
    static final class DuplicateInstanceException extends Exception {
        private static final long serialVersionUID = 1L;

        DuplicateInstanceException(String message) {
            super(message);
        }
    }

    /** Waits for etcd's answer ({@link EtcdCalls#await}), bounded by the request timeout. */
    static <T> T await(EtcdConnection connection, CompletableFuture<T> future) throws Exception {
        return await("txn", connection, future);
    }

    /** {@link #await(EtcdConnection, CompletableFuture)} timed as {@code operation}. */
    static <T> T await(String operation, EtcdConnection connection, CompletableFuture<T> future) throws Exception {
        return EtcdCalls.await(operation, future, connection.settings().requestTimeout());
    }

    /** etcd does not know the lease: revoked or expired. */
    static boolean isNotFound(Throwable t) {
        return EtcdFailures.hasCause(t, Status.Code.NOT_FOUND, "requested lease not found", NoSuchLeaseException.class);
    }

    /** The record of {@code published} (the instance as it is now), with the time of the first registration. */
    synchronized ByteSequence record(ServiceInstance published) {
        if (registeredAt == null) {
            registeredAt = Instant.now();
        }
        last = published;
        ServiceInstance shown = published;
        if (!operator.isEmpty()) { // the operator's status and weight; our own drain's DRAINING wins
            Map<String, String> metadata = new TreeMap<>(published.metadata());
            operator.forEach((k, v) -> {
                if (!k.equals(ServiceInstance.STATUS) || !RecordKeeper.DRAINING.equals(published.status())) {
                    metadata.put(k, v);
                }
            });
            shown = published.withMetadata(metadata);
        }
        return bytes(InstanceRecords.toJson(shown.withRegisteredAt(registeredAt)));
    }

    /** Keeps the status and weight an operator set on {@code current} (where they differ from ours); the record to write. */
    private synchronized ByteSequence adopt(KeyValue current, ByteSequence value) {
        ServiceInstance theirs;
        try {
            theirs = InstanceRecords.parse(instance.service(), instance.instanceId(), current.getValue().toString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return value;
        }
        Map<String, String> kept = new TreeMap<>();
        for (String field : List.of(ServiceInstance.STATUS, ServiceInstance.WEIGHT)) {
            String v = theirs.metadata().get(field);
            if (v != null && !v.equals(last.metadata().get(field)) && !(field.equals(ServiceInstance.STATUS) && v.equals(last.status()))) {
                kept.put(field, v);
            }
        }
        operator = Map.copyOf(kept);
        adopted = record(last);
        return adopted;
    }

    /** What the last {@link #claim(ByteSequence, long, ByteSequence, boolean)} wrote: {@code value}, or the adopted record. */
    synchronized ByteSequence claimed(ByteSequence value) {
        return adopted != null ? adopted : value;
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
