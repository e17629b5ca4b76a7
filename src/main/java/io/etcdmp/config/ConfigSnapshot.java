package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.watch.KeyChange;
import io.etcdmp.watch.KeyRanges;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * The local copy of the properties under the configured prefixes, merged: a later prefix overrides an
 * earlier one. Reads never block and never touch the network; a batch of changes (one etcd revision)
 * becomes visible at once: a reader that sees one of its values sees all of them.
 *
 * <p>Within one prefix two keys may map to the same name ({@code db/pool.size} and {@code db.pool.size});
 * the one written last (highest modification revision) wins.
 */
final class ConfigSnapshot {
    private static final System.Logger LOG = System.getLogger(ConfigSnapshot.class.getName());

    private final List<ByteSequence> prefixes;
    private final List<Map<String, Candidate>> byPrefix = new ArrayList<>();
    private final ConcurrentHashMap<String, String> merged = new ConcurrentHashMap<>();
    private final StampedLock lock = new StampedLock();

    ConfigSnapshot(List<ByteSequence> prefixes) {
        this.prefixes = List.copyOf(prefixes);
        for (int i = 0; i < prefixes.size(); i++) {
            byPrefix.add(new HashMap<>());
        }
    }

    String get(String name) {
        long stamp = lock.tryOptimisticRead();
        String value = merged.get(name);
        if (lock.validate(stamp)) {
            return value;
        }
        stamp = lock.readLock();
        try {
            return merged.get(name);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    Map<String, String> copy() {
        long stamp = lock.readLock();
        try {
            return Map.copyOf(merged);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    Set<String> names() {
        long stamp = lock.readLock();
        try {
            return Set.copyOf(merged.keySet());
        } finally {
            lock.unlockRead(stamp);
        }
    }

    int size() {
        return merged.size();
    }

    /** Applies the changes under prefix number {@code index} and returns the properties whose value changed. */
    synchronized Map<String, ConfigChange> apply(int index, List<KeyChange> changes) {
        ByteSequence prefix = prefixes.get(index);
        Map<String, Candidate> names = byPrefix.get(index);
        Set<String> touched = new LinkedHashSet<>();
        for (KeyChange change : changes) {
            String name = KeyNames.propertyName(prefix, change.key());
            if (name == null) {
                if (!change.isDelete()) {
                    LOG.log(Level.WARNING, "etcd key ''{0}'' gives no property name under prefix ''{1}'': ignored",
                            KeyRanges.describe(change.key()), KeyRanges.describe(prefix));
                }
                continue;
            }
            String value = change.isDelete() ? null : KeyNames.decode(change.value());
            if (!change.isDelete() && value == null) {
                LOG.log(Level.WARNING, "Value of etcd key ''{0}'' is not valid UTF-8: property {1} is left out",
                        KeyRanges.describe(change.key()), name);
            }
            Candidate head = Candidate.remove(names.get(name), change.key());
            if (value != null) {
                head = new Candidate(change.key(), value, change.modRevision(), head);
            }
            if (head == null) {
                names.remove(name);
            } else {
                names.put(name, head);
            }
            touched.add(name);
        }
        return publish(touched);
    }

    private Map<String, ConfigChange> publish(Set<String> touched) {
        Map<String, String> updates = new HashMap<>();
        Map<String, ConfigChange> changed = new HashMap<>();
        for (String name : touched) {
            String now = effective(name);
            String before = merged.get(name);
            if (!Objects.equals(before, now)) {
                updates.put(name, now);
                changed.put(name, new ConfigChange(name, Optional.ofNullable(before), Optional.ofNullable(now)));
            }
        }
        if (updates.isEmpty()) {
            return changed;
        }
        long stamp = lock.writeLock();
        try {
            updates.forEach((name, value) -> {
                if (value == null) {
                    merged.remove(name);
                } else {
                    merged.put(name, value);
                }
            });
        } finally {
            lock.unlockWrite(stamp);
        }
        return changed;
    }

    private String effective(String name) {
        for (int i = byPrefix.size() - 1; i >= 0; i--) {
            Candidate c = byPrefix.get(i).get(name);
            if (c != null) {
                return c.latest().value;
            }
        }
        return null;
    }

    /** The keys of one prefix that map to one name: almost always exactly one. */
    private static final class Candidate {
        final ByteSequence key;
        final String value;
        final long modRevision;
        final Candidate next;

        Candidate(ByteSequence key, String value, long modRevision, Candidate next) {
            this.key = key;
            this.value = value;
            this.modRevision = modRevision;
            this.next = next;
        }

        Candidate latest() {
            Candidate best = this;
            for (Candidate c = next; c != null; c = c.next) {
                if (c.modRevision > best.modRevision) {
                    best = c;
                }
            }
            return best;
        }

        static Candidate remove(Candidate head, ByteSequence key) {
            if (head == null) {
                return null;
            }
            if (head.key.equals(key)) {
                return head.next;
            }
            Candidate rest = remove(head.next, key);
            return rest == head.next ? head : new Candidate(head.key, head.value, head.modRevision, rest);
        }
    }
}
