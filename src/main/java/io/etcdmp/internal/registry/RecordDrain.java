package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.registry.ServiceInstance;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The drain's write of status {@code DRAINING}: into the record as etcd holds it now, not over the one the keeper
 * wrote last, so an operator's change the keeper has not taken over (the console's or etcdctl's weight, metadata)
 * is kept and the instance still leaves callers' choice. Read, merge, write on the read's mod revision; on a
 * conflict read again, at most {@link #ATTEMPTS} times. Nothing is written when the record already keeps the
 * instance out of choice (an operator's {@code OUT_OF_SERVICE}), is gone (a delete while the lease lives is the
 * {@link RecordRestorer}'s, and a write-back or re-claim sent before the drain began calls {@link #after} when it lands),
 * or is another instance's. Runs on the draining thread (or the one of that write), under no lock of ours.
 */
final class RecordDrain {
    private static final System.Logger LOG = System.getLogger(RecordDrain.class.getName());
    /** Read-merge-write rounds before the drain gives up on a record that keeps changing under it. */
    static final int ATTEMPTS = 3;

    private final RecordKeeper keeper;
    private final RecordClaim claim;

    RecordDrain(RecordKeeper keeper, RecordClaim claim) {
        this.keeper = keeper;
        this.claim = claim;
    }

    /** Writes {@code DRAINING} where the record needs it and logs what it did; an etcd failure is logged, not thrown. */
    void drain(Duration wait) {
        String key = keeper.key();
        try {
            long revision = write();
            if (revision > 0) {
                LOG.log(Level.INFO, "Draining {0}: record says {1}; deregistering in {2} ms", key, RecordKeeper.DRAINING,
                        Long.toString(wait.toMillis()));
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Draining " + key + ": writing status " + RecordKeeper.DRAINING + " failed ("
                    + claim.explain(e) + "); callers keep choosing it until it is deregistered");
        }
    }

    /**
     * A write that did not say {@code DRAINING} landed after the drain began (a write-back or a re-claim computed its
     * record before it, and the drain found no record to write into then): writes {@code DRAINING} into it now.
     */
    void after(String what) {
        try {
            if (write() > 0) {
                LOG.log(Level.INFO, "Draining {0}: {1} landed after the drain began; the record says {2} again",
                        keeper.key(), what, RecordKeeper.DRAINING);
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Draining " + keeper.key() + ": writing status " + RecordKeeper.DRAINING + " after " + what
                    + " failed (" + claim.explain(e) + "); callers keep choosing it until it is deregistered");
        }
    }

    /** @return the revision of the write; 0 when nothing was written (logged why); {@link RecordReport#NOTHING} when not registered */
    long write() throws Exception {
        String key = keeper.key();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Written written = keeper.written();
            if (written == null) {
                return RecordReport.NOTHING; // closed, or claiming again: that claim, landing, calls after()
            }
            KeyValue current = claim.current();
            if (current == null) {
                LOG.log(Level.INFO, "Draining {0}: the record is gone; not written again by the drain", key);
                return 0;
            }
            ByteSequence value = merged(written, current);
            if (value == null) {
                return 0;
            }
            if (!written.equals(keeper.written())) {
                continue; // claimed again (another lease) while we read: read again
            }
            long revision = claim.rewriteAt(current.getModRevision(), value, written.lease());
            if (revision != 0) {
                if (!keeper.rewritten(written, value, revision)) {
                    keeper.removal().deleteQuietly(value, written.lease(), "drained while closing"); // the close deleted the record it knew, not this one
                }
                return revision;
            }
        }
        LOG.log(Level.WARNING, "Draining {0}: the record changed under each of {1} writes of status {2}; callers follow "
                + "what it says until it is deregistered", key, ATTEMPTS, RecordKeeper.DRAINING);
        return 0;
    }

    /** The record to write for {@code current}, or null when nothing is to be written (logged why). */
    private ByteSequence merged(Written written, KeyValue current) {
        String key = keeper.key();
        if (current.getValue().equals(written.value())) { // ours, unchanged: as the keeper would write it now, draining
            ByteSequence value = claim.record(keeper.published());
            return value.equals(current.getValue()) ? null : value;
        }
        ServiceInstance own = keeper.instance();
        String text = current.getValue().toString(StandardCharsets.UTF_8);
        ServiceInstance theirs;
        try {
            theirs = InstanceRecords.parse(own.service(), own.instanceId(), text);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Draining {0}: the record was changed and cannot be read ({1}); left as it is", key, e.getMessage());
            return null;
        }
        if (!claim.isOurs(current, written.lease())) { // the same rule as the close's delete
            LOG.log(Level.INFO, "Draining {0}: the record is another instance''s ({1}, lease {2}); left to it", key,
                    theirs.address(), SharedLease.hex(current.getLease()));
            return null;
        }
        if (!theirs.isUp()) { // an operator's OUT_OF_SERVICE (or DRAINING): callers choose it no more already
            LOG.log(Level.INFO, "Draining {0}: the record says {1} (an operator''s change); left as it is", key, theirs.status());
            return null;
        }
        String merged = RecordMerge.withStatus(text, RecordKeeper.DRAINING);
        if (merged == null) {
            LOG.log(Level.WARNING, "Draining {0}: the record was changed into a shape with no status field; left as it is", key);
            return null;
        }
        LOG.log(Level.INFO, "Draining {0}: writing {1} into the record an operator changed (its other fields kept)",
                key, RecordKeeper.DRAINING);
        return RecordClaim.bytes(merged);
    }
}
