package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.watch.KeyChange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The keys of one prefix that map to one name (two or more; one key is kept as its value alone).
 * Immutable. A candidate with a null key is the one that was alone before: its key is not known.
 */
final class KeyCandidates {
    final ByteSequence[] keys;
    final byte[][] values;
    final long[] modRevisions;
    final byte[] effective;

    private KeyCandidates(ByteSequence[] keys, byte[][] values, long[] modRevisions) {
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
    static KeyCandidates of(List<KeyValue> list) {
        ByteSequence[] keys = new ByteSequence[list.size()];
        byte[][] values = new byte[list.size()][];
        long[] revisions = new long[list.size()];
        for (int i = 0; i < list.size(); i++) {
            keys[i] = list.get(i).getKey();
            values[i] = list.get(i).getValue().getBytes();
            revisions[i] = list.get(i).getModRevision();
        }
        return new KeyCandidates(keys, values, revisions);
    }

    /**
     * For each name of {@code shared} (names that several keys of one whole read of {@code prefix} map to):
     * its candidates, every key under the prefix that maps to it, except keys that {@code skip} accepts.
     */
    static Map<String, KeyCandidates> ofShared(ByteSequence prefix, List<KeyValue> all, Set<String> shared,
                                               Predicate<ByteSequence> skip) {
        Map<String, List<KeyValue>> keys = new HashMap<>();
        for (KeyValue kv : all) {
            String name = KeyNames.propertyName(prefix, kv.getKey());
            if (name != null && shared.contains(name) && !skip.test(kv.getKey())) {
                keys.computeIfAbsent(name, n -> new ArrayList<>()).add(kv);
            }
        }
        Map<String, KeyCandidates> out = new HashMap<>();
        keys.forEach((name, list) -> out.put(name, of(list)));
        return out;
    }

    /**
     * Adds to {@code pending} (name -> new entry, null: gone) what a watched change of a plain key under
     * {@code prefix} does to its property, on top of {@code held} (the entries published) and earlier
     * pending ones; keeps {@code bad} (keys whose value is not UTF-8, left out) current.
     */
    static void apply(KeyChange change, ByteSequence prefix, Map<String, Object> held, Map<String, Object> pending,
                      Set<ByteSequence> bad) {
        String name = KeyNames.propertyName(prefix, change.key());
        if (name == null) {
            if (!change.isDelete()) {
                KeyNames.warnNoName(change.key(), prefix);
            }
            return;
        }
        Object current = pending.containsKey(name) ? pending.get(name) : held.get(name);
        boolean wasBad = !bad.isEmpty() && bad.remove(change.key());
        if (change.isDelete()) {
            if (!wasBad) {
                pending.put(name, without(current, change.key()));
            }
            return;
        }
        byte[] value = change.value().getBytes();
        if (KeyNames.isUtf8(value)) {
            pending.put(name, with(current, change, value, change.isCreation() || wasBad));
        } else {
            KeyNames.warnNotUtf8(change.key(), name);
            if (!wasBad && !change.isCreation()) { // a key we held now holds bytes that are not UTF-8: gone for us
                pending.put(name, without(current, change.key()));
            }
            bad.add(change.key());
        }
    }

    /** {@code current} with {@code change}'s key set to {@code value}; {@code newKey}: the key did not exist before. */
    static Object with(Object current, KeyChange change, byte[] value, boolean newKey) {
        if (current == null) {
            return value;
        }
        if (current instanceof byte[]) {
            return newKey ? new KeyCandidates(new ByteSequence[] {null, change.key()},
                    new byte[][] {(byte[]) current, value}, new long[] {0, change.modRevision()}) : value;
        }
        KeyCandidates c = (KeyCandidates) current;
        int at = c.indexOf(change.key());
        if (at < 0 && !newKey) {
            at = c.indexOf(null); // an existing key we hold no key for: the unknown one
        }
        int n = c.keys.length;
        ByteSequence[] keys = Arrays.copyOf(c.keys, at < 0 ? n + 1 : n);
        byte[][] values = Arrays.copyOf(c.values, keys.length);
        long[] revisions = Arrays.copyOf(c.modRevisions, keys.length);
        int slot = at < 0 ? n : at;
        keys[slot] = change.key();
        values[slot] = value;
        revisions[slot] = change.modRevision();
        return new KeyCandidates(keys, values, revisions);
    }

    /** {@code current} without {@code key} (a key it holds, else the unknown one); null when none is left. */
    static Object without(Object current, ByteSequence key) {
        if (!(current instanceof KeyCandidates)) {
            return null;
        }
        KeyCandidates c = (KeyCandidates) current;
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
        int n = c.keys.length - 1;
        ByteSequence[] keys = new ByteSequence[n];
        byte[][] values = new byte[n][];
        long[] revisions = new long[n];
        for (int i = 0, j = 0; i < c.keys.length; i++) {
            if (i != at) {
                keys[j] = c.keys[i];
                values[j] = c.values[i];
                revisions[j++] = c.modRevisions[i];
            }
        }
        return new KeyCandidates(keys, values, revisions);
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
