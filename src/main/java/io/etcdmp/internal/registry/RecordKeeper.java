package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.metrics.FlightEvents;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One registration: keeps its instance record in etcd under the registry's {@link SharedLease}, claims it
 * again (with backoff) when the lease is lost or the claim fails, writes it back when the
 * {@link RecordGuard} sees it deleted while the lease lives, and deletes it on {@link #close()}; a
 * record written by a claim or restore that finishes after the close is deleted by that claim.
 */
final class RecordKeeper implements Registration, SharedLease.Member {
    private static final System.Logger LOG = System.getLogger(RecordKeeper.class.getName());
    /** Status of a record whose instance is stopping: callers choose only {@code UP} instances. */
    static final String DRAINING = "DRAINING";

    private final EtcdConnection connection;
    private final ServiceInstance instance;
    private final String key;
    private final SharedLease lease;
    private final RecordGuard guard;
    private final RecordClaim claim;
    private final RecordRestorer restorer;
    private final RecordReport report;
    private final RecordRemoval removal;
    private final Consumer<RecordKeeper> onClose;
    final RetrySchedule retries; // package-private for tests

    private final Object lock = new Object();
    private boolean closed;
    private int generation;
    private volatile boolean registered;
    /** The lease the record was last written under (it may be lost since), 0 before the first claim. */
    private volatile long heldLease;
    /** The lease and value of a claim in flight: {@link #close()} deletes what it may have written. */
    private long pendingLease;
    private long lostAt; // System.nanoTime() when the held lease was lost, 0 while none was; guarded by lock
    private ByteSequence pendingValue;
    /** The record as written last; re-claims write the same bytes, so it also tells our record from another's. */
    private ByteSequence record;
    private long claimRevision;
    private volatile int reRegistrations;
    /** Set by {@link #drain}: a record written from then on (a restore, a new lease) says {@code DRAINING}. */
    private volatile boolean draining;

    RecordKeeper(EtcdConnection connection, String prefix, ServiceInstance instance, SharedLease lease, RecordGuard guard,
                 Consumer<RecordKeeper> onClose) {
        this(connection, prefix, instance, lease, guard, onClose, null, Duration.ZERO);
    }

    /** @param applied the config the record publishes ({@link RecordReport}), at most once per {@code reportInterval}; null: none */
    RecordKeeper(EtcdConnection connection, String prefix, ServiceInstance instance, SharedLease lease, RecordGuard guard,
                 Consumer<RecordKeeper> onClose, AppliedConfig applied, Duration reportInterval) {
        this.connection = connection;
        this.instance = instance;
        this.key = prefix + instance.service() + "/" + instance.instanceId();
        this.lease = lease;
        this.guard = guard;
        this.claim = new RecordClaim(connection, instance, key);
        this.restorer = new RecordRestorer(this, connection, claim, lease);
        this.report = new RecordReport(this, connection, claim, applied, reportInterval);
        this.removal = new RecordRemoval(connection, claim, key, lease.ttlSeconds());
        this.retries = new RetrySchedule(connection, lease.ttlSeconds(), "Re-registering " + key, this::register, claim::explain);
        this.onClose = onClose;
    }

    /** Joins the guard and the lease, then registers; on failure retries in the background and logs it. A keeper whose
     *  registry closed meanwhile (its close() did not see this keeper) ends here: refused, never retried. */
    void start() {
        if (!guard.add(restorer)) {
            close(false);
            throw new EtcdMicroprofileException("The service registry is closed; cannot register " + key);
        }
        lease.join(this);
        try {
            register();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Cannot register " + key + " in etcd at " + connection.settings().endpointList()
                    + " now: " + claim.explain(e) + "; retrying in the background");
            retries.afterFailure();
        }
        report.start();
    }

    /** Claims the record under the shared lease (granted first if there is none). A {@link #close()} meanwhile wins. */
    private void register() throws Exception {
        int gen;
        synchronized (lock) {
            if (closed) {
                return;
            }
            gen = generation;
        }
        long id = lease.acquire();
        ByteSequence value;
        boolean saidDraining;
        boolean again; // claiming again (not a restart): an operator's status and weight on the record are kept
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            again = heldLease != 0;
            saidDraining = draining; // drain() sets it under this lock
            value = claim.record(published()); // the same bytes as the record when nothing changed
            pendingLease = id;
            pendingValue = value;
        }
        long revision;
        try {
            if (lease.current() != id) { // lost between acquire() and pendingLease: its leaseLost() did not see us
                throw new IllegalStateException("lease " + SharedLease.hex(id) + " lost while registering; trying again");
            }
            revision = claim.claim(value, id, value, again);
            value = claim.claimed(value);
        } catch (Exception e) {
            clearPending(id);
            if (RecordClaim.isNotFound(e)) {
                lease.lost(id, "not found when claiming " + key);
            }
            throw e;
        }
        boolean closedNow;
        boolean superseded;
        long previous = 0, withoutRecord = 0; // withoutRecord: since the held lease was lost, for the JFR event
        synchronized (lock) {
            clearPending(id);
            closedNow = closed;
            superseded = closed || gen != generation;
            if (!superseded) {
                withoutRecord = lostAt == 0 ? 0 : Math.max(1, System.nanoTime() - lostAt);
                lostAt = 0;
                previous = heldLease;
                heldLease = id;
                record = value;
                claimRevision = revision;
                registered = true;
            }
        }
        if (closedNow) {
            removal.deleteQuietly(value, id, "claimed while closing");
            return;
        }
        if (superseded) {
            return; // the lease was lost meanwhile: the attempt scheduled then claims again
        }
        if (previous != 0 && previous != id) {
            lease.moved(previous);
        }
        LOG.log(Level.INFO, "Registered {0} at {1} under lease {2} (TTL {3}s)", key, instance.address(),
                SharedLease.hex(id), lease.ttlSeconds());
        if (withoutRecord > 0) {
            FlightEvents.reregistered(instance.service(), instance.instanceId(), withoutRecord);
        }
        if (!saidDraining && draining) { // the drain began while this claim was sent: it found no record then
            new RecordDrain(this, claim).after("a claim sent before the drain began");
        }
        restorer.claimed(revision);
    }

    private void clearPending(long id) {
        synchronized (lock) {
            if (pendingLease == id) {
                pendingLease = 0;
                pendingValue = null;
            }
        }
    }

    @Override
    public void leaseLost(long id, String why) {
        boolean wasRegistered;
        synchronized (lock) {
            wasRegistered = registered && heldLease == id;
            if (closed || (!wasRegistered && pendingLease != id)) {
                return;
            }
            registered = false;
            generation++;
            lostAt = wasRegistered ? System.nanoTime() : lostAt;
        }
        if (wasRegistered) {
            reRegistrations++;
        }
        LOG.log(Level.DEBUG, "Registration {0} lost its lease ({1}); registering again", key, why);
        retries.now();
    }

    @Override
    public long heldLease() {
        return heldLease;
    }

    /** What the record is now, for a restore: null once closed or while not registered. */
    Written written() {
        synchronized (lock) {
            return closed || !registered ? null : new Written(generation, heldLease, record, claimRevision);
        }
    }

    /** A restore of {@code written} wrote {@code value} (its record, or the drain's) at {@code revision}; false once closed. */
    boolean restored(Written written, ByteSequence value, long revision) {
        synchronized (lock) {
            if (!closed && written.generation() == generation) {
                record = revision > claimRevision ? value : record; // what etcd holds: the later of the writes
                claimRevision = Math.max(claimRevision, revision);
            }
            return !closed;
        }
    }

    /** A rewrite by the {@link RecordReport} of {@code written} wrote {@code value} at {@code revision}; false once closed. */
    boolean rewritten(Written written, ByteSequence value, long revision) {
        synchronized (lock) {
            if (!closed && record == written.value()) {
                record = value;
                claimRevision = Math.max(claimRevision, revision);
            }
            return !closed;
        }
    }

    /** The instance as its record says now: with status {@code DRAINING} once {@link #drain} began, and the config report. */
    ServiceInstance published() {
        return report.published(instance, draining);
    }

    /** Writes status {@code DRAINING} into the record as it is now ({@link RecordDrain}), waits {@code wait} while
     *  requests already sent finish, then {@link #close()}s; see {@link Registration#drain}. */
    @Override
    public void drain(Duration wait) {
        synchronized (lock) {
            if (closed || draining) {
                return;
            }
            draining = true;
        }
        report.drained(wait);
        FlightEvents.drained(instance.service(), instance.instanceId(), wait.toNanos());
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

    /** Deletes the record (if still ours) and leaves the lease; the last registration on it revokes it. */
    @Override
    public void close() {
        close(true);
    }

    /** @param deleteRecord false when the whole registry closes: revoking the lease then removes every record at once */
    void close(boolean deleteRecord) {
        ByteSequence written;
        ByteSequence pending;
        long held;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            registered = false;
            held = heldLease;
            written = held != 0 ? record : null;
            pending = pendingValue;
        }
        retries.stop();
        report.close();
        guard.remove(restorer);
        if (deleteRecord) {
            if (written != null) {
                removal.deleteQuietly(written, held, "deregistered");
            }
            if (pending != null && !pending.equals(written)) {
                removal.deleteQuietly(pending, 0, "claim in flight at close");
            }
            lease.moved(held);
            lease.leave(this);
        }
        onClose.accept(this);
    }

    /** Deletes the record when it ends ({@link RecordRemoval#deleteQuietly}, also for a write that lands after the close). */
    RecordRemoval removal() {
        return removal;
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
            return registered ? OptionalLong.of(heldLease) : OptionalLong.empty();
        }
    }

    @Override
    public int reRegistrations() {
        return reRegistrations;
    }

    /** How often the record was written again after someone deleted it while its lease lived. */
    int restorations() {
        return restorer.restorations();
    }

    /** How often the config report rewrote the record (tests). */
    int reportWrites() {
        return report.writes();
    }

    @Override
    public String toString() {
        return "Registration[" + key + " -> " + instance.address() + (registered ? ", registered" : "") + (draining ? ", draining" : "") + "]";
    }
}
