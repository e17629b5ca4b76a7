package io.etcdmp.client;

import io.etcd.jetcd.Client;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads behind one jetcd client that the library makes: its Vert.x instance (event loops, gRPC
 * transport) and its callback executor. jetcd's own {@code close()} only starts their shutdown, and
 * the last steps of Vert.x's close then run on Netty's global executor; in an application server
 * that is after the application's class loader is gone (Payara, Open Liberty: "could not read class
 * io.vertx.core.impl.VertxImpl$2$1"). {@link #close(Client, Duration)} closes the client and waits,
 * bounded, until those threads have ended.
 */
final class ClientThreads {
    private static final System.Logger LOG = System.getLogger(ClientThreads.class.getName());
    private static final AtomicInteger EXECUTOR_THREADS = new AtomicInteger();
    private static final String EXECUTOR_PREFIX = "jetcd-etcdmp-";

    private final Vertx vertx;
    private final ExecutorService executor;

    ClientThreads() {
        this.vertx = Vertx.vertx(new VertxOptions().setUseDaemonThread(true));
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, EXECUTOR_PREFIX + EXECUTOR_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Vertx vertx() {
        return vertx;
    }

    ExecutorService executor() {
        return executor;
    }

    /**
     * Closes {@code client} (which starts Vert.x's close), then waits up to {@code limit} for the event
     * loops, the executor and Netty's global executor to finish. Does not wait when called on one of
     * those threads (it would wait for itself).
     */
    void close(Client client, Duration limit) {
        client.close();
        executor.shutdownNow();
        if (Context.isOnVertxThread() || Thread.currentThread().getName().startsWith(EXECUTOR_PREFIX)) {
            return;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            // Vert.x 5 exposes its Netty event loop groups only through VertxInternal
            VertxInternal internal = (VertxInternal) vertx;
            boolean ended = internal.acceptorEventLoopGroup().terminationFuture().await(remaining(deadline), TimeUnit.NANOSECONDS)
                    && internal.eventLoopGroup().terminationFuture().await(remaining(deadline), TimeUnit.NANOSECONDS)
                    && executor.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)
                    && GlobalEventExecutor.INSTANCE.awaitInactivity(remaining(deadline), TimeUnit.NANOSECONDS);
            if (!ended) {
                LOG.log(Level.DEBUG, "jetcd's threads were still ending {0} after close", limit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the threads of a client that could not be built. */
    void abandon() {
        vertx.close();
        executor.shutdownNow();
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
