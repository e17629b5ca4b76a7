package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.watch.Backoff;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.MirrorListener;
import io.etcdmp.internal.watch.PrefixMirror;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.grpc.Status;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one instance record in etcd under a lease. Every way jetcd reports a lost lease leads to a
 * new registration with a new lease, with backoff, until it succeeds:
 * <ul>
 * <li>{@code onCompleted} with no error: no keep-alive reply came before the TTL ran out;</li>
 * <li>{@code onError} NOT_FOUND: etcd answered TTL 0 (the lease was revoked or expired);</li>
 * </ul>
 * while other errors are transient and change nothing. The keeper does not use jetcd's shared
 * keep-alive stream: a stream stuck on a connection to a stalled member (SIGSTOP, hung host) gets no
 * reply and no error until gRPC's keepalive gives up (40 s by default), and every new lease would be
 * kept alive over the same stuck stream. Instead it sends one keep-alive (its own short stream, so the
 * load balancer picks a connection each time) three times per TTL, each bounded by a third of the TTL.
 * No confirmation for a whole TTL means the lease is gone.
 * {@link #close()} revokes the lease; a registration that completes after close revokes its own
 * lease, so no record outlives its keeper.
 *
 * <p>The keeper also watches its own key: a record deleted while its lease lives (by hand, or by a
 * tool clearing the prefix) is written again at once under the same lease; if the lease turns out to
 * be gone, that is a lost lease like any other. A record now held by another instance (one that took
 * over the same address after a restart) is left to it.
 */
final class LeaseKeeper implements Registration {
    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());
    /** Status of a record whose instance is stopping: callers choose only {@code UP} instances. */
    static final String DRAINING = "DRAINING";

    private final EtcdConnection connection;
    private final ServiceInstance instance;
    private final String key;
    private final String servicePrefix;
    private final long ttlSeconds;
    private final Consumer<LeaseKeeper> onClose;
    /** Retries of a registration: 200 ms doubling up to half the TTL (at most 5 s), so one comes within a TTL of etcd's return. */
    private final Backoff backoff;

    private final Object lock = new Object();
    private boolean closed;
    private boolean attemptPending;
    private int generation;
    private long leaseId;
    /** A lease granted to a registration that has not finished yet: {@link #close()} revokes it too. */
    private long pendingLease;
    private ScheduledFuture<?> keepAliveRounds;
    private boolean roundInFlight;
    private volatile long confirmedUntil;
    private volatile boolean registered;
    private volatile int reRegistrations;
    private int failures;
    private ByteSequence record;
    private PrefixMirror recordWatch;
    private volatile int restorations;
    /** Set by {@link #drain}: a record written from then on (a restore, a new lease) says {@code DRAINING}. */
    private volatile boolean draining;

    LeaseKeeper(EtcdConnection connection, String prefix, ServiceInstance instance, Duration ttl, Consumer<LeaseKeeper> onClose) {
        this.connection = connection;
        this.instance = instance;
        this.servicePrefix = prefix + instance.service() + "/";
        this.key = servicePrefix + instance.instanceId();
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        long ceiling = Math.min(5000, Math.max(200, ttlSeconds * 1000 / 2));
        this.backoff = new Backoff(Duration.ofMillis(200), Duration.ofMillis(ceiling));
        this.onClose = onClose;
    }

    /** First registration, synchronously; on failure it is retried in the background and the failure is logged. */
    void start() {
        try {
            register();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Cannot register " + key + " in etcd at " + connection.settings().endpointList()
                    + " now: " + explain(e) + "; retrying in the background");
            scheduleAttempt(backoff.next());
        }
        PrefixMirror watch = PrefixMirror.ofKey(connection, bytes(key), new MirrorListener.Content() {
            @Override
            public void onReset(List<KeyValue> all, long revision) {
                if (all.isEmpty()) { // gone already before the watch (re)started
                    recordGone(revision);
                }
            }

            @Override
            public void onChanges(List<KeyChange> changes, long revision) {
                if (changes.get(changes.size() - 1).isDelete()) {
                    recordGone(revision);
                }
            }
        });
        synchronized (lock) {
            if (closed) {
                return;
            }
            recordWatch = watch;
        }
        watch.startInBackground();
    }

    /** The watch on our key: a delete while we hold the lease is somebody else's doing; write the record again. */
    private void recordGone(long revision) {
        int gen;
        long lease;
        synchronized (lock) {
            if (closed || !registered) {
                return; // our own revoke, or a lost lease already being replaced
            }
            gen = generation;
            lease = leaseId;
        }
        try {
            connection.runBlocking(() -> restore(gen, lease, revision), 0);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Not restoring " + key + ": the connection is closing", e);
        }
    }

    private void restore(int gen, long lease, long deletedAt) {
        ByteSequence value;
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            value = record;
        }
        try {
            claim(value, lease);
            restorations++;
            LOG.log(Level.WARNING, "Record {0} was deleted at revision {1} while its lease {2} lives; written again",
                    key, deletedAt, Long.toHexString(lease));
        } catch (DuplicateInstanceException e) {
            LOG.log(Level.INFO, "Record {0} was deleted and is now held by another instance: {1}", key, e.getMessage());
        } catch (Exception e) {
            if (isNotFound(e)) {
                leaseLost(gen, "record deleted and lease " + Long.toHexString(lease) + " not found: revoked or expired");
            } else {
                LOG.log(Level.WARNING, "Record {0} was deleted while its lease lives; writing it again failed ({1}), "
                        + "registering again", key, EtcdFailures.describe(e));
                leaseLost(gen, "record deleted and could not be written again");
            }
        }
    }

    /**
     * Grants a lease and claims the record under it. A {@link #close()} at any point wins: the lease is
     * known to close (as pending) from the moment it is granted, so close revokes it, and with it any
     * record the claim writes; a lease granted after close is revoked here before returning.
     */
    private void register() throws Exception {
        int gen;
        synchronized (lock) {
            if (closed) {
                return;
            }
            gen = generation;
        }
        Lease leases = connection.client().getLeaseClient();
        long lease = await(leases.grant(ttlSeconds)).getID();
        boolean closedMeanwhile;
        synchronized (lock) {
            closedMeanwhile = closed;
            if (!closed) {
                pendingLease = lease;
            }
        }
        if (closedMeanwhile) {
            revokeNow(lease, "granted while closing");
            return;
        }
        String json = InstanceRecords.toJson(published().withRegisteredAt(java.time.Instant.now()));
        ByteSequence value = ByteSequence.from(json, StandardCharsets.UTF_8);
        try {
            claim(value, lease);
        } catch (Exception e) {
            synchronized (lock) {
                if (pendingLease == lease) {
                    pendingLease = 0;
                }
            }
            revokeQuietly(lease);
            throw e;
        }
        long previous;
        boolean superseded;
        synchronized (lock) {
            superseded = closed || gen != generation;
            if (pendingLease == lease) {
                pendingLease = 0;
            }
            previous = leaseId;
            if (!superseded) {
                leaseId = lease;
                record = value;
                confirmedUntil = System.currentTimeMillis() + ttlSeconds * 1000;
                long period = roundPeriodMillis();
                keepAliveRounds = connection.scheduler().scheduleAtFixedRate(() -> keepAliveRound(gen, lease), period, period,
                        TimeUnit.MILLISECONDS);
                registered = true;
            }
        }
        if (superseded) {
            revokeNow(lease, "closed while registering");
            return;
        }
        if (previous != 0 && previous != lease) {
            revokeQuietly(previous);
        }
        LOG.log(Level.INFO, "Registered {0} at {1} under lease {2} (TTL {3}s)", key, instance.address(),
                Long.toHexString(lease), ttlSeconds);
    }

    /**
     * Writes the record under {@code lease} unless another live instance holds the same key: the key
     * is free, or its record is ours (our previous lease, or the same address: this instance before a
     * restart). Each write is conditional on what was read, so two instances cannot both win.
     */
    private void claim(ByteSequence value, long lease) throws Exception {
        KV kv = connection.client().getKVClient();
        ByteSequence k = bytes(key);
        PutOption put = PutOption.builder().withLeaseId(lease).build();
        TxnResponse created = await(kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, value, put)).Else(Op.get(k, GetOption.DEFAULT)).commit());
        if (created.isSucceeded()) {
            return;
        }
        List<KeyValue> existing = created.getGetResponses().isEmpty() ? List.of() : created.getGetResponses().get(0).getKvs();
        if (existing.isEmpty()) {
            throw new IllegalStateException("record " + key + " changed while registering; trying again");
        }
        KeyValue current = existing.get(0);
        String holder = holderAddress(current);
        boolean ours = current.getLease() == currentLeaseId() || instance.address().equals(holder);
        if (!ours) {
            throw new DuplicateInstanceException("instance id " + instance.instanceId() + " of service "
                    + instance.service() + " is held by another live instance at " + holder + " (lease "
                    + Long.toHexString(current.getLease()) + "); set a unique etcd.registry.instance-id. "
                    + "Retrying until that record is gone");
        }
        TxnResponse replaced = await(kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())))
                .Then(Op.put(k, value, put)).commit());
        if (!replaced.isSucceeded()) {
            throw new IllegalStateException("record " + key + " changed while registering; trying again");
        }
    }

    private long currentLeaseId() {
        synchronized (lock) {
            return leaseId;
        }
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

    private long roundPeriodMillis() {
        return Math.max(200, ttlSeconds * 1000 / 3);
    }

    /** One keep-alive, unless the previous one is still out; then the deadline check. */
    private void keepAliveRound(int gen, long lease) {
        if (System.currentTimeMillis() > confirmedUntil) {
            leaseLost(gen, "no keep-alive reply for a whole TTL");
            return;
        }
        synchronized (lock) {
            if (closed || gen != generation || roundInFlight) {
                return;
            }
            roundInFlight = true;
        }
        long sent = System.currentTimeMillis();
        CompletableFuture<LeaseKeepAliveResponse> reply;
        try {
            reply = connection.client().getLeaseClient().keepAliveOnce(lease);
        } catch (RuntimeException e) {
            synchronized (lock) {
                roundInFlight = false;
            }
            LOG.log(Level.DEBUG, "Keep-alive of " + key + " not sent: " + EtcdFailures.describe(e));
            return;
        }
        // bounded on our own timer thread (orTimeout would start the JDK's delay thread, which never ends)
        long period = roundPeriodMillis();
        ScheduledFuture<?> deadline = connection.scheduler().schedule(() -> reply.completeExceptionally(
                new java.util.concurrent.TimeoutException("no keep-alive reply within " + period + " ms")), period, TimeUnit.MILLISECONDS);
        reply.whenComplete((response, error) -> {
            deadline.cancel(false);
            synchronized (lock) {
                roundInFlight = false;
            }
            if (error == null) {
                if (response.getTTL() <= 0) {
                    leaseLost(gen, "etcd answered TTL 0 for lease " + Long.toHexString(lease));
                } else {
                    confirmedUntil = Math.max(confirmedUntil, sent + response.getTTL() * 1000);
                }
            } else if (isNotFound(error)) {
                leaseLost(gen, "lease " + Long.toHexString(lease) + " not found: revoked or expired");
            } else {
                LOG.log(Level.DEBUG, "Keep-alive of " + key + " got no answer (" + EtcdFailures.describe(error) + "); trying again");
            }
        });
    }

    private void leaseLost(int gen, String why) {
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            generation++;
            registered = false;
            closeKeepAlive();
        }
        reRegistrations++;
        LOG.log(Level.WARNING, "Registration {0} lost its lease ({1}); registering again", key, why);
        scheduleAttempt(Duration.ZERO);
    }

    private void scheduleAttempt(Duration delay) {
        synchronized (lock) {
            if (closed || attemptPending) {
                return;
            }
            attemptPending = true;
        }
        try {
            connection.runBlocking(this::attempt, delay.toMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Not re-registering " + key + ": the connection is closing", e);
        }
    }

    private void attempt() {
        synchronized (lock) {
            attemptPending = false;
        }
        try {
            register();
            backoff.reset();
            failures = 0;
        } catch (Exception e) {
            Duration wait = backoff.next();
            LOG.log(++failures == 1 ? Level.WARNING : Level.DEBUG, "Re-registering " + key + " failed: " + explain(e)
                    + "; next attempt in " + wait.toMillis() + " ms");
            scheduleAttempt(wait);
        }
    }

    /** The instance as its record says now: with status {@code DRAINING} once {@link #drain} began. */
    private ServiceInstance published() {
        if (!draining) {
            return instance;
        }
        java.util.Map<String, String> metadata = new java.util.TreeMap<>(instance.metadata());
        metadata.put(ServiceInstance.STATUS, DRAINING);
        return instance.withMetadata(metadata);
    }

    /**
     * Drains, then deregisters: the record is rewritten under the same lease with status {@code DRAINING}
     * (callers stop choosing it with their next cache update), then this waits {@code wait} while requests
     * already sent finish, then {@link #close()} revokes the lease. Readiness reports DOWN from the first
     * step ({@link #isDraining()}). The rewrite is conditional on the record being the one this keeper
     * wrote; a lost lease replaced meanwhile is written as {@code DRAINING} too.
     */
    @Override
    public void drain(Duration wait) {
        ByteSequence current;
        long lease;
        synchronized (lock) {
            if (closed || draining) {
                return;
            }
            draining = true;
            current = record;
            lease = registered ? leaseId : 0;
        }
        if (lease != 0 && current != null) {
            ByteSequence value = bytes(InstanceRecords.toJson(published().withRegisteredAt(java.time.Instant.now())));
            try {
                ByteSequence k = bytes(key);
                TxnResponse written = await(connection.client().getKVClient().txn()
                        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(current)))
                        .Then(Op.put(k, value, PutOption.builder().withLeaseId(lease).build())).commit());
                boolean stillOurs;
                synchronized (lock) {
                    stillOurs = !closed && written.isSucceeded();
                    if (stillOurs && record == current) {
                        record = value;
                    }
                }
                if (stillOurs) {
                    LOG.log(Level.INFO, "Draining {0}: record says {1}; deregistering in {2} ms", key, DRAINING,
                            Long.toString(wait.toMillis()));
                } else {
                    LOG.log(Level.DEBUG, "Draining {0}: the record changed meanwhile, not rewritten", key);
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Draining " + key + ": writing status " + DRAINING + " failed (" + explain(e)
                        + "); callers keep choosing it until the lease is revoked");
            }
        }
        if (!wait.isZero() && !wait.isNegative()) {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(Level.DEBUG, "Draining {0}: wait interrupted, deregistering now", key);
            }
        }
        close();
    }

    @Override
    public boolean isDraining() {
        return draining;
    }

    /**
     * Revokes the lease (and a lease a registration in progress was granted), so the record is gone
     * when this returns. Nothing is called while the keeper's lock is held: the record watch calls the
     * keeper with its own state, and jetcd calls the watch while holding jetcd's lock.
     */
    @Override
    public void close() {
        long lease;
        long pending;
        PrefixMirror watch;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            registered = false;
            closeKeepAlive();
            lease = leaseId;
            leaseId = 0;
            pending = pendingLease;
            pendingLease = 0;
            watch = recordWatch;
            recordWatch = null;
        }
        if (watch != null) {
            watch.close();
        }
        if (pending != 0) {
            revokeNow(pending, "granted to a registration in progress");
        }
        if (lease != 0) {
            try {
                await(connection.client().getLeaseClient().revoke(lease));
                LOG.log(Level.INFO, "Deregistered {0} (lease {1} revoked)", key, Long.toHexString(lease));
            } catch (Exception e) {
                if (isNotFound(e)) {
                    LOG.log(Level.INFO, "Deregistered {0} (lease {1} was already gone)", key, Long.toHexString(lease));
                } else {
                    LOG.log(Level.WARNING, "Deregistering " + key + ": revoking lease " + Long.toHexString(lease)
                            + " failed (" + EtcdFailures.describe(e) + "); the record expires with the lease within " + ttlSeconds + "s");
                }
            }
        }
        onClose.accept(this);
    }

    /** Revokes a lease and waits for etcd's answer (bounded by the request timeout). */
    private void revokeNow(long lease, String why) {
        try {
            await(connection.client().getLeaseClient().revoke(lease));
            LOG.log(Level.DEBUG, "Revoked lease {0} of {1} ({2})", Long.toHexString(lease), key, why);
        } catch (Exception e) {
            if (!isNotFound(e)) {
                LOG.log(Level.WARNING, "Revoking lease " + Long.toHexString(lease) + " of " + key + " (" + why + ") failed ("
                        + EtcdFailures.describe(e) + "); anything written under it expires within " + ttlSeconds + "s");
            }
        }
    }

    private void closeKeepAlive() {
        if (keepAliveRounds != null) {
            keepAliveRounds.cancel(false);
            keepAliveRounds = null;
        }
        roundInFlight = false;
    }

    private void revokeQuietly(long lease) {
        connection.client().getLeaseClient().revoke(lease).whenComplete((r, e) -> {
            if (e != null) {
                LOG.log(Level.DEBUG, "Revoking unused lease " + Long.toHexString(lease) + " failed: " + EtcdFailures.describe(e));
            }
        });
    }

    private <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(connection.settings().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    @Override
    public ServiceInstance instance() {
        return instance;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public boolean isRegistered() {
        return registered;
    }

    @Override
    public OptionalLong leaseId() {
        synchronized (lock) {
            return registered ? OptionalLong.of(leaseId) : OptionalLong.empty();
        }
    }

    @Override
    public int reRegistrations() {
        return reRegistrations;
    }

    /** How often the record was written again after someone deleted it while its lease lived. */
    int restorations() {
        return restorations;
    }

    @Override
    public String toString() {
        return "Registration[" + key + " -> " + instance.address() + (registered ? ", registered" : "")
                + (draining ? ", draining" : "") + "]";
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** What went wrong, naming the missing permission when etcd refused one. */
    private String explain(Throwable e) {
        return EtcdFailures.isPermissionDenied(e)
                ? EtcdFailures.missingPermission(connection.settings(), "write", servicePrefix) : EtcdFailures.describe(e);
    }

    static boolean isNotFound(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NoSuchLeaseException || Status.fromThrowable(c).getCode() == Status.Code.NOT_FOUND) {
                return true;
            }
            if (c.getMessage() != null && c.getMessage().contains("requested lease not found")) {
                return true;
            }
        }
        return false;
    }
}
