package io.etcdmp.cli.console;

import io.etcdmp.cli.core.Plan;
import io.etcdmp.internal.cli.ToolConnection;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operators logged in ({@code --write}): each session holds its own etcd connection as the etcd user who
 * logged in (etcd's roles decide what it may read and write), a CSRF token every write must carry, and the
 * plan of an upload awaiting apply. A session unused for the timeout is closed; its id is a random 256-bit value
 * kept in an HttpOnly, SameSite=Strict cookie.
 */
final class Sessions implements AutoCloseable {
    static final String COOKIE = "etcdmp_console";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    /** Sweeps unused sessions (closing their etcd client, dropping their password) whether or not anyone logs in. */
    private final java.util.concurrent.ScheduledExecutorService sweeper =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "etcdmp-console-sessions");
                t.setDaemon(true);
                return t;
            });

    /**
     * Closes the ended sessions' etcd clients (a close can block on an unresponsive server): never the sweeper's
     * timer thread nor a request thread. Up to 4 threads, gone when idle.
     */
    private final java.util.Set<Thread> closerThreads = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ThreadPoolExecutor closer = new java.util.concurrent.ThreadPoolExecutor(4, 4, 30,
            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(() -> {
                    try {
                        r.run();
                    } finally {
                        closerThreads.remove(Thread.currentThread());
                    }
                }, "etcdmp-console-session-close");
                t.setDaemon(true);
                closerThreads.add(t);
                return t;
            });
    /** How long {@link #close()} waits for the etcd clients' closes before it interrupts them. */
    static final long CLOSE_WAIT_MILLIS = 5_000;
    private boolean closed;

    Sessions(long timeoutNanos) {
        closer.allowCoreThreadTimeOut(true);
        this.timeoutNanos = timeoutNanos;
        long every = Math.max(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(250), Math.min(timeoutNanos / 2,
                java.util.concurrent.TimeUnit.SECONDS.toNanos(30)));
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A logged-in operator. */
    static final class Session {
        private final String id;
        private final String user;
        private final ToolConnection etcd;
        private final String csrf;
        /** Closes the session's etcd client (tests: one that blocks). */
        private final AutoCloseable closer;
        private volatile long lastUsed;
        private volatile Plan staged;

        Session(String id, String user, ToolConnection etcd, String csrf, AutoCloseable closer) {
            this.id = id;
            this.user = user;
            this.etcd = etcd;
            this.csrf = csrf;
            this.closer = closer;
            this.lastUsed = System.nanoTime();
        }

        String id() {
            return id;
        }

        String user() {
            return user;
        }

        ToolConnection etcd() {
            return etcd;
        }

        String csrf() {
            return csrf;
        }

        Plan staged() {
            return staged;
        }

        void stage(Plan plan) {
            staged = plan;
        }

        /** True when {@code token} is this session's CSRF token (compared in constant time). */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Session[" + LoginLimits.shown(user) + "]"; // never the id, token or password
        }
    }

    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    Session open(String user, ToolConnection etcd) {
        return open(user, etcd, etcd::close);
    }

    /**
     * A session whose end runs {@code closer} (instead of closing {@code etcd}).
     *
     * @throws IllegalStateException when the console is stopping (the caller keeps {@code etcd} and closes it)
     */
    Session open(String user, ToolConnection etcd, AutoCloseable closer) {
        sweep();
        Session s = new Session(token(), user, etcd, token(), closer);
        synchronized (this) { // close() ends every session put here before it
            if (closed) {
                throw new IllegalStateException("The console is stopping: log in again once it is started");
            }
            byId.put(s.id(), s);
        }
        return s;
    }

    /** The live session of {@code id}; an expired one is closed and forgotten. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        if (now - s.lastUsed > timeoutNanos) {
            end(s);
            return Optional.empty();
        }
        s.lastUsed = now;
        return Optional.of(s);
    }

    /** Forgets the session at once and closes its etcd client on the closer's threads (never on the caller's). */
    void end(Session s) {
        if (byId.remove(s.id(), s)) {
            try {
                closer.execute(() -> closeClient(s));
            } catch (java.util.concurrent.RejectedExecutionException e) { // stopped: close() gave up waiting for closes
                System.getLogger(Sessions.class.getName()).log(System.Logger.Level.DEBUG, "Not closing the etcd client of "
                        + s + ": the console has stopped");
            }
        }
    }

    private static void closeClient(Session s) {
        try {
            s.closer.close();
        } catch (Exception e) {
            System.getLogger(Sessions.class.getName()).log(System.Logger.Level.DEBUG, "Closing the etcd client of " + s
                    + " failed", e);
        }
    }

    /** Ends the sessions unused for the timeout (on the sweeper's own thread, or at a login); never blocks. */
    void sweep() {
        long now = System.nanoTime();
        List<Session> old = new ArrayList<>();
        byId.values().forEach(s -> {
            if (now - s.lastUsed > timeoutNanos) {
                old.add(s);
            }
        });
        old.forEach(this::end);
    }

    /** How many sessions are open (tests). */
    int size() {
        return byId.size();
    }

    /**
     * Ends every session: their closes go to the closer's threads, waited for up to {@link #CLOSE_WAIT_MILLIS}, then
     * interrupted (a close that never returns does not hold up the console's stop, and no closer thread is left that
     * answers an interrupt). Later logins are refused.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        sweeper.shutdownNow();
        new ArrayList<>(byId.values()).forEach(this::end);
        closer.shutdown();
        try {
            if (!closer.awaitTermination(CLOSE_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                System.getLogger(Sessions.class.getName()).log(System.Logger.Level.WARNING, "Closing the sessions' etcd "
                        + "clients took over " + CLOSE_WAIT_MILLIS + " ms: interrupted");
                closer.shutdownNow();
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
            for (Thread t : List.copyOf(closerThreads)) {
                t.join(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            closer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
