package io.etcdmp.internal.watch;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;

/**
 * Calls queued in order and made one at a time, without a lock held while a call runs: a thread that
 * finds another one making the calls leaves its own to it. Queue under the owner's lock, run after
 * releasing it; the order of queueing is the order of the calls.
 */
final class SerialCalls {
    private static final System.Logger LOG = System.getLogger(SerialCalls.class.getName());

    private final String owner;
    private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
    private boolean running;

    SerialCalls(String owner) {
        this.owner = owner;
    }

    synchronized void add(Runnable call) {
        queued.add(call);
    }

    synchronized void clear() {
        queued.clear();
    }

    /** Makes the queued calls, unless another thread is making them; returns when none is left for this thread. */
    void run() {
        synchronized (this) {
            if (running) {
                return;
            }
            running = true;
        }
        boolean done = false;
        try {
            while (true) {
                Runnable call;
                synchronized (this) {
                    call = queued.poll();
                    if (call == null) {
                        running = false;
                        done = true;
                        return;
                    }
                }
                try {
                    call.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Listener of " + owner + " failed", e);
                }
            }
        } finally {
            if (!done) {
                synchronized (this) {
                    running = false;
                }
            }
        }
    }
}
