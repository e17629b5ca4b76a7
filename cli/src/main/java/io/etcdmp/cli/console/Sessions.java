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

    Sessions(long timeoutNanos) {
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
        private volatile long lastUsed;
        private volatile Plan staged;

        Session(String id, String user, ToolConnection etcd, String csrf) {
            this.id = id;
            this.user = user;
            this.etcd = etcd;
            this.csrf = csrf;
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
            return "Session[" + user + "]"; // never the id, token or password
        }
    }

    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    Session open(String user, ToolConnection etcd) {
        sweep();
        Session s = new Session(token(), user, etcd, token());
        byId.put(s.id(), s);
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

    void end(Session s) {
        if (byId.remove(s.id(), s)) {
            s.etcd().close();
        }
    }

    /** Closes the sessions unused for the timeout (on the sweeper's own thread, or at a login). */
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

    @Override
    public void close() {
        sweeper.shutdownNow();
        new ArrayList<>(byId.values()).forEach(this::end);
    }
}
