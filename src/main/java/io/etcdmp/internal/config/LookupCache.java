package io.etcdmp.internal.config;

import java.util.Collection;

/**
 * The looked-up values of the properties looked up so far (see {@link ConfigSnapshot#lookup}): a small
 * open-addressing table of (name, form) pairs, replaced whole on every change and read without locks.
 * Lookups are the hot path of every {@code Config.getValue}, so {@link #get} is kept tiny (the JIT
 * inlines it into the config implementation's loop over its sources); changes are rare (a property's
 * first lookup, a property changing in etcd) and copy the table. It holds at most {@link #CAPACITY}
 * properties: beyond that, forms are made on each lookup rather than kept.
 */
final class LookupCache {
    static final int CAPACITY = 4096;
    private static final Object[] EMPTY = new Object[32]; // 16 slots of (name, form)

    private volatile Object[] table = EMPTY;
    private int size;

    /** The form kept for {@code name}, or null. */
    Object get(String name) {
        Object[] t = table;
        int mask = (t.length >> 1) - 1;
        for (int i = name.hashCode() & mask; ; i = (i + 1) & mask) {
            Object key = t[i << 1];
            if (key == null) {
                return null;
            }
            if (key == name || key.equals(name)) {
                return t[(i << 1) + 1];
            }
        }
    }

    /** Keeps {@code form} for {@code name} (replacing any) unless the table is full; returns {@code form}. */
    synchronized Object put(String name, Object form) {
        Object[] t = table;
        boolean present = get(name) != null;
        if (!present && size >= CAPACITY) {
            return form;
        }
        int slots = t.length >> 1;
        int needed = present ? size : size + 1;
        while (needed * 2 > slots) { // at most half full: probes stay short
            slots <<= 1;
        }
        Object[] next = new Object[slots << 1];
        for (int i = 0; i < t.length; i += 2) {
            if (t[i] != null && !t[i].equals(name)) {
                insert(next, (String) t[i], t[i + 1]);
            }
        }
        insert(next, name, form);
        size = needed;
        table = next;
        return form;
    }

    /** Drops the forms of {@code names}. */
    synchronized void removeAll(Collection<String> names) {
        Object[] t = table;
        int kept = 0;
        boolean any = false;
        for (int i = 0; i < t.length; i += 2) {
            if (t[i] != null) {
                if (names.contains(t[i])) {
                    any = true;
                } else {
                    kept++;
                }
            }
        }
        if (!any) {
            return;
        }
        Object[] next = new Object[t.length];
        for (int i = 0; i < t.length; i += 2) {
            if (t[i] != null && !names.contains(t[i])) {
                insert(next, (String) t[i], t[i + 1]);
            }
        }
        size = kept;
        table = next;
    }

    synchronized void clear() {
        size = 0;
        table = EMPTY;
    }

    synchronized int size() {
        return size;
    }

    private static void insert(Object[] t, String name, Object form) {
        int mask = (t.length >> 1) - 1;
        int i = name.hashCode() & mask;
        while (t[i << 1] != null) {
            i = (i + 1) & mask;
        }
        t[i << 1] = name;
        t[(i << 1) + 1] = form;
    }
}
