package io.etcdmp.internal.config;

import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.watch.KeyChange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Puts the changes of several prefixes, each watched by its own etcd watch, into one revision order.
 * Each watch delivers its own prefix in order, but two watches are independent streams: prefix B's
 * change at revision 1103 can arrive after prefix A's at 1104. A batch at revision r is therefore
 * released only when every other prefix is known complete up to r (it delivered a batch at or after r,
 * was re-read at or after r, or etcd confirmed progress at or after r); a lagging prefix is asked for a
 * progress notification. The wait is bounded: a prefix that has held back another's batch for longer
 * than {@code maxWait} (its watch cannot be re-created: permission revoked, no leader) stops blocking
 * the others; its later watch events are dropped and the owner is told to re-read it at the current
 * revision, which it offers whole ({@link #offerWhole}) when it returns. Not thread-safe on its own: the
 * owner calls it under one lock.
 */
final class RevisionOrder {
    /** Receives the released batches in revision order; all batches of one revision together, in arrival order. */
    interface Sink {
        void apply(List<Batch> batches, long revision);
    }

    /**
     * Prefix {@code index}'s changes at {@code revision}: watch events ({@code changes}), or every key
     * under the prefix as read at that revision ({@code whole}, null for events), which replaces what
     * the prefix held.
     */
    record Batch(int index, List<KeyChange> changes, List<KeyValue> whole, long revision, long sequence, long arrivedNanos) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Batch that
                    && index == that.index
                    && Objects.equals(changes, that.changes)
                    && Objects.equals(whole, that.whole)
                    && revision == that.revision
                    && sequence == that.sequence
                    && arrivedNanos == that.arrivedNanos;
        }

        @Override
        public int hashCode() {
            return Objects.hash(index, changes, whole, revision, sequence, arrivedNanos);
        }

        @Override
        public String toString() {
            return "Batch[index=" + index
                    + ", changes=" + changes
                    + ", whole=" + whole
                    + ", revision=" + revision
                    + ", sequence=" + sequence
                    + ", arrivedNanos=" + arrivedNanos + "]";
        }
    }

    private final long[] complete;
    private final boolean[] asked;
    private final long[] lastProgress;
    /** Prefixes given up on: they block nothing until their next whole read. */
    private final boolean[] excluded;
    private final Sink sink;
    private final IntConsumer askProgress;
    private final IntConsumer giveUp;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;
    private final PriorityQueue<Batch> held = new PriorityQueue<>(
            Comparator.comparingLong(Batch::revision).thenComparingLong(Batch::sequence));
    private long sequence;

    /**
     * @param askProgress asks a lagging prefix's watch for a progress notification
     * @param giveUp      told that a prefix held the others back for longer than {@code maxWait}: re-read it
     */
    /** The revision of the last release: none goes out below it. */
    private long released;

    RevisionOrder(int prefixes, Sink sink, IntConsumer askProgress, IntConsumer giveUp, Duration maxWait, LongSupplier nanoClock) {
        this.complete = new long[prefixes];
        this.asked = new boolean[prefixes];
        this.lastProgress = new long[prefixes];
        this.excluded = new boolean[prefixes];
        this.sink = sink;
        this.askProgress = askProgress;
        this.giveUp = giveUp;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Prefix {@code index} is complete up to {@code revision}, with these changes at that revision. */
    void offer(int index, List<KeyChange> changes, long revision) {
        if (excluded[index]) {
            return; // given up on: its re-read brings these changes
        }
        complete[index] = Math.max(complete[index], revision);
        asked[index] = false;
        if (!changes.isEmpty()) {
            held.add(new Batch(index, List.copyOf(changes), null, revision, sequence++, nanoClock.getAsLong()));
        }
        drain();
    }

    /** Prefix {@code index} was read whole at {@code revision}: {@code all} replaces what it held. */
    void offerWhole(int index, List<KeyValue> all, long revision) {
        excluded[index] = false;
        complete[index] = Math.max(complete[index], revision);
        asked[index] = false;
        held.add(new Batch(index, List.of(), all, revision, sequence++, nanoClock.getAsLong()));
        drain();
    }

    /**
     * Prefix {@code index} reported progress at {@code revision}. etcd 3.4 (before 3.4.24) can send a
     * progress notification for the newest revision before that revision's events, so a first report
     * at a revision only vouches for the one before it; a second report at the same revision (asked
     * after the first arrived) vouches for the revision itself.
     */
    void progress(int index, long revision) {
        if (excluded[index]) {
            return;
        }
        boolean confirmed = lastProgress[index] == revision;
        lastProgress[index] = revision;
        complete[index] = Math.max(complete[index], confirmed ? revision : revision - 1);
        asked[index] = false;
        drain();
    }

    /** An empty read or an event-less watch response: complete up to {@code revision}, no doubt. */
    void caughtUp(int index, long revision) {
        if (excluded[index]) {
            return;
        }
        complete[index] = Math.max(complete[index], revision);
        asked[index] = false;
        drain();
    }

    /** True while some batch waits for another prefix; the owner then asks again a little later. */
    boolean waiting() {
        return !held.isEmpty();
    }

    /** Asks again every prefix that holds back the oldest batch (an unanswered request is not repeated otherwise). */
    void askLaggingAgain() {
        Arrays.fill(asked, false);
        drain();
    }

    /** True while prefix {@code index} is given up on and waits for its re-read. */
    boolean isExcluded(int index) {
        return excluded[index];
    }

    private void drain() {
        while (!held.isEmpty()) {
            Batch first = held.peek();
            boolean waitedTooLong = nanoClock.getAsLong() - first.arrivedNanos() > maxWaitNanos;
            boolean blocked = false;
            for (int i = 0; i < complete.length; i++) {
                if (i == first.index() || excluded[i] || complete[i] >= first.revision()) {
                    continue;
                }
                if (waitedTooLong) {
                    excluded[i] = true;
                    giveUp.accept(i);
                    continue;
                }
                blocked = true;
                if (!asked[i]) {
                    asked[i] = true;
                    askProgress.accept(i);
                }
            }
            if (blocked) {
                return;
            }
            List<Batch> together = new ArrayList<>();
            while (!held.isEmpty() && held.peek().revision() == first.revision()) {
                together.add(held.poll());
            }
            // a given-up prefix's re-read may have read before a revision already released: it goes out at that one
            released = Math.max(released, first.revision());
            sink.apply(together, released);
        }
    }

    @Override
    public String toString() {
        return "RevisionOrder[complete=" + Arrays.toString(complete) + ", excluded=" + Arrays.toString(excluded)
                + ", held=" + held.size() + "]";
    }
}
