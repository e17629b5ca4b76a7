package io.etcdmp.client;

import io.etcd.jetcd.Client;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One jetcd client per process and settings: the config source and the CDI beans that use equal
 * {@link EtcdSettings} share it. Reference counted; the client is closed with its last user.
 */
public final class EtcdConnections {
    private static final System.Logger LOG = System.getLogger(EtcdConnections.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Map<EtcdSettings, Shared> OPEN = new HashMap<>();

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
        return new EtcdConnection(settings, client, timer, timer::shutdownNow);
    }

    /** How many distinct connections are open now (for tests and diagnostics). */
    public static int openCount() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "etcd-microprofile-timer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    static final class Shared {
        final EtcdSettings settings;
        final Client client;
        final ScheduledExecutorService scheduler;
        int holders;

        Shared(EtcdSettings settings) {
            this.settings = settings;
            this.client = ClientFactory.create(settings);
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
            client.close();
            LOG.log(Level.DEBUG, "Closed etcd connection to {0}", settings.endpointList());
        }
    }
}
