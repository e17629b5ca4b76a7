package io.etcdmp.config;

import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What happens when etcd cannot be read at start, with etcd.config.optional false and true. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartupWithoutEtcdTest {

    @Test
    void requiredSourceFailsStartWithClearErrorNamingTheEndpoints() throws Exception {
        String endpoint = "http://127.0.0.1:" + unusedPort();
        Map<String, String> settings = CdiApp.settings(endpoint, "etcd.request-timeout", "1s", "etcd.connect-timeout", "500ms",
                "etcd.config.start-timeout", "3s");
        long started = System.nanoTime();
        assertThatThrownBy(() -> CdiApp.start(settings).close())
                .satisfies(e -> assertThat(messages(e))
                        .contains("Cannot read configuration from etcd at " + endpoint)
                        .containsPattern("\\d+ attempts within etcd.config.start-timeout=3000ms")
                        .contains("etcd.config.optional=true")
                        .contains("connection refused at 127.0.0.1:" + endpoint.substring(endpoint.lastIndexOf(':') + 1)));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("kept trying for the start timeout, then gave up")
                .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(15));
    }

    @Test
    void theStartTimeoutBoundsTheWholeStartEvenWhenOneReadMayTakeLonger() throws Exception {
        // accepts TCP connections and never answers: every read waits for its whole timeout
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    });
                }
            }, "silent-endpoint");
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, String> settings = CdiApp.settings("http://127.0.0.1:" + silent.getLocalPort(),
                    "etcd.request-timeout", "5s", "etcd.config.start-timeout", "3s");
            long started = System.nanoTime();
            assertThatThrownBy(() -> CdiApp.start(settings).close())
                    .satisfies(e -> assertThat(messages(e)).contains("Cannot read configuration from etcd"));
            // 3 s of reading, the container's own start (~2 s) and closing the client (~2 s: Netty's quiet period);
            // bounded by the request timeout instead, and waited for by each Config build, it took over 15 s
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the whole failed start with etcd.config.start-timeout=3s, "
                    + "though one read may take etcd.request-timeout=5s").isLessThan(Duration.ofSeconds(11));
        }
    }

    @Test
    void requiredSourceWaitsForAnEtcdThatAnswersWithinTheStartTimeout() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/application/early.value", "waited for");
            etcd.stop(0);
            Map<String, String> settings = CdiApp.settings(etcd.endpoints(), "etcd.request-timeout", "1s",
                    "etcd.config.start-timeout", "60s");
            java.util.concurrent.CompletableFuture<CdiApp> starting = java.util.concurrent.CompletableFuture.supplyAsync(() -> CdiApp.start(settings));
            // still trying while etcd is down
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !starting.isDone());
            etcd.start(0);
            try (CdiApp app = starting.get(30, TimeUnit.SECONDS)) {
                assertThat(app.config().getValue("early.value", String.class)).isEqualTo("waited for");
                EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
                await().atMost(Duration.ofSeconds(10)).until(source::isLive);
            }
        }
    }

    @Test
    void optionalSourceStartsEmptyAndPicksUpValuesWithEventsWhenEtcdComesBack() {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/application/late.value", "arrived");
            etcd.stop(0);
            Map<String, String> settings = CdiApp.settings(etcd.endpoints(), "etcd.config.optional", "true",
                    "etcd.request-timeout", "1s");
            try (CdiApp app = CdiApp.start(settings)) {
                EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
                List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
                source.addChangeListener(events::add);
                assertThat(app.config().getOptionalValue("late.value", String.class)).isEmpty();
                assertThat(source.isLive()).isFalse();

                etcd.start(0);

                await().atMost(Duration.ofSeconds(30)).until(() -> "arrived".equals(source.getValue("late.value")));
                assertThat(app.config().getValue("late.value", String.class)).isEqualTo("arrived");
                await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.names().contains("late.value")));
                await().atMost(Duration.ofSeconds(5)).until(source::isLive);
            }
        }
    }

    @Test
    void optionalSourceWithEveryEndpointRefusingStartsWithoutWaitingForTheRequestTimeout() throws Exception {
        String endpoint = "http://127.0.0.1:" + unusedPort();
        // a refused connection is known at once: nothing to wait for. Bounded by half the request timeout, which is
        // what the start took when it waited for it (the container's own start is ~2 s on a loaded machine)
        Map<String, String> settings = CdiApp.settings(endpoint, "etcd.config.optional", "true", "etcd.request-timeout", "20s");
        long started = System.nanoTime();
        try (CdiApp app = CdiApp.start(settings)) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(EtcdConfigSource.of(app.config()).get(0).isLive()).isFalse();
            assertThat(took).as("start with etcd.config.optional=true, every endpoint refusing, etcd.request-timeout=20s")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void requiredSourceWithEveryEndpointRefusingRetriesOnTheDocumentedScheduleWithinTheStartTimeout() throws Exception {
        String endpoint = "http://127.0.0.1:" + unusedPort();
        // retries after 100 ms doubling to 2 s: within 3 s, attempts at ~0, 0.1, 0.3, 0.7 and 1.5 s (the next would be at
        // 3.1 s). A refused attempt takes no time, so at least 4 fit however loaded the machine; waiting for a read
        // bounded by the request timeout (5 s) instead made one attempt
        Map<String, String> settings = CdiApp.settings(endpoint, "etcd.request-timeout", "5s", "etcd.config.start-timeout", "3s");
        assertThatThrownBy(() -> CdiApp.start(settings).close())
                .satisfies(e -> {
                    Matcher attempts = Pattern.compile("\\((\\d+) attempts within etcd.config.start-timeout=3000ms\\)").matcher(messages(e));
                    assertThat(attempts.find()).as("the attempts counted in: " + messages(e)).isTrue();
                    assertThat(Integer.parseInt(attempts.group(1))).as("attempts within the start timeout").isGreaterThanOrEqualTo(4);
                    assertThat(messages(e)).contains("connection refused at 127.0.0.1:" + endpoint.substring(endpoint.lastIndexOf(':') + 1));
                });
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
