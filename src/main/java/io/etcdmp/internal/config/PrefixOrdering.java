package io.etcdmp.internal.config;

import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.internal.watch.MirrorListener;
import io.etcdmp.internal.watch.PrefixMirror;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Passes every prefix's changes through one {@link RevisionOrder}, so that they apply and publish in
 * revision order, and does what the order asks of the mirrors (progress requests, re-reads of a prefix
 * that holds the others back) after its lock is released, never under it.
 */
final class PrefixOrdering {
    private static final System.Logger LOG = System.getLogger(PrefixConfigSource.class.getName());
    private static final long ASK_AGAIN_MILLIS = 250;
    /** How long the changes of one prefix wait for the others before a lagging prefix is given up on (and re-read). */
    static final Duration MAX_ORDER_WAIT = Duration.ofSeconds(1);

    private final Object lock = new Object();
    private final RevisionOrder order;
    private final EtcdConnection connection;
    private final Supplier<List<PrefixMirror>> mirrors;
    /** Calls into the mirrors that the order asked for, made after {@link #lock} is released. */
    private final List<Runnable> mirrorCalls = new ArrayList<>();
    private boolean askAgainScheduled;

    /** {@code applied} receives the batches the order releases, under the lock, in revision order. */
    PrefixOrdering(int prefixes, EtcdConnection connection, Supplier<List<PrefixMirror>> mirrors,
                   RevisionOrder.Sink applied) {
        this.connection = connection;
        this.mirrors = mirrors;
        this.order = new RevisionOrder(prefixes, applied,
                i -> mirrorCalls.add(() -> mirrors.get().get(i).requestProgress()),
                i -> mirrorCalls.add(() -> giveUpWaitingFor(i)), MAX_ORDER_WAIT, System::nanoTime);
    }

    /** The lock the applied batches are handed over under; state that {@code applied} reads is guarded by it. */
    Object lock() {
        return lock;
    }

    /** The listener of prefix {@code index}: every call goes through the one order. */
    MirrorListener.Content listener(int index) {
        return new MirrorListener.Content() {
            @Override
            public void onChanges(List<KeyChange> changes, long revision) {
                ordered(() -> order.offer(index, changes, revision));
            }

            @Override
            public void onReset(List<KeyValue> all, long revision) {
                ordered(() -> order.offerWhole(index, all, revision));
            }

            @Override
            public void onProgress(long revision) {
                ordered(() -> order.progress(index, revision));
            }

            @Override
            public void onCaughtUp(long revision) {
                ordered(() -> order.caughtUp(index, revision));
            }
        };
    }

    private void ordered(Runnable step) {
        List<Runnable> asks;
        synchronized (lock) {
            step.run();
            if (order.waiting() && !askAgainScheduled) {
                askAgainScheduled = true;
                // on a worker, not the timer: what it releases (documents, a whole re-read) may take long, and
                // the timer sends the lease keep-alives, which never wait behind a re-read (OrderingOffTheTimerTest)
                EtcdConnection.unlessClosing(LOG, "Not waiting for other prefixes",
                        () -> connection.runBlocking(this::askAgain, ASK_AGAIN_MILLIS));
            }
            if (mirrorCalls.isEmpty()) {
                return;
            }
            asks = List.copyOf(mirrorCalls);
            mirrorCalls.clear();
        }
        asks.forEach(Runnable::run);
    }

    private void askAgain() {
        synchronized (lock) {
            askAgainScheduled = false;
        }
        ordered(order::askLaggingAgain);
    }

    /**
     * Prefix {@code index} held the others' changes back for longer than {@link #MAX_ORDER_WAIT}: its watch
     * is down (permission revoked, no leader). The others go on without it; it is re-read at the current
     * revision, retrying with backoff, and its own log lines say what is wrong.
     */
    private void giveUpWaitingFor(int index) {
        PrefixMirror lagging = mirrors.get().get(index);
        LOG.log(Level.DEBUG, "Prefix {0} held back the changes of the other prefixes for over {1} ms; applying them without it "
                + "and re-reading it", KeyRanges.describe(lagging.prefix()), MAX_ORDER_WAIT.toMillis());
        lagging.startInBackground();
    }
}
