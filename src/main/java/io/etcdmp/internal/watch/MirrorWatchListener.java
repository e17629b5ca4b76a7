package io.etcdmp.internal.watch;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcdmp.internal.client.EtcdFailures;

import java.lang.System.Logger.Level;

/**
 * jetcd's listener of one watch of a {@link PrefixMirror} (one generation): takes the mirror's lock only to
 * update its state, never while it calls jetcd or the mirror's listener. A watch that jetcd re-creates after
 * an interruption is replaced by one from the revision after the last received; a watch that ends, starts at
 * a compacted revision or is refused leads to a re-read.
 */
final class MirrorWatchListener implements Watch.Listener {
    private static final System.Logger LOG = System.getLogger(PrefixMirror.class.getName());

    private final PrefixMirror mirror;
    private final int gen;
    private boolean confirmed;
    private boolean resumed;

    MirrorWatchListener(PrefixMirror mirror, int gen) {
        this.mirror = mirror;
        this.gen = gen;
    }

    @Override
    public void onNext(WatchResponse response) {
        boolean resumedNow = false;
        synchronized (mirror) {
            if (mirror.superseded(gen) || resumed) {
                return; // superseded, or resumed by jetcd: the watch that replaces it covers what this one sends
            }
            if (response.isCreatedNotify() && confirmed) {
                // jetcd re-created the watch after an interruption: watch again instead of trusting its resume point
                resumed = true;
                resumedNow = true;
                mirror.setLive(false);
            } else {
                confirmed |= response.isCreatedNotify();
                mirror.setLive(true);
                if (response.isProgressNotify()) {
                    mirror.progress(response.getHeader().getRevision());
                } else {
                    mirror.applyEvents(response);
                }
            }
        }
        if (resumedNow) {
            mirror.replaceResumedWatch(gen);
        } else {
            mirror.deliver();
        }
    }

    @Override
    public void onError(Throwable error) {
        boolean wasLive;
        synchronized (mirror) {
            if (mirror.superseded(gen)) {
                return;
            }
            wasLive = mirror.setLive(false);
        }
        if (wasLive || error instanceof CompactedException || createRefused(error)
                || EtcdFailures.isPermissionDenied(error) || EtcdFailures.isAuthenticationFailure(error)) {
            WatchRestarts.count(mirror.prefixName, error);
        }
        if (error instanceof CompactedException compacted) {
            LOG.log(Level.INFO, "Watch on " + mirror.label + " started at a compacted revision (compacted up to "
                    + compacted.getCompactedRevision() + "); re-reading the prefix");
            mirror.watchEnded(error, true);
        } else if (createRefused(error)) {
            // a "created" response with watch id -1: jetcd calls onError only, neither closes nor re-creates the watch
            LOG.log(Level.INFO, "etcd could not create the watch on " + mirror.label + "; re-reading the prefix and watching again");
            mirror.watchEnded(error, true);
        } else if (EtcdFailures.isPermissionDenied(error) || EtcdFailures.isAuthenticationFailure(error)) {
            // jetcd would re-create this watch every 500 ms forever; re-read instead (with backoff),
            // which names the missing permission once
            mirror.watchEnded(error, true);
        } else {
            mirror.watchEnded(error, false);
            // jetcd retries every 500 ms while etcd is away: say it once per interruption, not per retry
            LOG.log(wasLive ? Level.INFO : Level.DEBUG, "Watch on " + mirror.label + " interrupted: " + EtcdFailures.describe(error)
                    + "; it is watched again from the last revision received when etcd answers");
        }
    }

    /** jetcd 0.8's error for a watch etcd answered with watch id -1 (WatchImpl: "etcd server failed to create watch id"). */
    private static boolean createRefused(Throwable error) {
        return error instanceof EtcdException etcd && String.valueOf(etcd.getMessage()).contains("failed to create watch id");
    }

    @Override
    public void onCompleted() {
        synchronized (mirror) {
            if (mirror.superseded(gen)) {
                return;
            }
        }
        LOG.log(Level.INFO, "Watch on " + mirror.label + " was closed by the client; re-reading the prefix and watching again");
        mirror.watchEnded(null, true);
    }
}
