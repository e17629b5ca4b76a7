package io.etcdmp.internal.watch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: 100 ms doubling up to a ceiling; {@link #reset()} after a success. */
public final class Backoff {
    private final long firstMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(Duration first, Duration max) {
        this.firstMillis = first.toMillis();
        this.maxMillis = max.toMillis();
        this.nextMillis = firstMillis;
    }

    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    /** The delay before the next attempt; each call doubles the following one. */
    public synchronized Duration next() {
        long base = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        long jitter = base / 5 == 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 5);
        return Duration.ofMillis(base + jitter);
    }

    public synchronized void reset() {
        nextMillis = firstMillis;
    }
}
