package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.config.ConfigChange;
import io.etcdmp.internal.watch.KeyChange;

import java.nio.charset.StandardCharsets;
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
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The local copy of the properties under the configured prefixes (a later prefix overrides an earlier
 * one): per property one map entry of name and value bytes, a batch of changes visible at once, lookups
 * without locks from a {@link LookupCache}. How and why it is built so: docs/DESIGN.md, "The config snapshot".
 */
final class ConfigSnapshot {
    private static final System.Logger LOG = System.getLogger(ConfigSnapshot.class.getName());

    private final List<ByteSequence> prefixes;
    /** Per prefix: property name -> value bytes ({@code byte[]}) or {@link KeyCandidates}. Replaced only under the write lock. */
    private final Map<String, Object>[] byPrefix;
    /** Per prefix, keys whose value is not UTF-8: left out, and their later fix is a new key to us. */
    private final List<Set<ByteSequence>> undecodable = new ArrayList<>();
    /** Ready forms of the properties looked up so far; an entry is removed (under the write lock) when its property changes. */
    private final LookupCache lookups = new LookupCache();
    private final BiFunction<String, String, Object> lookupValue;
    /** Told (name, value now or null) of every property a batch touched, after it is visible; set before the first batch. */
    BiConsumer<String, String> changedTo = (name, now) -> { };
    private final StampedLock lock = new StampedLock();
    /** Per prefix, its documents ({@code etcd.config.documents}); null when none are configured. */
    private final DocumentLayer[] layers;
    /** Per prefix, what its documents give (name -> value bytes, immutable), below its plain keys; null without documents. */
    private final Map<String, Object>[] documented;

    /** A snapshot whose lookups give the value {@code String} itself. */
    ConfigSnapshot(List<ByteSequence> prefixes) {
        this(prefixes, List.of(), (name, value) -> value);
    }

    /**
     * {@code documents}: key names below each prefix whose value is a document ({@link ConfigDocument});
     * {@code lookupValue} turns (name, value) into what {@link #lookup} returns; it must not call back into the snapshot.
     */
    ConfigSnapshot(List<ByteSequence> prefixes, List<String> documents, BiFunction<String, String, Object> lookupValue) {
        this(prefixes, documents, ConfigDocument.DEFAULT_MAX_PROPERTIES, lookupValue);
    }

    /** {@code documentMaxProperties}: the most properties one document may give ({@code etcd.config.document-max-properties}). */
    @SuppressWarnings("unchecked")
    ConfigSnapshot(List<ByteSequence> prefixes, List<String> documents, int documentMaxProperties,
                   BiFunction<String, String, Object> lookupValue) {
        this.prefixes = List.copyOf(prefixes);
        this.lookupValue = lookupValue;
        this.byPrefix = new Map[prefixes.size()];
        this.layers = documents.isEmpty() ? null : new DocumentLayer[prefixes.size()];
        this.documented = documents.isEmpty() ? null : new Map[prefixes.size()];
        for (int i = 0; i < prefixes.size(); i++) {
            byPrefix[i] = new ConcurrentHashMap<>();
            undecodable.add(new HashSet<>());
            if (layers != null) {
                layers[i] = new DocumentLayer(prefixes.get(i).toString(StandardCharsets.UTF_8), documents, documentMaxProperties);
                documented[i] = Map.of();
            }
        }
    }

    /**
     * The looked-up value of {@code name}'s value, or {@code null} when no prefix holds it.
     *
     * <p>A cached looked-up value is returned without the lock: writers remove the forms of every property of
     * a batch before they release the write lock, and forms are only made under the read lock, so a form
     * found here is never older than a batch whose other values this reader has already seen.
     */
    Object lookup(String name) {
        Object form = lookups.get(name); // kept small so that it inlines into the config implementation's lookup
        return form != null ? form : lookUpAndKeep(name);
    }

    /** {@link #lookup} for a property without a kept form: absent, or looked up for the first time since it changed. */
    private Object lookUpAndKeep(String name) {
        long stamp = lock.tryOptimisticRead();
        Object entry = entry(name);
        if (entry == null && lock.validate(stamp)) {
            return null; // not here: the common answer for a property of another source, without locking
        }
        stamp = lock.readLock();
        try {
            Object now = entry(name);
            if (now == null) {
                return null;
            }
            Object made = lookups.get(name); // another reader may have made it meanwhile
            return made != null ? made : lookups.put(name, lookupValue.apply(name, KeyNames.decode(value(now))));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    Map<String, String> copy() {
        long stamp = lock.readLock();
        try {
            Map<String, String> all = new HashMap<>();
            for (int i = 0; i < byPrefix.length; i++) { // later prefixes override; in one, plain keys override documents
                if (documented != null) {
                    documented[i].forEach((name, entry) -> all.put(name, KeyNames.decode(value(entry))));
                }
                byPrefix[i].forEach((name, entry) -> all.put(name, KeyNames.decode(value(entry))));
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
            for (int i = 0; i < byPrefix.length; i++) {
                all.addAll(byPrefix[i].keySet());
                if (documented != null) {
                    all.addAll(documented[i].keySet());
                }
            }
            return Set.copyOf(all);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** How many names each prefix holds, in prefix order (a name in two prefixes counts in both); quick. */
    List<Integer> sizes() {
        List<Integer> sizes = new ArrayList<>(byPrefix.length);
        for (int i = 0; i < byPrefix.length; i++) {
            sizes.add(byPrefix[i].size() + (documented == null ? 0 : documented[i].size()));
        }
        return sizes;
    }

    /**
     * Applies watch events under prefix number {@code index}; returns the properties whose value changed
     * (nothing when {@code report} is false: then no one listens and the work is skipped).
     */
    synchronized Map<String, ConfigChange> apply(int index, List<KeyChange> changes, boolean report) {
        ByteSequence prefix = prefixes.get(index);
        Map<String, Object> names = byPrefix[index];
        Set<ByteSequence> bad = undecodable.get(index);
        Map<String, Object> pending = new HashMap<>();
        boolean documentsChanged = false;
        for (KeyChange change : changes) {
            String document = (layers == null ? null : layers[index].documentOf(change.key()));
            if (document != null) {
                documentsChanged |= layers[index].accept(document, change.isDelete() ? null : change.value().getBytes(),
                        change.modRevision());
                continue;
            }
            KeyCandidates.apply(change, prefix, names, pending, bad);
        }
        return publish(index, pending, Set.of(), documentsChanged ? layers[index].remerge() : null, report);
    }

    /**
     * Replaces what prefix number {@code index} holds by {@code all}, every key under it at one revision
     * (the first load, or a re-read after a lost watch); returns the properties whose value changed
     * (nothing when {@code report} is false).
     */
    synchronized Map<String, ConfigChange> reset(int index, List<KeyValue> all, boolean report) {
        ByteSequence prefix = prefixes.get(index);
        Set<ByteSequence> bad = undecodable.get(index);
        bad.clear();
        Map<String, Object> names = byPrefix[index];
        // nothing held and no one to tell (the first load): build the map readers will use, with no copy
        boolean swap = names.isEmpty() && !report;
        Map<String, Object> fresh = swap ? new ConcurrentHashMap<>(all.size()) : new HashMap<>(all.size() * 4 / 3 + 16);
        Set<String> shared = null;
        Set<String> documentsTouched = layers == null ? null : layers[index].resetFrom(all);
        for (KeyValue kv : all) {
            if (documentsTouched != null && layers[index].documentOf(kv.getKey()) != null) {
                continue;
            }
            String name = KeyNames.propertyName(prefix, kv.getKey());
            if (name == null) {
                KeyNames.warnNoName(kv.getKey(), prefix);
                continue;
            }
            byte[] value = kv.getValue().getBytes();
            if (!KeyNames.isUtf8(value)) {
                KeyNames.warnNotUtf8(kv.getKey(), name);
                bad.add(kv.getKey());
            } else if (fresh.put(name, value) != null) {
                if (shared == null) {
                    shared = new HashSet<>();
                }
                shared.add(name);
            }
        }
        if (shared != null) { // several keys for one name: keep them all, with their keys and revisions
            DocumentLayer layer = documentsTouched == null ? null : layers[index];
            fresh.putAll(KeyCandidates.ofShared(prefix, all, shared, key -> bad.contains(key)
                    || (layer != null && layer.documentOf(key) != null)));
        }
        if (swap) {
            replace(index, fresh);
            return Map.of();
        }
        Set<String> gone = new HashSet<>();
        for (String name : names.keySet()) {
            if (!fresh.containsKey(name)) {
                gone.add(name);
            }
        }
        fresh.entrySet().removeIf(e -> sameEntry(e.getValue(), names.get(e.getKey())));
        return publish(index, fresh, gone, documentsTouched, report);
    }

    /**
     * Prefix {@code index}'s plain properties (name -> UTF-8 value bytes, never to be modified), consistent
     * with its {@link #documents}. Copies references only: writers wait for no decoding.
     */
    synchronized Map<String, byte[]> plain(int index) {
        Map<String, byte[]> out = new HashMap<>(byPrefix[index].size() * 4 / 3 + 1);
        byPrefix[index].forEach((name, entry) -> out.put(name, value(entry)));
        return out;
    }

    /** Prefix {@code index}'s documents (key name -> last good text); empty without documents. */
    synchronized Map<String, String> documents(int index) {
        Map<String, String> out = new HashMap<>();
        if (layers != null) {
            layers[index].rawDocuments().forEach((name, raw) -> out.put(name, KeyNames.decode(raw)));
        }
        return out;
    }

    /**
     * Replaces prefix {@code index}'s content by what a cache file holds, without reporting changes (the
     * source is not published yet): plain properties, and document texts that are parsed again.
     */
    synchronized void restore(int index, Map<String, String> properties, Map<String, String> documentTexts) {
        Map<String, Object> fresh = new ConcurrentHashMap<>(properties.size() * 4 / 3 + 1);
        properties.forEach((name, value) -> fresh.put(name, value.getBytes(StandardCharsets.UTF_8)));
        if (layers != null) {
            layers[index].restore(documentTexts);
        }
        replace(index, fresh);
    }

    /** Makes {@code fresh} (read by lookups without a copy) prefix {@code index}'s content, with its documents' now. */
    private void replace(int index, Map<String, Object> fresh) {
        long stamp = lock.writeLock();
        try {
            byPrefix[index] = fresh;
            if (documented != null) {
                documented[index] = layers[index].merged();
            }
            lookups.clear(); // this prefix may now override names whose looked-up value came from another
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Makes {@code updates} (a null entry: remove) and {@code removals} of one prefix visible at once, with
     * its documents' merged properties when {@code documentsTouched} is not null (the names they changed).
     */
    private Map<String, ConfigChange> publish(int index, Map<String, Object> updates, Set<String> removals,
                                              Set<String> documentsTouched, boolean report) {
        if (updates.isEmpty() && removals.isEmpty() && (documentsTouched == null || documentsTouched.isEmpty())) {
            return Map.of();
        }
        Map<String, Object> names = byPrefix[index];
        Set<String> touched = new LinkedHashSet<>(updates.keySet());
        touched.addAll(removals);
        if (documentsTouched != null) {
            touched.addAll(documentsTouched);
        }
        Map<String, String> before = new HashMap<>();
        if (report) {
            touched.forEach(name -> before.put(name, text(name)));
        }
        long stamp = lock.writeLock();
        try {
            lookups.removeAll(touched);
            updates.forEach((name, entry) -> {
                if (entry == null) {
                    names.remove(name);
                } else {
                    names.put(name, entry);
                }
            });
            removals.forEach(names::remove);
            if (documentsTouched != null) {
                documented[index] = layers[index].merged();
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        Map<String, ConfigChange> changed = new HashMap<>();
        for (String name : touched) {
            String was = before.get(name), now = text(name);
            changedTo.accept(name, now);
            if (report && !Objects.equals(was, now)) {
                changed.put(name, new ConfigChange(name, Optional.ofNullable(was), Optional.ofNullable(now)));
            }
        }
        return changed;
    }

    /** The entry of the last prefix holding {@code name}; callers validate a stamp or hold a lock. */
    private Object entry(String name) {
        for (int i = byPrefix.length - 1; i >= 0; i--) {
            Object entry = byPrefix[i].get(name);
            if (entry == null && documented != null) {
                entry = documented[i].get(name);
            }
            if (entry != null) {
                return entry;
            }
        }
        return null;
    }

    private String text(String name) {
        Object entry = entry(name);
        return entry == null ? null : KeyNames.decode(value(entry));
    }

    private static byte[] value(Object entry) {
        return entry instanceof byte[] ? (byte[]) entry : ((KeyCandidates) entry).effective;
    }

    private static boolean sameEntry(Object fresh, Object held) {
        return fresh instanceof byte[] && held instanceof byte[] && Arrays.equals((byte[]) fresh, (byte[]) held);
    }

}
