package io.etcdmp.internal.config;

import io.etcdmp.internal.client.EtcdConnection;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Writes the cache file ({@link CacheFile}) after changes: at most one write per {@link #MIN_INTERVAL}
 * (a burst of changes makes one write with the last state), and no more often than every 20 times the
 * last write took (so writing takes at most ~5 % of a core on a slow or busy machine), on the connection's
 * worker threads (never on its timer), and at close. A write that fails is logged once, with the file and the reason, until a
 * write succeeds again; the source keeps serving meanwhile.
 */
final class CacheWriter {
    static final Duration MIN_INTERVAL = Duration.ofMillis(200);
    private static final System.Logger LOG = System.getLogger(CacheWriter.class.getName());

    private final Path file;
    private final Supplier<CacheFile.Content> content;
    private final Object lock = new Object();
    private final Object fileLock = new Object();
    private boolean dirty;
    private boolean scheduled;
    private final LongSupplier clock;
    private long lastWriteNanos;
    /** Pause after the last write: {@link #MIN_INTERVAL}, or 20 times what that write took if longer. */
    private long pauseNanos = MIN_INTERVAL.toNanos();
    private boolean failing;
    private boolean leftoversRemoved;
    /** After the source's close: late scheduled writes do nothing until {@link #resume()}. */
    private boolean stopped;
    /** Counts stops: a write scheduled before one (its connection may have dropped it) no longer counts as scheduled. */
    private int epoch;
    private int scheduledIn;

    CacheWriter(Path file, Supplier<CacheFile.Content> content) {
        this(file, content, System::nanoTime);
    }

    /** {@code nanoClock}: {@link System#nanoTime()}, or a test's clock for the pacing. */
    CacheWriter(Path file, Supplier<CacheFile.Content> content, LongSupplier nanoClock) {
        this.file = file;
        this.content = content;
        this.clock = nanoClock;
        this.lastWriteNanos = nanoClock.getAsLong() - MIN_INTERVAL.toNanos();
    }

    Path file() {
        return file;
    }

    /** Something changed: a write follows within {@link #MIN_INTERVAL} of the last one. Quick; takes no lock of the caller's. */
    void changed(EtcdConnection connection) {
        long delayMillis;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            dirty = true;
            if (scheduled) {
                return;
            }
            scheduled = true;
            delayMillis = Math.max(0, (lastWriteNanos + pauseNanos - clock.getAsLong()) / 1_000_000);
            scheduledIn = epoch;
        }
        int in = scheduledIn;
        if (!EtcdConnection.unlessClosing(LOG, "Cache file write not scheduled",
                () -> connection.runBlocking(() -> writeIfChanged(in), delayMillis))) {
            synchronized (lock) {
                if (in == epoch) {
                    scheduled = false; // the close writes what is left
                }
            }
        }
    }

    private void writeIfChanged(int scheduledEpoch) {
        synchronized (lock) {
            if (scheduledEpoch != epoch) {
                return; // from before a stop: the write scheduled since (if any) is another
            }
            scheduled = false;
            if (!dirty || stopped) {
                return;
            }
            dirty = false;
            lastWriteNanos = clock.getAsLong();
        }
        write();
    }

    /** The source starts again: changes are written again. */
    void resume() {
        synchronized (lock) {
            stopped = false;
        }
    }

    /**
     * The source closes: writes now, on the closing thread, if {@code flush} and a change is not yet on
     * disk; no write happens after this until {@link #resume()}.
     */
    void stop(boolean flush) {
        synchronized (lock) {
            boolean pending = dirty;
            dirty = false;
            stopped = true;
            // the connection closing with the source may drop the queued write: it must not block the next one
            scheduled = false;
            epoch++;
            if (!flush || !pending) {
                return;
            }
            lastWriteNanos = clock.getAsLong();
        }
        write();
    }

    private void write() {
        synchronized (fileLock) {
            long started = clock.getAsLong();
            try {
                if (!leftoversRemoved) {
                    CacheFile.removeLeftovers(file);
                    leftoversRemoved = true;
                }
                CacheFile.Content now = content.get();
                CacheFile.write(file, CacheFile.encode(now));
                if (failing) {
                    LOG.log(Level.INFO, "Config cache file {0} written again (revision {1})", file, now.revision());
                }
                failing = false;
            } catch (IOException | RuntimeException e) {
                LOG.log(failing ? Level.DEBUG : Level.WARNING, "Cannot write the config cache file {0} ({1}: {2}); the "
                        + "configuration keeps being served, and the file is written again at the next change",
                        file, e.getClass().getSimpleName(), e.getMessage());
                failing = true;
            }
            long took = clock.getAsLong() - started;
            synchronized (lock) {
                pauseNanos = Math.max(MIN_INTERVAL.toNanos(), 20 * took);
            }
        }
    }
}
