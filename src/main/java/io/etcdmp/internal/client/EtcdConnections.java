package io.etcdmp.internal.client;

import io.etcd.jetcd.Client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
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
    private static final String EVENTS_PREFIX = "etcd-microprofile-events-";
    private static final String WORKER_PREFIX = "etcd-microprofile-io-";
    /** An idle event or worker thread ends after this long; the next task starts a new one. */
    private static final long IDLE_SECONDS = 10;
    /** Blocking tasks (re-reads, registrations) that may run at once on one connection. */
    private static final int WORKERS = 4;
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
            return new EtcdConnection(settings, shared.client, shared.scheduler, shared.events, shared.workers, shared::release);
        }
    }

    /**
     * Wraps a client the application made itself: closing the connection stops its timer thread but
     * leaves the client to its owner.
     */
    public static EtcdConnection borrow(Client client, EtcdSettings settings) {
        ScheduledExecutorService timer = newTimer();
        ExecutorService events = newEventThread();
        ExecutorService workers = newWorkers();
        return new EtcdConnection(settings, client, timer, events, workers, () -> endThreads(timer, events, workers));
    }

    /** How many distinct connections are open now (for tests and diagnostics). */
    public static int openCount() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemonThreads(TIMER_PREFIX));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /**
     * One thread, started when there is an event to deliver and ended after 10 s without one: listeners
     * get events in order, and a slow listener delays only later events, never the timer's re-reads and
     * lease keep-alives.
     */
    private static ExecutorService newEventThread() {
        return new ThreadPoolExecutor(0, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads(EVENTS_PREFIX));
    }

    /**
     * Up to four threads for work that waits on etcd (re-reading a prefix, registering, restoring a
     * record), started on demand and ended after 10 s idle: the timer thread only schedules and sends
     * lease keep-alives, so a slow read never delays a keep-alive past its lease's TTL.
     */
    private static ExecutorService newWorkers() {
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads(WORKER_PREFIX));
        workers.allowCoreThreadTimeOut(true);
        return workers;
    }

    /** The library's threads: daemon, named {@code <prefix>N}, releasing Netty's thread-locals when they end. */
    static ThreadFactory daemonThreads(String prefix) {
        return r -> {
            Thread t = new Thread(NettyThreadState.releasedAtEnd(r), prefix + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void endThreads(ScheduledExecutorService timer, ExecutorService events, ExecutorService workers) {
        timer.shutdownNow();
        events.shutdownNow();
        workers.shutdownNow();
        awaitEnd(timer, TIMER_PREFIX);
        awaitEnd(events, EVENTS_PREFIX);
        awaitEnd(workers, WORKER_PREFIX);
    }

    /** Waits (bounded) for an executor's thread to end, unless called on it (a listener closing its own app). */
    private static void awaitEnd(ExecutorService executor, String threadPrefix) {
        if (Thread.currentThread().getName().startsWith(threadPrefix)) {
            return;
        }
        try {
            if (!executor.awaitTermination(THREADS_END_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.DEBUG, "etcd-microprofile {0}thread still running {1} after close", threadPrefix, THREADS_END_LIMIT);
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
        final ExecutorService events;
        final ExecutorService workers;
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
            this.events = newEventThread();
            this.workers = newWorkers();
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
            events.shutdownNow();
            workers.shutdownNow();
            threads.close(client, THREADS_END_LIMIT);
            endThreads(scheduler, events, workers);
            NettyFinalizerClasses.load();
            LOG.log(Level.DEBUG, "Closed etcd connection to {0}", settings.endpointList());
        }
    }
}
