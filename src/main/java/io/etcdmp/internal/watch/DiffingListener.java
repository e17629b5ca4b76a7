package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the mirror's whole reads into differences for a {@link MirrorListener} that keeps no copy
 * of the prefix: it keeps each key's modification revision, reports a re-read as the keys that changed
 * or disappeared since, and drops events it has already reported. The mirror calls it one call at a time.
 */
final class DiffingListener implements MirrorListener.Content {
    private final MirrorListener listener;
    private final Map<ByteSequence, Long> modRevisions = new HashMap<>();

    DiffingListener(MirrorListener listener) {
        this.listener = listener;
    }

    @Override
    public void onReset(List<KeyValue> all, long revision) {
        List<KeyChange> changes = new ArrayList<>();
        Set<ByteSequence> seen = new HashSet<>(all.size() * 2);
        for (KeyValue kv : all) {
            seen.add(kv.getKey());
            Long known = modRevisions.put(kv.getKey(), kv.getModRevision());
            if (known == null || known != kv.getModRevision()) {
                changes.add(new KeyChange(kv.getKey(), kv.getValue(), kv.getModRevision(), kv.getVersion()));
            }
        }
        modRevisions.keySet().removeIf(key -> {
            if (seen.contains(key)) {
                return false;
            }
            changes.add(new KeyChange(key, null, revision));
            return true;
        });
        report(changes, revision);
    }

    @Override
    public void onChanges(List<KeyChange> events, long revision) {
        List<KeyChange> changes = new ArrayList<>(events.size());
        for (KeyChange change : events) {
            Long known = modRevisions.get(change.key());
            if (known != null && known >= change.modRevision() || change.isDelete() && known == null) {
                continue; // reported already (a repeated event), or a delete of a key never seen
            }
            if (change.isDelete()) {
                modRevisions.remove(change.key());
            } else {
                modRevisions.put(change.key(), change.modRevision());
            }
            changes.add(change);
        }
        report(changes, revision);
    }

    @Override
    public void onProgress(long revision) {
        listener.onProgress(revision);
    }

    @Override
    public void onCaughtUp(long revision) {
        listener.onCaughtUp(revision);
    }

    private void report(List<KeyChange> changes, long revision) {
        if (changes.isEmpty()) {
            listener.onCaughtUp(revision);
        } else {
            listener.onChanges(changes, revision);
        }
    }
}
