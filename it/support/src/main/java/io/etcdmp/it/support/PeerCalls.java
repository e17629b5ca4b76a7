package io.etcdmp.it.support;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls through the application's {@code GET /api/peer} (its Rest Client, by name) and what the called services
 * received, for the contract's tests of calls by name.
 */
final class PeerCalls {
    private final PeerServices peers;
    private final URI peer;
    private final Duration window;

    PeerCalls(PeerServices peers, URI peer, Duration window) {
        this.peers = peers;
        this.peer = peer;
        this.window = window;
    }

    /** The application's answer to {@code GET /api/peer}, which calls {@code /hello} by name; it must be 200. */
    String call() {
        Http.Response r = Http.get(peer);
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    /** Calls until the window has passed since {@code start}; how many calls. */
    int callFor(long start) {
        int sent = 0;
        while (System.nanoTime() - start < window.toNanos()) {
            call();
            sent++;
        }
        return sent;
    }

    /** How many of {@code calls} calls did not answer 200. */
    int failuresOf(int calls) {
        int failed = 0;
        for (int i = 0; i < calls; i++) {
            if (Http.get(peer).status() != 200) {
                failed++;
            }
        }
        return failed;
    }

    /** When the last call reached {@code instance} after {@code start}, for the timings. */
    String lastCall(String instance, long start, int sent) {
        long last = peers.called(instance).lastReceivedNanos() - start;
        return (last < 0 ? "none" : RuntimeUnderTest.millis(last)) + " (" + sent + " calls in the first "
                + window.toMillis() + " ms)";
    }

    /** The next calls all go to {@code to}, and {@code notTo} receives none of them. */
    void assertOnlyCalled(String to, String notTo) {
        int before = peers.called(notTo).received();
        for (int i = 0; i < 6; i++) {
            String answer = call();
            assertTrue(answer.startsWith(to + " "), "answered by " + to + ": " + answer);
        }
        assertEquals(before, peers.called(notTo).received(), notTo + " received no further calls");
    }
}
