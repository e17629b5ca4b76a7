package io.etcdmp.internal.client;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Netty keeps per-thread state (buffer caches and more) in a {@code ThreadLocal} of every thread that
 * touches it, and jetcd's gRPC calls touch it on the thread that makes them. In an application server
 * that is a server thread outliving the application, and the state's classes pin the application's
 * class loader after undeploy (seen in Open Liberty: a "Default Executor" thread kept the whole
 * undeployed application). The library calls {@link #release()} when it is done with a thread it does
 * not own: after its own work at start and stop, and at the end of every request.
 */
public final class NettyThreadState {
    private NettyThreadState() {
    }

    /** {@code task}, then {@link #release()} on the same thread: for the library's own threads, run to their end. */
    static Runnable releasedAtEnd(Runnable task) {
        return () -> {
            try {
                task.run();
            } finally {
                release();
            }
        };
    }

    /** Drops Netty's state from the current thread, unless Netty owns the thread (its event loops keep theirs). */
    public static void release() {
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            FastThreadLocal.removeAll();
        }
    }
}
