package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.watch.KeyChange;
import io.etcdmp.watch.KeyRanges;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * The local copy of the properties under the configured prefixes: a later prefix overrides an earlier
 * one. Reads never block and never touch the network; a batch of changes (one etcd revision, or one
 * re-read of a prefix) becomes visible at once: a reader that sees one of its values sees all of them.
 *
 * <p>Compact by design (one map entry, the name and the value per property): each prefix has one map
 * from property name to its value, or, in the rare case that several keys of the prefix map to the same
 * name ({@code db/pool.size} and {@code db.pool.size}), to a {@link Candidates} list where the one written
 * last (highest modification revision) wins. No key is kept for the one-key case: a put that did not
 * create its key (etcd version &gt; 1) updates the key already known for the name, a put that did
 * creates a second candidate, and the key of the first one stays unknown until a put or delete names a
 * key that is not the known one.
 */
final class ConfigSnapshot {
    private static final System.Logger LOG = System.getLogger(ConfigSnapshot.class.getName());

    private final List<ByteSequence> prefixes;
    private final List<ConcurrentHashMap<String, Object>> byPrefix = new ArrayList<>();
    /** Per prefix, keys whose value is not UTF-8 (left out, but their later fix is a new key to us). */
    private final List<Set<ByteSequence>> undecodable = new ArrayList<>();
    private final StampedLock lock = new StampedLock();

    ConfigSnapshot(List<ByteSequence> prefixes) {
        this.prefixes = List.copyOf(prefixes);
        for (int i = 0; i < prefixes.size(); i++) {
            byPrefix.add(new ConcurrentHashMap<>());
            undecodable.add(new HashSet<>());
        }
    }

    String get(String name) {
        long stamp = lock.tryOptimisticRead();
        String value = lookup(name);
        if (lock.validate(stamp)) {
            return value;
        }
        stamp = lock.readLock();
        try {
            return lookup(name);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private String lookup(String name) {
        for (int i = byPrefix.size() - 1; i >= 0; i--) {
            Object entry = byPrefix.get(i).get(name);
            if (entry != null) {
                return value(entry);
            }
        }
        return null;
    }

    Map<String, String> copy() {
        long stamp = lock.readLock();
        try {
            Map<String, String> all = new HashMap<>();
            for (Map<String, Object> names : byPrefix) {
                names.forEach((name, entry) -> all.put(name, value(entry)));
            }
            return Map.copyOf(all);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    Set<String> names() {
        long stamp = lock.readLock();
        try {
            Set<String> all = new HashSet<>();
            byPrefix.forEach(names -> all.addAll(names.keySet()));
            return Set.copyOf(all);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** How many names each prefix holds (a name in several prefixes counts in each), in prefix order; quick. */
    List<Integer> sizes() {
        return byPrefix.stream().map(Map::size).toList();
    }

    /**
     * Applies watch events under prefix number {@code index}; returns the properties whose value changed
     * (empty when {@code report} is false).
     */
    synchronized Map<String, ConfigChange> apply(int index, List<KeyChange> changes, boolean report) {
        ByteSequence prefix = prefixes.get(index);
        Map<String, Object> names = byPrefix.get(index);
        Set<ByteSequence> bad = undecodable.get(index);
        Map<String, Object> pending = new HashMap<>();
        for (KeyChange change : changes) {
            String name = KeyNames.propertyName(prefix, change.key());
            if (name == null) {
                warnNoName(change, prefix);
                continue;
            }
            Object current = pending.containsKey(name) ? pending.get(name) : names.get(name);
            String value = change.isDelete() ? null : KeyNames.decode(change.value());
            boolean wasBad = bad.remove(change.key());
            if (change.isDelete()) {
                if (!wasBad) {
                    pending.put(name, Candidates.without(current, change.key()));
                }
            } else if (value == null) {
                warnNotUtf8(change, name);
                if (!wasBad && !change.isCreation()) { // a known key now holding bytes that are not UTF-8: gone for us
                    pending.put(name, Candidates.without(current, change.key()));
                }
                bad.add(change.key());
            } else {
                pending.put(name, Candidates.with(current, change, value, change.isCreation() || wasBad));
            }
        }
        return publish(index, pending, Set.of(), report);
    }

    /**
     * Replaces what prefix number {@code index} holds by {@code all} (every key under it at one
     * revision); returns the properties whose value changed (empty when {@code report} is false).
     */
    synchronized Map<String, ConfigChange> reset(int index, List<KeyChange> all, boolean report) {
        ByteSequence prefix = prefixes.get(index);
        Set<ByteSequence> bad = undecodable.get(index);
        bad.clear();
        Map<String, Object> names = byPrefix.get(index);
        // the first load (nothing held, no one to tell) builds the map readers will use, with no copy
        boolean first = names.isEmpty() && !report;
        Map<String, Object> fresh = first ? new ConcurrentHashMap<>(all.size()) : new HashMap<>(all.size() * 4 / 3 + 16);
        Set<String> shared = new HashSet<>();
        for (KeyChange kv : all) {
            String name = KeyNames.propertyName(prefix, kv.key());
            if (name == null) {
                warnNoName(kv, prefix);
                continue;
            }
            String value = KeyNames.decode(kv.value());
            if (value == null) {
                warnNotUtf8(kv, name);
                bad.add(kv.key());
            } else if (fresh.put(name, value) != null) {
                shared.add(name);
            }
        }
        if (!shared.isEmpty()) { // several keys for one name: keep them all, with their keys and revisions
            Map<String, List<KeyChange>> keys = new HashMap<>();
            for (KeyChange kv : all) {
                String name = KeyNames.propertyName(prefix, kv.key());
                if (name != null && shared.contains(name) && !bad.contains(kv.key())) {
                    keys.computeIfAbsent(name, n -> new ArrayList<>()).add(kv);
                }
            }
            keys.forEach((name, list) -> fresh.put(name, Candidates.of(list)));
        }
        if (first) {
            long stamp = lock.writeLock();
            try {
                byPrefix.set(index, (ConcurrentHashMap<String, Object>) fresh);
            } finally {
                lock.unlockWrite(stamp);
            }
            return Map.of();
        }
        Set<String> gone = new HashSet<>();
        for (String name : names.keySet()) {
            if (!fresh.containsKey(name)) {
                gone.add(name);
            }
        }
        fresh.entrySet().removeIf(e -> e.getValue().equals(names.get(e.getKey())));
        return publish(index, fresh, gone, report);
    }

    /** Makes {@code updates} (null: remove) and {@code removals} visible at once. */
    private Map<String, ConfigChange> publish(int index, Map<String, Object> updates, Set<String> removals, boolean report) {
        Map<String, Object> names = byPrefix.get(index);
        Set<String> touched = report ? new LinkedHashSet<>() : Set.of();
        Map<String, String> before = report ? new HashMap<>() : Map.of();
        if (report) {
            touched.addAll(updates.keySet());
            touched.addAll(removals);
            touched.forEach(name -> before.put(name, lookup(name)));
        }
        long stamp = lock.writeLock();
        try {
            updates.forEach((name, entry) -> {
                if (entry == null) {
                    names.remove(name);
                } else {
                    names.put(name, entry);
                }
            });
            removals.forEach(names::remove);
        } finally {
            lock.unlockWrite(stamp);
        }
        if (!report) {
            return Map.of();
        }
        Map<String, ConfigChange> changed = new HashMap<>();
        for (String name : touched) {
            String was = before.get(name);
            String now = lookup(name);
            if (!Objects.equals(was, now)) {
                changed.put(name, new ConfigChange(name, Optional.ofNullable(was), Optional.ofNullable(now)));
            }
        }
        return changed;
    }

    private static String value(Object entry) {
        return entry instanceof String ? (String) entry : ((Candidates) entry).effective;
    }

    private static void warnNoName(KeyChange change, ByteSequence prefix) {
        if (!change.isDelete()) {
            LOG.log(Level.WARNING, "etcd key ''{0}'' gives no property name under prefix ''{1}'': ignored",
                    KeyRanges.describe(change.key()), KeyRanges.describe(prefix));
        }
    }

    private static void warnNotUtf8(KeyChange change, String name) {
        LOG.log(Level.WARNING, "Value of etcd key ''{0}'' is not valid UTF-8: property {1} is left out",
                KeyRanges.describe(change.key()), name);
    }

    /**
     * The keys of one prefix that map to one name (two or more; one key is kept as its value alone).
     * Immutable. A candidate with a null key is the one that was alone before: its key is not known.
     */
    static final class Candidates {
        final ByteSequence[] keys;
        final String[] values;
        final long[] modRevisions;
        final String effective;

        private Candidates(ByteSequence[] keys, String[] values, long[] modRevisions) {
            this.keys = keys;
            this.values = values;
            this.modRevisions = modRevisions;
            int best = 0;
            for (int i = 1; i < keys.length; i++) {
                if (modRevisions[i] > modRevisions[best]) {
                    best = i;
                }
            }
            this.effective = values[best];
        }

        /** Every key of {@code list} (two or more, values valid UTF-8), as read at one revision. */
        static Candidates of(List<KeyChange> list) {
            ByteSequence[] keys = new ByteSequence[list.size()];
            String[] values = new String[list.size()];
            long[] revisions = new long[list.size()];
            for (int i = 0; i < list.size(); i++) {
                keys[i] = list.get(i).key();
                values[i] = KeyNames.decode(list.get(i).value());
                revisions[i] = list.get(i).modRevision();
            }
            return new Candidates(keys, values, revisions);
        }

        /** {@code current} with {@code change}'s key set to {@code value}; {@code newKey}: the key did not exist before. */
        static Object with(Object current, KeyChange change, String value, boolean newKey) {
            if (current == null) {
                return value;
            }
            if (current instanceof String) {
                return newKey ? new Candidates(new ByteSequence[] {null, change.key()},
                        new String[] {(String) current, value}, new long[] {0, change.modRevision()}) : value;
            }
            Candidates c = (Candidates) current;
            int at = c.indexOf(change.key());
            if (at < 0 && !newKey) {
                at = c.indexOf(null); // an existing key we hold no key for: the unknown one
            }
            if (at < 0) {
                int n = c.keys.length;
                ByteSequence[] keys = Arrays.copyOf(c.keys, n + 1);
                String[] values = Arrays.copyOf(c.values, n + 1);
                long[] revisions = Arrays.copyOf(c.modRevisions, n + 1);
                keys[n] = change.key();
                values[n] = value;
                revisions[n] = change.modRevision();
                return new Candidates(keys, values, revisions);
            }
            ByteSequence[] keys = c.keys.clone();
            String[] values = c.values.clone();
            long[] revisions = c.modRevisions.clone();
            keys[at] = change.key();
            values[at] = value;
            revisions[at] = change.modRevision();
            return new Candidates(keys, values, revisions);
        }

        /** {@code current} without {@code key} (a key it holds, else the unknown one); null when none is left. */
        static Object without(Object current, ByteSequence key) {
            if (!(current instanceof Candidates)) {
                return null;
            }
            Candidates c = (Candidates) current;
            int at = c.indexOf(key);
            if (at < 0) {
                at = c.indexOf(null);
            }
            if (at < 0) {
                return c;
            }
            if (c.keys.length == 2) {
                return c.values[1 - at];
            }
            List<Integer> keep = new ArrayList<>();
            for (int i = 0; i < c.keys.length; i++) {
                if (i != at) {
                    keep.add(i);
                }
            }
            ByteSequence[] keys = new ByteSequence[keep.size()];
            String[] values = new String[keep.size()];
            long[] revisions = new long[keep.size()];
            for (int i = 0; i < keep.size(); i++) {
                keys[i] = c.keys[keep.get(i)];
                values[i] = c.values[keep.get(i)];
                revisions[i] = c.modRevisions[keep.get(i)];
            }
            return new Candidates(keys, values, revisions);
        }

        private int indexOf(ByteSequence key) {
            for (int i = 0; i < keys.length; i++) {
                if (Objects.equals(keys[i], key)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
