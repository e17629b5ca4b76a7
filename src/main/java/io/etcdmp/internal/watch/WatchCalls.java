package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcdmp.internal.client.EtcdConnection;

import java.lang.System.Logger.Level;

/**
 * The calls a {@link PrefixMirror} makes on jetcd's watch API, each safe to make on a closing client.
 * Never called under the mirror's lock: jetcd takes its own lock in {@code watch} and {@code close}, and
 * holds it while it calls the listener, which takes the mirror's.
 */
final class WatchCalls {
    private static final System.Logger LOG = System.getLogger(PrefixMirror.class.getName());

    private WatchCalls() {
    }

    /** A watch of [{@code start}, {@code end}) from {@code revision}, confirmed on creation; null when the client is closing. */
    static Watch.Watcher open(EtcdConnection connection, ByteSequence start, ByteSequence end, long revision,
                              Watch.Listener listener, String label) {
        WatchOption option = WatchOption.builder()
                .withRange(end)
                .withRevision(revision)
                .withRequireLeader(true)
                .withCreateNotify(true)
                .build();
        try {
            return connection.client().getWatchClient().watch(start, option, listener);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Not watching " + label + ": the client is closing", e);
            return null;
        }
    }

    /** Closes {@code watcher} (null: nothing to close). */
    static void close(Watch.Watcher watcher, String label) {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Closing the watch on " + label + " failed", e);
            }
        }
    }

    /** Asks etcd for a progress notification on {@code watcher} (null: none is open). */
    static void requestProgress(Watch.Watcher watcher, String label) {
        if (watcher != null) {
            try {
                watcher.requestProgress();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Progress request on " + label + " failed", e);
            }
        }
    }
}
