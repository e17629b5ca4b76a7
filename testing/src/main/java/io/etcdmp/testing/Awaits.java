package io.etcdmp.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Bounded polling on the calling thread (Awaitility), with a readable failure. */
final class Awaits {

    static final Duration POLL = Duration.ofMillis(50);

    private Awaits() {
    }

    static void until(Duration bound, String what, Callable<Boolean> condition) {
        until(bound, what, condition, () -> "");
    }

    /**
     * Polls {@code condition} every 50 ms for at most {@code bound}. An exception thrown by the
     * condition ends the wait at once and propagates.
     *
     * @throws IllegalStateException on timeout, with {@code diagnostics} appended
     */
    static void until(Duration bound, String what, Callable<Boolean> condition, Supplier<String> diagnostics) {
        try {
            Awaitility.await(what)
                    .atMost(bound)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .pollInSameThread()
                    .until(condition);
        } catch (ConditionTimeoutException e) {
            String extra = diagnostics.get();
            throw new IllegalStateException("timed out after " + bound + " waiting for " + what
                    + (extra.isBlank() ? "" : "\n" + extra), e);
        }
    }
}
