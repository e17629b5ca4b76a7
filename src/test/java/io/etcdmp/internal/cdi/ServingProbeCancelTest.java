package io.etcdmp.internal.cdi;

import io.etcdmp.registry.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application stops while the serving probe waits for an answer from a server that accepted its connection
 * but does not answer (a runtime holding requests while it deploys, or failing to): {@code cancel()}, called on
 * the runtime's shutdown path, must end the probe at once, not after the probe's 10 s read timeout (the
 * interrupt it sends cannot wake a blocking socket read), and nothing is registered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServingProbeCancelTest {

    @Test
    void cancelEndsAProbeBlockedOnASilentServerAtOnceAndRegistersNothing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicReference<Socket> accepted = new AtomicReference<>();
            CompletableFuture<Void> acceptor = CompletableFuture.runAsync(() -> {
                try {
                    accepted.set(server.accept()); // never answers
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            AtomicBoolean registered = new AtomicBoolean();
            ServingProbe probe = new ServingProbe();
            probe.probeInBackground(() -> List.of("/app"), ServiceInstance.of("orders", "127.0.0.1", server.getLocalPort()),
                    () -> registered.set(true));
            acceptor.get(10, TimeUnit.SECONDS);
            // the request is written, the probe waits in its read
            await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get().getInputStream().available() > 0);

            CompletableFuture<Void> cancel = CompletableFuture.runAsync(probe::cancel);
            await("cancel() returns while the server still holds the connection silent")
                    .atMost(Duration.ofSeconds(5)).until(cancel::isDone);
            cancel.get(); // a failure of the helper thread fails the test
            assertThat(registered).as("registered after cancel").isFalse();
            accepted.get().close();
        }
    }
}
