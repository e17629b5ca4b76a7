package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.MirrorListener;
import io.etcdmp.internal.watch.PrefixMirror;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the records a registry registers and tells their keepers when one is deleted: one watch per
 * service registered, and one on the whole registry prefix instead once more than
 * {@link #WATCH_ALL_AFTER} services are, so the watches grow with the registry, never with
 * its registrations. A record absent from a read, or deleted by an event, is reported with the revision
 * at which it was seen gone; the keeper compares it with the revision of its own last write.
 */
final class RecordGuard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecordGuard.class.getName());

    /** A registration whose record is guarded. */
    interface Guarded {
        String key();

        String service();

        /** The record was seen gone at {@code revision}. Called with no lock held; must be quick. */
        void recordGone(long revision);
    }

    private final EtcdConnection connection;
    private final String prefix;
    private final Map<String, Guarded> byKey = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Guarded registrations per service; a service's own watch ends with its last one. */
    private final Map<String, Integer> perService = new HashMap<>();
    private final Map<String, PrefixMirror> serviceWatches = new HashMap<>();
    private PrefixMirror wide;
    /** Registering more services than this: one watch on the registry prefix guards their records. */
    static final int WATCH_ALL_AFTER = 16;
    /** Set once more than {@link #WATCH_ALL_AFTER} services are registered: one watch on the prefix from then on. */
    private boolean wideMode;
    private boolean closed;

    RecordGuard(EtcdConnection connection, String prefix) {
        this.connection = connection;
        this.prefix = prefix;
    }

    /** Guards {@code record} from now on (call before its record is first written); false once the guard is closed. */
    boolean add(Guarded record) {
        String service = record.service();
        boolean wideNow;
        synchronized (lock) {
            if (closed) {
                return false;
            }
            byKey.put(record.key(), record);
            int count = perService.merge(service, 1, Integer::sum);
            if (wideMode || count > 1) {
                return true; // watched already
            }
            wideNow = perService.size() > WATCH_ALL_AFTER;
            wideMode = wideNow;
        }
        // made outside the lock (a mirror asks jetcd for its KV client), installed under it unless superseded
        PrefixMirror made = wideNow ? mirror(prefix, null) : mirror(prefix + service + "/", service);
        List<PrefixMirror> stop = new ArrayList<>();
        boolean install;
        synchronized (lock) {
            install = !closed && (wideNow || (!wideMode && perService.containsKey(service) && !serviceWatches.containsKey(service)));
            if (install && wideNow) {
                wide = made;
                stop.addAll(serviceWatches.values());
                serviceWatches.clear();
            } else if (install) {
                serviceWatches.put(service, made);
            }
        }
        if (install) {
            made.startInBackground();
        }
        stop.forEach(PrefixMirror::close); // after the wide watch started: its first read finds what was deleted meanwhile
        if (!stop.isEmpty()) {
            LOG.log(Level.DEBUG, "Registering more than {0} services: one watch on {1} guards their records",
                    WATCH_ALL_AFTER, prefix);
        }
        return true;
    }

    /** Stops guarding {@code record}. */
    void remove(Guarded record) {
        PrefixMirror stop = null;
        synchronized (lock) {
            if (!byKey.remove(record.key(), record)) {
                return;
            }
            Integer left = perService.computeIfPresent(record.service(), (s, n) -> n > 1 ? n - 1 : null);
            if (left == null && !wideMode) {
                stop = serviceWatches.remove(record.service());
            }
        }
        if (stop != null) {
            stop.close();
        }
    }

    /** How many watches guard the records now (for tests and diagnostics). */
    int watchCount() {
        synchronized (lock) {
            return wideMode ? 1 : serviceWatches.size();
        }
    }

    private PrefixMirror mirror(String watched, String service) {
        return new PrefixMirror(connection, ByteSequence.from(watched, StandardCharsets.UTF_8), new MirrorListener.Content() {
            @Override
            public void onReset(List<KeyValue> all, long revision) {
                Set<String> present = new HashSet<>();
                for (KeyValue kv : all) {
                    present.add(kv.getKey().toString(StandardCharsets.UTF_8));
                }
                for (Guarded record : byKey.values()) {
                    boolean covered = service == null || record.service().equals(service);
                    if (covered && !present.contains(record.key())) {
                        record.recordGone(revision);
                    }
                }
            }

            @Override
            public void onChanges(List<KeyChange> changes, long revision) {
                for (KeyChange change : changes) {
                    if (change.isDelete()) {
                        Guarded record = byKey.get(change.key().toString(StandardCharsets.UTF_8));
                        if (record != null) {
                            record.recordGone(change.modRevision());
                        }
                    }
                }
            }
        });
    }

    @Override
    public void close() {
        List<PrefixMirror> stop = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            stop.addAll(serviceWatches.values());
            serviceWatches.clear();
            if (wide != null) {
                stop.add(wide);
                wide = null;
            }
            byKey.clear();
            perService.clear();
        }
        stop.forEach(PrefixMirror::close);
    }
}
