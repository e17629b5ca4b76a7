package io.etcdmp.internal.registry;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.watch.Backoff;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Function;

/**
 * Runs an attempt (to register, or to delete a record) on one of the connection's worker threads, again with backoff after each
 * failure until one succeeds: at most one attempt waiting at a time, none once {@link #stop()} was called.
 * Backoff: 200 ms doubling up to half the TTL (at most 5 s), so an attempt comes within a TTL of etcd's return.
 */
final class RetrySchedule {
    private static final System.Logger LOG = System.getLogger(RetrySchedule.class.getName());

    /** An attempt; throws when it failed. */
    interface Attempt {
        void run() throws Exception;
    }

    private final EtcdConnection connection;
    /** What is attempted, as a log line starts it: {@code Re-registering /services/orders/a}. */
    private final String what;
    private final Attempt attempt;
    private final Function<Throwable, String> explain;
    private final Backoff backoff;
    private boolean stopped;
    private boolean pending;
    private int failures;

    RetrySchedule(EtcdConnection connection, long ttlSeconds, String what, Attempt attempt, Function<Throwable, String> explain) {
        this.connection = connection;
        this.what = what;
        this.attempt = attempt;
        this.explain = explain;
        long ceiling = Math.min(5000, Math.max(200, ttlSeconds * 1000 / 2));
        this.backoff = new Backoff(Duration.ofMillis(200), Duration.ofMillis(ceiling));
    }

    /** Schedules an attempt now. */
    void now() {
        schedule(Duration.ZERO);
    }

    /** Schedules an attempt after the next backoff delay (the first attempt, made by the caller, failed). */
    void afterFailure() {
        schedule(backoff.next());
    }

    synchronized void stop() {
        stopped = true;
    }

    /** Whether no attempt will be made any more (for tests). */
    synchronized boolean isStopped() {
        return stopped;
    }

    private void schedule(Duration delay) {
        synchronized (this) {
            if (stopped || pending) {
                return;
            }
            pending = true;
        }
        EtcdConnection.unlessClosing(LOG, "Stopped: " + what, () -> connection.runBlocking(this::run, delay.toMillis()));
    }

    private void run() {
        synchronized (this) {
            pending = false;
        }
        try {
            attempt.run();
            backoff.reset();
            failures = 0;
        } catch (Exception e) {
            Duration wait = backoff.next();
            LOG.log(++failures == 1 ? Level.WARNING : Level.DEBUG, what + " failed: " + explain.apply(e)
                    + "; next attempt in " + wait.toMillis() + " ms");
            schedule(wait);
        }
    }
}
