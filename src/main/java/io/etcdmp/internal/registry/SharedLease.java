package io.etcdmp.internal.registry;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one lease a registry's registrations share (one connection, one TTL): granted when the first
 * registration needs it, kept alive by one keep-alive per third of the TTL whatever the number of
 * registrations, declared lost after a TTL without confirmation (or when etcd answers TTL 0 or NOT_FOUND),
 * and revoked when the last registration leaves; how and why: docs/REGISTRY.md ("One lease per registry").
 */
final class SharedLease implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SharedLease.class.getName());

    /** A registration on the lease. Called with no lock of the lease held. */
    interface Member {
        /** The lease {@code lease} is gone ({@code why}): claim the record again under a new one. */
        void leaseLost(long lease, String why);

        /** The lease the member's record was last written under, 0 for none. */
        long heldLease();
    }

    /**
     * The system's clocks, or a test's. The lease measures its deadline on {@link #monotonicNanos()} only; the
     * wall clock is here so that a test can step it and show that the lease does not follow (LeaseClockStepTest).
     */
    interface Clocks {
        Clocks SYSTEM = new Clocks() {
            @Override
            public long wallMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public long monotonicNanos() {
                return System.nanoTime();
            }
        };

        long wallMillis();

        long monotonicNanos();
    }

    private final EtcdConnection connection;
    private final Clocks clocks;
    private final long ttlSeconds;
    private final String label;
    private final Object lock = new Object();
    private final Set<Member> members = new LinkedHashSet<>();
    private boolean closed;
    private long lease;
    private CompletableFuture<Long> granting;
    private ScheduledFuture<?> rounds;
    private boolean roundInFlight;
    /** Until when ({@link Clocks#monotonicNanos()}) etcd has confirmed the lease: never the wall clock, which may be stepped. */
    private volatile long confirmedUntil;
    /** A lost lease still holding records of members that have not re-claimed theirs: revoked once they all have. */
    private long retired;
    private int retiredHolders;

    SharedLease(EtcdConnection connection, long ttlSeconds, String label) {
        this(connection, ttlSeconds, label, Clocks.SYSTEM);
    }

    SharedLease(EtcdConnection connection, long ttlSeconds, String label, Clocks clocks) {
        this.connection = connection;
        this.clocks = clocks;
        this.ttlSeconds = ttlSeconds;
        this.label = label;
    }

    long ttlSeconds() {
        return ttlSeconds;
    }

    void join(Member member) {
        synchronized (lock) {
            members.add(member);
        }
    }

    /** The lease there is now, 0 for none (lost, or not granted yet). */
    long current() {
        synchronized (lock) {
            return lease;
        }
    }

    /** The live lease, granting one when there is none; one grant at a time however many members ask. */
    long acquire() throws Exception {
        CompletableFuture<Long> grant;
        boolean mine = false;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the registry is closed");
            }
            if (lease != 0) {
                return lease;
            }
            if (granting == null) {
                granting = new CompletableFuture<>();
                mine = true;
            }
            grant = granting;
        }
        if (!mine) {
            return RecordClaim.await("lease-grant", connection, grant.copy()); // a copy: a timeout cancels this wait, not the grant others share
        }
        long granted;
        try {
            granted = RecordClaim.await("lease-grant", connection, connection.client().getLeaseClient().grant(ttlSeconds)).getID();
        } catch (Exception e) {
            synchronized (lock) {
                granting = null;
            }
            grant.completeExceptionally(e);
            throw e;
        }
        boolean unused;
        int count;
        synchronized (lock) {
            granting = null;
            unused = closed || members.isEmpty();
            count = members.size();
            if (!unused) {
                lease = granted;
                confirmedUntil = clocks.monotonicNanos() + TimeUnit.SECONDS.toNanos(ttlSeconds);
                long period = roundPeriodMillis();
                rounds = connection.scheduler().scheduleAtFixedRate(() -> keepAliveRound(granted), period, period,
                        TimeUnit.MILLISECONDS);
            }
        }
        if (unused) {
            revokeNow(granted, "granted after the last registration left");
            IllegalStateException gone = new IllegalStateException("every registration on the lease was closed");
            grant.completeExceptionally(gone);
            throw gone;
        }
        grant.complete(granted);
        LOG.log(Level.INFO, "Lease {0} (TTL {1}s) granted for the registrations under {2} ({3} now)",
                hex(granted), ttlSeconds, label, count);
        return granted;
    }

    private long roundPeriodMillis() {
        return Math.max(200, ttlSeconds * 1000 / 3);
    }

    /** One keep-alive for every member, unless the previous one is still out; then the deadline check. */
    private void keepAliveRound(long id) {
        if (clocks.monotonicNanos() - confirmedUntil > 0) {
            lost(id, "no keep-alive reply for a whole TTL");
            return;
        }
        synchronized (lock) {
            if (closed || lease != id || roundInFlight) {
                return;
            }
            roundInFlight = true;
        }
        long sent = clocks.monotonicNanos();
        CompletableFuture<LeaseKeepAliveResponse> reply;
        try {
            reply = connection.client().getLeaseClient().keepAliveOnce(id);
        } catch (RuntimeException e) {
            synchronized (lock) {
                roundInFlight = false;
            }
            LOG.log(Level.DEBUG, "Keep-alive of lease " + hex(id) + " not sent: " + EtcdFailures.describe(e));
            return;
        }
        // bounded on our own timer thread (orTimeout would start the JDK's delay thread, which never ends)
        long period = roundPeriodMillis();
        ScheduledFuture<?> deadline = connection.scheduler().schedule(() -> reply.completeExceptionally(
                new TimeoutException("no keep-alive reply within " + period + " ms")), period, TimeUnit.MILLISECONDS);
        reply.whenComplete((response, error) -> {
            deadline.cancel(false);
            synchronized (lock) {
                roundInFlight = false;
            }
            if (error == null) {
                if (response.getTTL() <= 0) {
                    lost(id, "etcd answered TTL 0");
                } else {
                    long until = sent + TimeUnit.SECONDS.toNanos(response.getTTL());
                    confirmedUntil = until - confirmedUntil > 0 ? until : confirmedUntil; // nanoTime may wrap: compare differences
                }
            } else if (RecordClaim.isNotFound(error)) {
                lost(id, "not found: revoked or expired");
            } else {
                RegistryMetrics.keepAliveFailed(label);
                LOG.log(Level.DEBUG, "Keep-alive of lease " + hex(id) + " got no answer ("
                        + EtcdFailures.describe(error) + "); trying again");
            }
        });
    }

    /** A lease id as {@code etcdctl} prints it: 16 hex digits, leading zeros kept. */
    static String hex(long id) {
        return String.format("%016x", id);
    }

    /** The lease {@code id} is gone: every member on it claims its record again under a new one. */
    void lost(long id, String why) {
        List<Member> told;
        synchronized (lock) {
            if (closed || id == 0 || lease != id) {
                return;
            }
            lease = 0;
            stopRounds();
            told = new ArrayList<>(members);
            retired = id;
            retiredHolders = (int) told.stream().filter(m -> m.heldLease() == id).count();
        }
        RegistryMetrics.leaseLost(label, id, why);
        LOG.log(Level.WARNING, "Lease {0} of the registrations under {1} is lost ({2}); claiming their {3} record(s) again "
                + "under a new lease", hex(id), label, why, told.size());
        for (Member member : told) {
            member.leaseLost(id, why);
        }
    }

    /** A member's record moved off {@code previous} (re-claimed under a new lease, or deleted). */
    void moved(long previous) {
        boolean revoke;
        synchronized (lock) {
            revoke = previous != 0 && previous == retired && --retiredHolders <= 0;
            if (revoke) {
                retired = 0;
            }
        }
        if (revoke) {
            revokeQuietly(previous);
        }
    }

    /** A member leaves; the last one revokes the lease (and so every record still under it). */
    void leave(Member member) {
        long revoke;
        synchronized (lock) {
            if (!members.remove(member) || !members.isEmpty() || closed) {
                return;
            }
            revoke = lease;
            lease = 0;
            stopRounds();
        }
        if (revoke != 0) {
            revokeNow(revoke, "its last registration was closed");
        }
    }

    /** Revokes the lease (and a retired one): every record of the registry's registrations is gone when this returns. */
    @Override
    public void close() {
        long revoke;
        long old;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            members.clear();
            revoke = lease;
            lease = 0;
            old = retired;
            retired = 0;
            stopRounds();
        }
        if (revoke != 0) {
            revokeNow(revoke, "the registry was closed");
        }
        if (old != 0) {
            revokeQuietly(old);
        }
    }

    private void stopRounds() {
        if (rounds != null) {
            rounds.cancel(false);
            rounds = null;
        }
        roundInFlight = false;
    }

    /** Revokes a lease and waits for etcd's answer (bounded by the request timeout). */
    private void revokeNow(long id, String why) {
        try {
            RecordClaim.await("lease-revoke", connection, connection.client().getLeaseClient().revoke(id));
            LOG.log(Level.DEBUG, "Revoked lease {0} of the registrations under {1} ({2})", hex(id), label, why);
        } catch (Exception e) {
            if (!RecordClaim.isNotFound(e)) {
                LOG.log(Level.WARNING, "Revoking lease " + hex(id) + " (" + why + ") failed ("
                        + EtcdFailures.describe(e) + "); its records expire with it within " + ttlSeconds + "s");
            }
        }
    }

    private void revokeQuietly(long id) {
        try {
            connection.client().getLeaseClient().revoke(id).whenComplete((r, e) -> {
                if (e != null) {
                    LOG.log(Level.DEBUG, "Revoking retired lease " + hex(id) + " failed: " + EtcdFailures.describe(e));
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Not revoking retired lease " + hex(id) + ": the client is closing", e);
        }
    }
}
