package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Follows one etcd prefix (or key): reads it at a revision, watches from the next one, and whenever the
 * watch ends or jetcd re-creates it, re-reads or watches again so that nothing is missed or applied
 * twice; hands every change to its listener in revision order, never holding a lock of its own while
 * it calls jetcd or the listener. Why each step is as it is: docs/DESIGN.md ("The prefix mirror").
 */
public final class PrefixMirror implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PrefixMirror.class.getName());

    private final EtcdConnection connection;
    private final ByteSequence prefix;
    private final ByteSequence end;
    /** What the log lines name (kind, prefix and endpoints), and what metrics and events name (the prefix). */
    final String label, prefixName;
    /** The listener, or a {@link DiffingListener} in front of one that keeps no copy of the prefix. */
    private final MirrorListener.Content listener;
    private final RangeReader reader;
    private final Backoff backoff = Backoff.standard();

    /** The revision of the last whole read: watch events must be newer. */
    private long readRevision;
    private long revision;
    /** The newest revision read or received in an event (not moved by progress): a new watch from the next misses nothing. */
    private long delivered;
    private int generation;
    private volatile Watch.Watcher watcher;
    private boolean closed;
    private boolean recovering;
    private int failures;
    private volatile boolean live;
    /** System.nanoTime() when the mirror was created or last stopped being live; meaningful while not live. */
    private volatile long notLiveAt = System.nanoTime();
    private volatile Throwable lastFailure;
    /** Listener calls waiting to be made, in revision order; made by one thread at a time, outside the lock. */
    private final SerialCalls deliveries;

    /** A mirror of every key starting with {@code prefix}. */
    public PrefixMirror(EtcdConnection connection, ByteSequence prefix, MirrorListener listener) {
        this(connection, prefix, KeyRanges.prefixEnd(prefix), "prefix", listener);
    }

    private PrefixMirror(EtcdConnection connection, ByteSequence start, ByteSequence end, String kind, MirrorListener listener) {
        this.connection = connection;
        this.prefix = start;
        this.end = end;
        this.listener = listener instanceof MirrorListener.Content content ? content : new DiffingListener(listener);
        this.prefixName = KeyRanges.describe(start);
        this.label = kind + " '" + prefixName + "' at " + connection.settings().endpointList();
        this.deliveries = new SerialCalls(label);
        this.reader = new RangeReader(connection.client().getKVClient(), connection.settings().requestTimeout());
    }

    /** A mirror of the one key {@code key}. */
    public static PrefixMirror ofKey(EtcdConnection connection, ByteSequence key, MirrorListener listener) {
        return new PrefixMirror(connection, key, KeyRanges.successor(key), "key", listener);
    }

    /** Loads the prefix at the current revision and watches from the next; throws (leaving no watch) when etcd cannot be read. */
    public long start() throws Exception {
        long at = load(0);
        watchFrom(at + 1);
        return at;
    }

    /** The prefix this mirror follows. */
    public ByteSequence prefix() {
        return prefix;
    }

    /** The highest revision applied so far (0 before the first load). */
    public synchronized long revision() {
        return revision;
    }

    /** True while a watch is open and etcd has confirmed it (created, or an event) since its last error. */
    public boolean isLive() {
        return live;
    }

    /** For how long (ns) the mirror has not been {@link #isLive() live}: since its creation, or its last loss; 0 while live. */
    public long notLiveNanos() {
        return live ? 0 : Math.max(1, System.nanoTime() - notLiveAt);
    }

    /** The last failure to read or watch, if the mirror is not live because of one. */
    public Optional<Throwable> lastFailure() {
        return live ? Optional.empty() : Optional.ofNullable(lastFailure);
    }

    /** Reads the prefix at {@code atRevision} (0: the current one), hands it to the listener; returns the revision read. */
    public long load(long atRevision) throws Exception {
        return load(atRevision, connection.settings().requestTimeout());
    }

    /** {@link #load(long)} with each page read bounded by {@code limit} instead of the request timeout. */
    public long load(long atRevision, Duration limit) throws Exception {
        int gen;
        synchronized (this) {
            if (closed) {
                throw new EtcdMicroprofileException("Mirror of " + label + " is closed");
            }
            gen = ++generation;
            setLive(false);
        }
        List<KeyValue> current = new ArrayList<>();
        long read = reader.read(prefix, end, atRevision, current::addAll, limit);
        synchronized (this) {
            if (!closed && gen == generation) {
                applyRead(current, read);
            }
        }
        deliver();
        return read;
    }

    /** Opens the watch from {@code startRevision}, replacing any earlier one. */
    public void watchFrom(long startRevision) {
        int gen;
        Watch.Watcher previous;
        synchronized (this) {
            if (closed) {
                return;
            }
            gen = ++generation;
            previous = detachWatcher();
        }
        watchAs(gen, startRevision, previous);
    }

    /**
     * Closes {@code previous} and opens the watch of generation {@code gen}, both outside the lock: jetcd
     * takes its own lock in {@code watch} and {@code close}, and holds it while it calls our listener.
     */
    private void watchAs(int gen, long startRevision, Watch.Watcher previous) {
        WatchCalls.close(previous, label);
        Watch.Watcher opened = WatchCalls.open(connection, prefix, end, startRevision, new MirrorWatchListener(this, gen), label);
        if (opened == null) {
            return;
        }
        synchronized (this) {
            if (!closed && gen == generation) {
                watcher = opened;
                return;
            }
        }
        WatchCalls.close(opened, label); // superseded or closed while it was being opened
    }

    /** Asks etcd how far the watch has delivered (answer: {@link MirrorListener#onProgress}); no watch: nothing. Never blocks, takes no lock. */
    public void requestProgress() {
        WatchCalls.requestProgress(watcher, label);
    }

    /**
     * Starts in the background, or gives up the current watch: (re-)reads the prefix at the current revision and watches
     * from there, retrying with backoff. Events of a watch given up are dropped: the re-read brings what they carried.
     */
    public void startInBackground() {
        scheduleResync(Duration.ZERO);
    }

    @Override
    public void close() {
        Watch.Watcher previous;
        synchronized (this) {
            closed = true;
            generation++;
            setLive(false);
            deliveries.clear();
            previous = detachWatcher();
        }
        WatchCalls.close(previous, label);
    }

    private void applyRead(List<KeyValue> current, long read) {
        readRevision = read;
        revision = Math.max(revision, read);
        delivered = Math.max(delivered, read);
        queue(() -> listener.onReset(current, read));
    }

    /**
     * Applies one watch response. Its changes are reported at the highest revision seen so far, a
     * progress notification's included: etcd before 3.4.24 can announce progress at a revision before
     * sending older events, and reporting those late events at their own, lower revision would put
     * them behind changes of other prefixes already released (see RevisionOrder).
     */
    void applyEvents(WatchResponse response) {
        List<KeyChange> changes = new ArrayList<>();
        long highest = revision;
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            ByteSequence key = kv.getKey();
            long rev = kv.getModRevision();
            delivered = Math.max(delivered, rev);
            // the watch starts after the last whole read; only a superseded watch could repeat an older event
            if (rev > readRevision && event.getEventType() != WatchEvent.EventType.UNRECOGNIZED) {
                boolean put = event.getEventType() == WatchEvent.EventType.PUT;
                changes.add(new KeyChange(key, put ? kv.getValue() : null, rev, put ? kv.getVersion() : 0));
                highest = Math.max(highest, rev);
            }
        }
        revision = highest;
        long at = highest;
        queue(changes.isEmpty() ? () -> listener.onCaughtUp(at) : () -> listener.onChanges(changes, at));
    }

    /** Queues a listener call; called under the lock, made by {@link #deliver()} after it is released. */
    private void queue(Runnable call) {
        deliveries.add(call);
    }

    /** Makes the queued listener calls in order, outside the lock. */
    void deliver() {
        deliveries.run();
    }

    private void scheduleResync(Duration delay) {
        synchronized (this) {
            if (closed || recovering) {
                return;
            }
            recovering = true;
            setLive(false);
        }
        EtcdConnection.unlessClosing(LOG, "Not re-reading " + label, () -> connection.runBlocking(this::resync, delay.toMillis()));
    }

    private void resync() {
        Watch.Watcher previous;
        long before;
        synchronized (this) {
            generation++; // the old watch's events are superseded: the read brings what they carried
            previous = detachWatcher();
            before = delivered;
        }
        WatchCalls.close(previous, label);
        long read;
        try {
            read = load(0);
        } catch (Exception | Error e) { // an Error too (a listener's): else "recovering" stays set and the prefix is never read again
            int attempt;
            synchronized (this) {
                recovering = false;
                if (closed) {
                    return;
                }
                attempt = ++failures;
            }
            lastFailure = e;
            Duration wait = backoff.next();
            String why = EtcdFailures.explain(connection.settings(), "read", KeyRanges.describe(prefix), e);
            LOG.log(attempt == 1 ? Level.WARNING : Level.DEBUG, "Cannot read " + label + " (attempt " + attempt
                    + "): " + why + "; retrying in " + wait.toMillis() + " ms and every few seconds after, quietly");
            scheduleResync(wait);
            return;
        }
        int hadFailures;
        synchronized (this) {
            recovering = false;
            hadFailures = failures;
            failures = 0;
        }
        watchFrom(read + 1);
        backoff.reset();
        WatchRestarts.recorded(prefixName, lastFailure, before, read);
        if (hadFailures > 0) {
            LOG.log(Level.INFO, "Read " + label + " at revision " + read + " after " + hadFailures
                    + " failed attempt(s); watching again");
        }
    }

    /** Replaces a watch jetcd re-created by one from the revision after the last one received. */
    private void watchAgain(int gen) {
        long from;
        int next;
        Watch.Watcher previous;
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            from = delivered + 1;
            next = ++generation;
            previous = detachWatcher();
        }
        watchAs(next, from, previous);
        LOG.log(Level.INFO, "Watch on " + label + " was resumed by the client; watching again from revision " + from
                + ", the one after the last received, so that nothing between the interruption and the resume is missed");
    }

    /** Takes the current watcher out (under the lock); the caller closes it after releasing the lock. */
    private Watch.Watcher detachWatcher() {
        Watch.Watcher current = watcher;
        watcher = null;
        return current;
    }

    // For MirrorWatchListener; "under the lock": called holding this mirror's monitor.
    /** Under the lock: whether the watch of generation {@code gen} no longer counts (superseded, or closed). */
    boolean superseded(int gen) {
        return closed || gen != generation;
    }

    /** Under the lock: the watch is confirmed ({@code true}), or down or being replaced; returns whether it was live. */
    boolean setLive(boolean now) {
        boolean was = live;
        notLiveAt = was && !now ? System.nanoTime() : notLiveAt; // before live: a reader seeing it false sees this
        live = now;
        return was;
    }

    /** Under the lock: a progress notification at {@code at}. */
    void progress(long at) {
        revision = Math.max(revision, at);
        queue(() -> listener.onProgress(at));
    }

    /** Outside the lock: jetcd re-created the watch of generation {@code gen}; it is replaced by one of ours. */
    void replaceResumedWatch(int gen) {
        EtcdConnection.unlessClosing(LOG, "Not watching " + label + " again",
                () -> connection.scheduler().execute(() -> watchAgain(gen)));
    }

    /** Outside the lock: the watch failed ({@code cause}, null when it just ended); {@code resync}: re-read now. */
    void watchEnded(Throwable cause, boolean resync) {
        if (cause != null) {
            lastFailure = cause;
        }
        if (resync) {
            scheduleResync(Duration.ZERO);
        }
    }
}
