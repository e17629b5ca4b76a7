package io.etcdmp.cli.output;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress line on standard error for work that takes more than a second: nothing for quick work; after
 * one second "{@code <what>... 1 s}", rewritten each second on a terminal, a line every 5 s elsewhere.
 */
public final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final String what;
    private final boolean terminal;
    private final ScheduledExecutorService timer;
    private final AtomicInteger seconds = new AtomicInteger();
    private volatile String detail = "";

    Progress(PrintWriter err, String what, boolean terminal) {
        this.err = err;
        this.what = what;
        this.terminal = terminal;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcdmp-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** What the work is at now ("2,000 keys"), shown with the next line. */
    public void detail(String text) {
        detail = text;
    }

    private void tick() {
        int s = seconds.incrementAndGet();
        String text = what + "... " + s + " s" + (detail.isEmpty() ? "" : ", " + detail);
        synchronized (err) {
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
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal && seconds.get() > 0) {
            synchronized (err) {
                err.println();
                err.flush();
            }
        }
    }
}
