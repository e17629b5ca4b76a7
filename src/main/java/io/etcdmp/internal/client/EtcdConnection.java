package io.etcdmp.internal.client;

import io.etcd.jetcd.Client;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One user's hold on a shared etcd connection. Closing it gives the hold back; the jetcd client and
 * its threads end when the last hold is given back. Closing twice is harmless.
 */
public final class EtcdConnection implements AutoCloseable {
    private final EtcdSettings settings;
    private final Client client;
    private final ScheduledExecutorService scheduler;
    private final Executor events;
    private final Executor workers;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    EtcdConnection(EtcdSettings settings, Client client, ScheduledExecutorService scheduler, Executor events,
                   Executor workers, Runnable release) {
        this.settings = settings;
        this.client = client;
        this.scheduler = scheduler;
        this.events = events;
        this.workers = workers;
        this.release = release;
    }

    /** The jetcd client; do not close it, close this connection instead. */
    public Client client() {
        return client;
    }

    /**
     * A single named daemon thread for this connection's timers and lease keep-alives; never block on
     * it: work that waits on etcd goes to {@link #runBlocking}.
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Runs {@code task}, which may wait on etcd, on one of the connection's worker threads after
     * {@code delayMillis}. Throws {@link java.util.concurrent.RejectedExecutionException} once the
     * connection is closing.
     */
    public void runBlocking(Runnable task, long delayMillis) {
        if (delayMillis <= 0) {
            workers.execute(task);
        } else {
            scheduler.schedule(() -> {
                try {
                    workers.execute(task);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the connection closed during the delay: nothing is left to do the work for
                }
            }, delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Where listeners and CDI observers are called: one thread per connection, in submission order,
     * separate from {@link #scheduler()} so that a slow listener delays no re-read or keep-alive.
     */
    public Executor events() {
        return events;
    }

    /** The settings used for timeouts and messages (for a borrowed client: the configured ones). */
    public EtcdSettings settings() {
        return settings;
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                release.run();
            } finally {
                // closing the last hold closes jetcd's client on this thread, which may be a server thread that outlives
                // the application (a runtime closing its Config at undeploy): leave no Netty state on it
                NettyThreadState.release();
            }
        }
    }

    @Override
    public String toString() {
        return "EtcdConnection[" + settings.endpointList() + (closed.get() ? ", closed" : "") + "]";
    }

    /**
     * Hands work to one of this connection's executors ({@code submit} calls {@code execute},
     * {@code schedule} or {@link #runBlocking}). Once the connection is closing its executors refuse work:
     * then logs "{@code notDone}: the connection is closing" at DEBUG and returns false.
     */
    public static boolean unlessClosing(System.Logger log, String notDone, Runnable submit) {
        try {
            submit.run();
            return true;
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            log.log(System.Logger.Level.DEBUG, notDone + ": the connection is closing");
            return false;
        }
    }
}
