package io.etcdmp.internal.client;

import io.etcd.jetcd.Client;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The threads behind one jetcd client that the library makes: its Vert.x instance (event loops, gRPC
 * transport) and its callback executor. jetcd's own {@code close()} only starts their shutdown, and
 * the last steps of Vert.x's close then run on Netty's global executor; in an application server
 * that is after the application's class loader is gone (Payara, Open Liberty: "could not read class
 * io.vertx.core.impl.VertxImpl$2$1"). {@link #close(Client, Duration)} closes the client and waits,
 * bounded, until those threads have ended, and sees that they leave no Netty state for finalizers.
 * (Vert.x 5 exposes its Netty event loop groups only through {@code VertxInternal}.)
 */
final class ClientThreads {
    private static final System.Logger LOG = System.getLogger(ClientThreads.class.getName());
    private static final String EXECUTOR_PREFIX = "jetcd-etcdmp-";

    private final Vertx vertx;
    private final ExecutorService executor;

    ClientThreads() {
        // one event loop carries jetcd's gRPC transport and lease timers: a client needs no more
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setUseDaemonThread(true));
        this.executor = Executors.newCachedThreadPool(EtcdConnections.daemonThreads(EXECUTOR_PREFIX));
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
        // Vert.x's event loops are Netty threads that do not free their buffer caches when they end; left
        // to finalizers, the freeing runs after the class loader is gone (Open Liberty: "could not read class
        // io.netty.buffer.FreeChunkEvent"). Free them on each loop as it shuts down.
        VertxInternal internal = (VertxInternal) vertx;
        releaseNettyStateOnShutdown(internal.acceptorEventLoopGroup());
        releaseNettyStateOnShutdown(internal.eventLoopGroup());
        client.close();
        executor.shutdownNow();
        if (Context.isOnVertxThread() || Thread.currentThread().getName().startsWith(EXECUTOR_PREFIX)) {
            return;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        try {
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

    private static void releaseNettyStateOnShutdown(EventLoopGroup loops) {
        for (EventExecutor loop : loops) {
            if (loop instanceof SingleThreadEventExecutor singleThread) {
                singleThread.addShutdownHook(FastThreadLocal::removeAll);
            }
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
