package io.etcdmp.cli.output;

import java.io.PrintWriter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress line on standard error for work that takes more than a second: nothing for quick work; after
 * one second "{@code <what>... 1 s}", rewritten each second on a terminal, a line every 5 s elsewhere.
 * The ticks run on one daemon thread shared by every progress line (a thread per line cost ~0.3 ms a command).
 */
public final class Progress implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final PrintWriter err;
    private final String what;
    private final boolean terminal;
    private final ScheduledFuture<?> ticks;
    private final AtomicInteger seconds = new AtomicInteger();
    private volatile String detail = "";
    /** Guarded by {@code err}: no line is printed once {@link #close} returned. */
    private boolean closed;

    Progress(PrintWriter err, String what, boolean terminal) {
        this.err = err;
        this.what = what;
        this.terminal = terminal;
        this.ticks = TIMER.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "etcdmp-progress");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** What the work is at now ("2,000 keys"), shown with the next line. */
    public void detail(String text) {
        detail = text;
    }

    private void tick() {
        synchronized (err) {
            if (closed) {
                return;
            }
            int s = seconds.incrementAndGet();
            String text = what + "... " + s + " s" + (detail.isEmpty() ? "" : ", " + detail);
            if (terminal) {
                err.print("\r" + text + "   ");
                err.flush();
            } else if (s == 1 || s % 5 == 0) {
                err.println(text);
                err.flush();
            }
        }
    }

    @Override
    public void close() {
        ticks.cancel(false);
        synchronized (err) {
            closed = true;
            if (terminal && seconds.get() > 0) {
                err.println();
                err.flush();
            }
        }
    }
}
