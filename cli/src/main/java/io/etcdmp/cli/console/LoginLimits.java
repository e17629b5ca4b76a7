package io.etcdmp.cli.console;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Limits failed logins per client address and per etcd user name: after {@link #FAILURES} failures within
 * {@link #WINDOW_NANOS} (one minute) the address or user is blocked (the console answers 429 with Retry-After without
 * asking etcd) for 30 s, doubled at every further block up to 15 minutes; a successful login resets both. At most
 * {@link #MAX_ENTRIES} addresses and users are remembered: when full, the ones gone quiet are forgotten first, then the
 * least recently seen one not blocked (a flood of new names does not lift a block). It never sees a password. Time from {@code System.nanoTime()}.
 */
final class LoginLimits {
    static final int FAILURES = 5;
    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final long FIRST_BLOCK_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long MAX_BLOCK_NANOS = TimeUnit.MINUTES.toNanos(15);
    static final int MAX_ENTRIES = 10_000;

    private final LongSupplier clock;
    /** "a " + address or "u " + user; access order, so the eldest is the least recently seen. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long lastPurge;

    private static final class Entry {
        long windowStart;
        int failures;
        long blockedUntil;
        int blocks;
        long last;
    }

    LoginLimits() {
        this(System::nanoTime);
    }

    LoginLimits(LongSupplier clock) {
        this.clock = clock;
        this.lastPurge = clock.getAsLong();
    }

    /** Nanoseconds until a login by {@code user} from {@code address} may be tried again, 0 when it may now. */
    synchronized long blockedFor(String address, String user) {
        long now = clock.getAsLong();
        return Math.max(0, Math.max(left(entries.get("a " + address), now), left(entries.get("u " + user), now)));
    }

    private static long left(Entry e, long now) {
        return e == null || e.blocks == 0 ? 0 : e.blockedUntil - now;
    }

    /**
     * Counts a failed login (refused by etcd: wrong user or password).
     *
     * @return the block (nanoseconds) this failure started for the address or the user, 0 when none
     */
    synchronized long failed(String address, String user) {
        long now = clock.getAsLong();
        return Math.max(count("a " + address, now), count("u " + user, now));
    }

    private long count(String key, long now) {
        Entry e = entries.get(key);
        if (e != null && quiet(e, now)) { // the backoff starts over
            entries.remove(key);
            e = null;
        }
        if (e == null) {
            makeRoom(now);
            e = new Entry();
            e.windowStart = now;
            entries.put(key, e);
        }
        e.last = now;
        if (now - e.windowStart > WINDOW_NANOS || e.blocks > 0 && now - e.blockedUntil >= 0 && e.failures >= FAILURES) {
            e.windowStart = now; // a new minute, or the first failure after a block ended
            e.failures = 0;
        }
        if (++e.failures < FAILURES) {
            return 0;
        }
        long block = e.blocks >= 5 ? MAX_BLOCK_NANOS : Math.min(MAX_BLOCK_NANOS, FIRST_BLOCK_NANOS << e.blocks);
        e.blocks++;
        e.blockedUntil = now + block;
        return block;
    }

    /** A successful login: forgets the failures of the address and the user. */
    synchronized void succeeded(String address, String user) {
        entries.remove("a " + address);
        entries.remove("u " + user);
    }

    /** Forgets the entries gone quiet; when none was, the least recently seen one. */
    private void makeRoom(long now) {
        if (entries.size() < MAX_ENTRIES) {
            return;
        }
        if (now - lastPurge > TimeUnit.SECONDS.toNanos(1)) { // a whole pass at most once a second (a flood stays cheap)
            lastPurge = now;
            for (Iterator<Entry> i = entries.values().iterator(); i.hasNext(); ) {
                if (quiet(i.next(), now)) {
                    i.remove();
                }
            }
        }
        if (entries.size() >= MAX_ENTRIES) { // the least recently seen one not blocked; when all are, the eldest
            Iterator<Map.Entry<String, Entry>> i = entries.entrySet().iterator();
            while (i.hasNext()) {
                Entry e = i.next().getValue();
                if (e.blocks == 0 || now - e.blockedUntil >= 0) {
                    i.remove();
                    return;
                }
            }
            i = entries.entrySet().iterator();
            i.next();
            i.remove();
        }
    }

    /** Not blocked, and quiet for the window (never blocked) or for the longest block (the backoff then starts over). */
    private static boolean quiet(Entry e, long now) {
        if (e.blocks > 0 && now - e.blockedUntil < 0) {
            return false;
        }
        return now - e.last > (e.blocks == 0 ? WINDOW_NANOS : MAX_BLOCK_NANOS);
    }

    /** How many addresses and users are remembered (tests). */
    synchronized int size() {
        return entries.size();
    }
}
