package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.registry.ServiceInstance;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link RecordKeeper}'s record says beyond the instance itself (status {@code DRAINING} once it drains;
 * for the self-registration, the config revision applied and whether it is stale) and the guarded rewrite
 * that keeps the record saying it: over the record the keeper wrote, or into that record as an operator changed it
 * (the operator's fields kept), never when nothing changed, and for the config report at most once per
 * {@code etcd.registry.report-interval}, at a
 * random point of that interval (a config change reaches every instance at once; their writes are spread).
 * Timers only schedule; every etcd call runs on a worker of the connection, under no lock of ours.
 */
final class RecordReport {
    private static final System.Logger LOG = System.getLogger(RecordReport.class.getName());
    /** {@link #rewrite()}: no record to rewrite (not registered, closed) or it already says what it should. */
    static final long NOTHING = -1;
    /** The operator's record changed between the read and the write: tried again at the next interval. */
    private static final long CONFLICT = -2;

    private final RecordKeeper keeper;
    private final EtcdConnection connection;
    private final RecordClaim claim;
    private final RecordDrain drain;
    /** null: the record publishes no config revision (not the self-registration, or the interval is 0). */
    private final AppliedConfig applied;
    private final long intervalNanos;

    private final Object lock = new Object();
    private boolean closed;
    /** Set when the keeper closed (not merely drained): a write that lands after it is deleted again. */
    private volatile boolean ended;
    private boolean scheduled;
    /** System.nanoTime() when the report last wrote the record; 0: never. */
    private long lastWrite;
    private ScheduledFuture<?> tick;
    /** The record and the value of the last failed compare (an operator's edit): not tried again until either changes. */
    private Written failedOn;
    private ByteSequence failedWith;
    private AutoCloseable subscription;
    private volatile int writes;
    private volatile int tries;

    RecordReport(RecordKeeper keeper, EtcdConnection connection, RecordClaim claim, AppliedConfig applied, Duration interval) {
        this.keeper = keeper;
        this.connection = connection;
        this.claim = claim;
        this.drain = new RecordDrain(keeper, claim);
        boolean on = applied != null && !interval.isZero() && !interval.isNegative();
        this.applied = on ? applied : null;
        this.intervalNanos = on ? interval.toNanos() : 0;
    }

    /** The instance as its record should say now. */
    ServiceInstance published(ServiceInstance instance, boolean draining) {
        if (!draining && applied == null) {
            return instance;
        }
        Map<String, String> metadata = new TreeMap<>(instance.metadata());
        if (draining) {
            metadata.put(ServiceInstance.STATUS, RecordKeeper.DRAINING);
        }
        if (applied != null) {
            long revision = applied.revision();
            if (revision > 0) {
                metadata.put(ServiceInstance.CONFIG_REVISION, Long.toString(revision));
            }
            metadata.put(ServiceInstance.CONFIG_STALE, Boolean.toString(applied.stale()));
        }
        return instance.withMetadata(metadata);
    }

    /** Starts following the applied config: on each change, and every interval (staleness has no event). */
    void start() {
        if (applied == null) {
            return;
        }
        AutoCloseable sub = applied.onChange(this::changed);
        ScheduledFuture<?> t;
        try {
            t = connection.scheduler().scheduleWithFixedDelay(this::changed, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) { // the connection is closing: nothing left to report to
            stop(sub, null);
            return;
        }
        boolean closedNow;
        synchronized (lock) {
            closedNow = closed;
            if (!closedNow) {
                subscription = sub;
                tick = t;
            }
        }
        if (closedNow) {
            stop(sub, t);
        }
    }

    /** Something may have changed: schedules one check, no sooner than an interval after the last write. Never blocks. */
    void changed() {
        long delayMillis;
        synchronized (lock) {
            if (closed || scheduled) {
                return;
            }
            scheduled = true;
            long wait = lastWrite == 0 ? 0 : lastWrite + intervalNanos - System.nanoTime();
            // after a quiet interval, a random part of one: a change seen by a whole fleet at once is spread over it
            long delay = wait > 0 ? wait : ThreadLocalRandom.current().nextLong(intervalNanos);
            delayMillis = TimeUnit.NANOSECONDS.toMillis(delay) + 1;
        }
        try {
            connection.runBlocking(this::flush, delayMillis);
        } catch (RejectedExecutionException closing) {
            synchronized (lock) {
                scheduled = false;
            }
        }
    }

    private void flush() {
        synchronized (lock) {
            scheduled = false;
            if (closed) {
                return;
            }
        }
        try {
            long revision = rewrite();
            if (revision > 0) {
                synchronized (lock) {
                    lastWrite = System.nanoTime();
                }
                writes++;
            }
        } catch (Exception e) { // the next tick tries again
            LOG.log(Level.DEBUG, "Publishing the config revision in " + keeper.key() + " failed: " + claim.explain(e));
        }
    }

    /** The guarded rewrites sent, failed ones included (tests). */
    int tries() {
        return tries;
    }

    /** The rewrites made by the report (tests). */
    int writes() {
        return writes;
    }

    /**
     * Rewrites the record with what it should say now if it is still the one the keeper wrote; else, when it is the
     * keeper's record as an operator changed it (under the keeper's lease), writes the config report's fields into
     * that record, the operator's fields kept, on the revision read (docs/REGISTRY.md, "Operator changes stick").
     *
     * A compare that failed is not sent again while neither the keeper's record nor the value to write changed: the
     * operator's record says it already (or cannot), and the value compare would fail again, a Raft write each time.
     *
     * @return the revision of the write; 0 when nothing was written (another's record, a conflict); {@link #NOTHING}
     */
    long rewrite() throws Exception {
        Written written = keeper.written();
        if (written == null) {
            return NOTHING;
        }
        ServiceInstance published = keeper.published();
        ByteSequence value = claim.record(published);
        if (value.equals(written.value())) {
            return NOTHING;
        }
        synchronized (lock) {
            if (written.equals(failedOn) && value.equals(failedWith)) {
                return 0; // it failed as it would now: no txn (one per interval, for ever, under an operator's edit)
            }
        }
        tries++;
        long revision = claim.rewrite(written.value(), value, written.lease());
        if (revision == 0) {
            long merged = intoOperators(written, published);
            if (merged != CONFLICT) {
                synchronized (lock) {
                    failedOn = written;
                    failedWith = value;
                }
            }
            return Math.max(merged, 0); // no rewritten(): the keeper's record stays its own (a drain merges into theirs)
        }
        if (revision != 0 && !keeper.rewritten(written, value, revision)) {
            keeper.removal().deleteQuietly(value, written.lease(), "rewritten while closing"); // the close deleted the record it knew, not this one
        }
        return revision;
    }

    /**
     * The config report's fields written into the record an operator changed under the keeper's lease.
     *
     * @return the revision; 0 when there is nothing to write (gone, another lease, already said, no room); {@link #CONFLICT}
     */
    private long intoOperators(Written written, ServiceInstance published) throws Exception {
        if (isClosed()) { // after the failed compare
            return 0;
        }
        KeyValue current = claim.current();
        if (isClosed() || current == null || !claim.isOurs(current, written.lease())) {
            return 0; // closed or draining meanwhile, gone (the restorer writes it back) or another instance's
        }
        Map<String, String> report = new TreeMap<>();
        for (String field : List.of(ServiceInstance.CONFIG_REVISION, ServiceInstance.CONFIG_STALE)) {
            String v = published.metadata().get(field);
            if (v != null) {
                report.put(field, v);
            }
        }
        String text = current.getValue().toString(StandardCharsets.UTF_8);
        String merged = RecordMerge.withMetadata(text, report);
        if (merged == null || merged.equals(text)) {
            return 0;
        }
        long revision = claim.rewriteAt(current.getModRevision(), RecordClaim.bytes(merged), written.lease());
        if (revision != 0 && ended) { // the close's delete may have run before this write landed
            keeper.removal().deleteQuietly(RecordClaim.bytes(merged), written.lease(), "reported while closing");
        }
        return revision != 0 ? revision : CONFLICT;
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** The drain's write of status {@code DRAINING} ({@link RecordDrain}), after the report stopped (a write in flight may land first). */
    void drained(Duration wait) {
        stop();
        drain.drain(wait);
    }

    /** The keeper closed: stops the report; a write in flight may still finish (guarded as every rewrite, deleted again). */
    void close() {
        ended = true;
        stop();
    }

    private void stop() {
        AutoCloseable sub;
        ScheduledFuture<?> t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            sub = subscription;
            t = tick;
        }
        stop(sub, t);
    }

    private static void stop(AutoCloseable sub, ScheduledFuture<?> t) {
        if (t != null) {
            t.cancel(false);
        }
        if (sub != null) {
            try {
                sub.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "Closing the config subscription failed", e);
            }
        }
    }
}
