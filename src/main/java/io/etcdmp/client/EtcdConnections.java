package io.etcdmp.client;

import io.etcd.jetcd.Client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One jetcd client per process and settings: the config source and the CDI beans that use equal
 * {@link EtcdSettings} share it. Reference counted; the client is closed with its last user.
 */
public final class EtcdConnections {
    private static final System.Logger LOG = System.getLogger(EtcdConnections.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final String TIMER_PREFIX = "etcd-microprofile-timer-";
    private static final Map<EtcdSettings, Shared> OPEN = new HashMap<>();
    /** How long closing the last hold waits for jetcd's threads to end. */
    private static final Duration THREADS_END_LIMIT = Duration.ofSeconds(5);

    private EtcdConnections() {
    }

    /** Takes a hold on the connection for these settings, opening it if needed. */
    public static EtcdConnection acquire(EtcdSettings settings) {
        synchronized (OPEN) {
            Shared shared = OPEN.get(settings);
            if (shared == null) {
                shared = new Shared(settings);
                OPEN.put(settings, shared);
            }
            shared.holders++;
            return new EtcdConnection(settings, shared.client, shared.scheduler, shared::release);
        }
    }

    /**
     * Wraps a client the application made itself: closing the connection stops its timer thread but
     * leaves the client to its owner.
     */
    public static EtcdConnection borrow(Client client, EtcdSettings settings) {
        ScheduledExecutorService timer = newTimer();
        return new EtcdConnection(settings, client, timer, () -> {
            timer.shutdownNow();
            awaitTimerEnd(timer);
        });
    }

    /** How many distinct connections are open now (for tests and diagnostics). */
    public static int openCount() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(NettyThreadState.releasedAtEnd(r), TIMER_PREFIX + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /** Waits (bounded) for a timer thread to end, unless called on it. */
    private static void awaitTimerEnd(ScheduledExecutorService timer) {
        if (Thread.currentThread().getName().startsWith(TIMER_PREFIX)) {
            return;
        }
        try {
            if (!timer.awaitTermination(THREADS_END_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.DEBUG, "etcd-microprofile timer still running {0} after close", THREADS_END_LIMIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class Shared {
        final EtcdSettings settings;
        final Client client;
        final ClientThreads threads;
        final ScheduledExecutorService scheduler;
        int holders;

        Shared(EtcdSettings settings) {
            this.settings = settings;
            this.threads = new ClientThreads();
            try {
                this.client = ClientFactory.create(settings, threads);
            } catch (RuntimeException e) {
                threads.abandon();
                throw e;
            }
            this.scheduler = newTimer();
            LOG.log(Level.DEBUG, "Opened etcd connection to {0}", settings.endpointList());
        }

        void release() {
            synchronized (OPEN) {
                if (--holders > 0) {
                    return;
                }
                OPEN.remove(settings, this);
            }
            scheduler.shutdownNow();
            threads.close(client, THREADS_END_LIMIT);
            awaitTimerEnd(scheduler);
            NettyFinalizerClasses.load();
            LOG.log(Level.DEBUG, "Closed etcd connection to {0}", settings.endpointList());
        }
    }
}
