package io.etcdmp.cli.console;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Limits failed logins per client address and per etcd user name: after {@link #FAILURES} failures within
 * {@link #WINDOW_NANOS} (one minute) the address or user is blocked (the console answers 429 with Retry-After without
 * asking etcd) for 30 s, doubled at every further block up to 15 minutes. A login reserves its attempt
 * ({@link #begin}) before etcd is asked: the logins in flight count against the limit, so a burst of concurrent
 * logins reaches etcd at most {@link #FAILURES} times; failures that end while a block runs do not extend it. A
 * successful login resets the user's count, not the address's (one address cannot spray many users by logging in
 * as its own in between). At most {@link #MAX_ENTRIES} addresses and users are remembered: when full, the ones gone
 * quiet are forgotten first, then the least recently seen one neither blocked nor in flight; when none is, a new
 * name is not recorded and its login is refused (a flood of new names does not lift a block). It never sees a
 * password. Time from {@code System.nanoTime()}.
 */
final class LoginLimits {
    static final int FAILURES = 5;
    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final long FIRST_BLOCK_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long MAX_BLOCK_NANOS = TimeUnit.MINUTES.toNanos(15);
    static final int MAX_ENTRIES = 10_000;
    /** The longest etcd user name the console asks etcd about (a longer one is refused with 400, never remembered). */
    static final int MAX_USER_CHARS = 256;
    /** How long a login waits when the attempts in flight already reach the limit (they end within a request timeout). */
    static final long BUSY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");
    private static final int SHOWN_CHARS = 64;

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
        int inFlight;
    }

    LoginLimits() {
        this(System::nanoTime);
    }

    LoginLimits(LongSupplier clock) {
        this.clock = clock;
        this.lastPurge = clock.getAsLong();
    }

    /**
     * A user name as logs and pages show it: control characters and line or paragraph separators (U+0085, U+2028,
     * U+2029) replaced by {@code ?}, cut to 64 characters.
     */
    static String shown(String user) {
        String s = UNPRINTABLE.matcher(user).replaceAll("?");
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "…(" + s.length() + " characters)";
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
     * Reserves a login attempt before etcd is asked; every reserved attempt ends with {@link #failed},
     * {@link #succeeded} or {@link #abandoned}.
     *
     * @return 0 when reserved; else the nanoseconds to wait (blocked, the attempts in flight reach the limit, or no
     * room to remember a new name)
     */
    synchronized long begin(String address, String user) {
        long now = clock.getAsLong();
        Entry a = current("a " + address, now);
        Entry u = current("u " + user, now);
        long wait = Math.max(left(a, now), left(u, now));
        if (wait > 0) {
            return wait;
        }
        if (full(a) || full(u)) {
            return BUSY_NANOS;
        }
        if (a != null) {
            a.inFlight++; // held: not evicted while room is made for the other
        }
        if (u != null) {
            u.inFlight++;
        }
        Entry na = a != null ? a : create("a " + address, now);
        Entry nu = u != null ? u : na == null ? null : create("u " + user, now);
        if (na == null || nu == null) { // full of blocked names or names in flight: the new one is not recorded
            if (a != null) {
                a.inFlight--;
            } else if (na != null) {
                entries.remove("a " + address);
            }
            if (u != null) {
                u.inFlight--;
            }
            return FIRST_BLOCK_NANOS;
        }
        if (a == null) {
            na.inFlight++;
        }
        if (u == null) {
            nu.inFlight++;
        }
        na.last = now;
        nu.last = now;
        return 0;
    }

    /** The entry of {@code key} with its window rolled on; null when none or gone quiet (then forgotten). */
    private Entry current(String key, long now) {
        Entry e = entries.get(key);
        if (e != null && quiet(e, now)) { // the backoff starts over
            entries.remove(key);
            return null;
        }
        if (e != null && (now - e.windowStart > WINDOW_NANOS || e.blocks > 0 && now - e.blockedUntil >= 0
                && e.failures >= FAILURES)) {
            e.windowStart = now; // a new minute, or the first attempt after a block ended
            e.failures = 0;
        }
        return e;
    }

    private static boolean full(Entry e) {
        return e != null && e.failures + e.inFlight >= FAILURES;
    }

    /**
     * Ends an attempt etcd refused (wrong user or password) and counts it.
     *
     * @return the block (nanoseconds) this failure started for the address or the user, 0 when none
     */
    synchronized long failed(String address, String user) {
        long now = clock.getAsLong();
        return Math.max(count("a " + address, now), count("u " + user, now));
    }

    private long count(String key, long now) {
        Entry e = current(key, now);
        if (e == null) {
            e = create(key, now);
            if (e == null) {
                return 0;
            }
        }
        e.inFlight = Math.max(0, e.inFlight - 1);
        e.last = now;
        if (e.blocks > 0 && now - e.blockedUntil < 0) { // a late failure of a burst: the block runs as it was
            return 0;
        }
        if (++e.failures < FAILURES) {
            return 0;
        }
        long block = e.blocks >= 5 ? MAX_BLOCK_NANOS : Math.min(MAX_BLOCK_NANOS, FIRST_BLOCK_NANOS << e.blocks);
        e.blocks++;
        e.blockedUntil = now + block;
        return block;
    }

    /** A successful login: forgets the user's failures; the address's stay counted (its attempt ends). */
    synchronized void succeeded(String address, String user) {
        release("a " + address);
        Entry u = entries.get("u " + user);
        if (u != null) {
            entries.remove("u " + user);
            if (u.inFlight > 1) { // the user's other logins in flight stay counted
                Entry fresh = new Entry();
                fresh.windowStart = clock.getAsLong();
                fresh.last = fresh.windowStart;
                fresh.inFlight = u.inFlight - 1;
                entries.put("u " + user, fresh);
            }
        }
    }

    /** Ends an attempt that did not reach a verdict (etcd unreachable): counted neither way. */
    synchronized void abandoned(String address, String user) {
        release("a " + address);
        release("u " + user);
    }

    private void release(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            e.inFlight = Math.max(0, e.inFlight - 1);
        }
    }

    /** A new entry for {@code key}, or null when there is no room (every one blocked or in flight). */
    private Entry create(String key, long now) {
        if (!makeRoom(now)) {
            return null;
        }
        Entry e = new Entry();
        e.windowStart = now;
        e.last = now;
        entries.put(key, e);
        return e;
    }

    /** Forgets the entries gone quiet; when none was, the least recently seen one neither blocked nor in flight. */
    private boolean makeRoom(long now) {
        if (entries.size() < MAX_ENTRIES) {
            return true;
        }
        if (now - lastPurge > TimeUnit.SECONDS.toNanos(1)) { // a whole pass at most once a second (a flood stays cheap)
            lastPurge = now;
            entries.values().removeIf(e -> quiet(e, now));
        }
        if (entries.size() < MAX_ENTRIES) {
            return true;
        }
        for (Iterator<Map.Entry<String, Entry>> i = entries.entrySet().iterator(); i.hasNext(); ) {
            Entry e = i.next().getValue();
            if (e.inFlight == 0 && (e.blocks == 0 || now - e.blockedUntil >= 0)) {
                i.remove();
                return true;
            }
        }
        return false; // never a block: the new name is not recorded
    }

    /** Not in flight, not blocked, and quiet for the window (never blocked) or for the longest block (the backoff then starts over). */
    private static boolean quiet(Entry e, long now) {
        if (e.inFlight > 0 || e.blocks > 0 && now - e.blockedUntil < 0) {
            return false;
        }
        return now - e.last > (e.blocks == 0 ? WINDOW_NANOS : MAX_BLOCK_NANOS);
    }

    /** How many addresses and users are remembered (tests). */
    synchronized int size() {
        return entries.size();
    }
}
