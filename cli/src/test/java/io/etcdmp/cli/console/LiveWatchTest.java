package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console's one watch per root survives etcd going away and compaction without multiplying or looping. */
@Timeout(120)
class LiveWatchTest {
    static final List<String> ROOTS = List.of("/config/", "/services/", ChangeRecords.DEFAULT_PREFIX);

    static long put(ToolConnection c, String key, String value) throws Exception {
        return c.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(value, StandardCharsets.UTF_8)).get().getHeader().getRevision();
    }

    @Test
    void anEtcdRestartLeavesExactlyOneWatchPerRoot() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.builder().start()) {
            Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "5s");
            try (ToolConnection c = ToolConnection.open(settings); Live live = new Live(c, ROOTS)) {
                live.start();
                long first = put(c, "/config/a/x", "1");
                await().atMost(Duration.ofSeconds(10)).until(() -> live.seen() >= first);
                for (int round = 0; round < 2; round++) {
                    int failuresBefore = live.failures();
                    etcd.stop(0);
                    await().atMost(Duration.ofSeconds(30)).until(() -> live.failures() > failuresBefore);
                    etcd.start(0);
                    etcd.awaitHealthy(Duration.ofSeconds(30));
                    long after = put(c, "/config/a/y", Integer.toString(round));
                    await().atMost(Duration.ofSeconds(30)).until(() -> live.seen() >= after);
                    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> live.watches() == ROOTS.size());
                }
            }
        }
    }

    @Test
    void aCompactedStartRevisionContinuesFromTheCurrentOneInsteadOfRetryingForever() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.builder().start()) {
            Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "5s");
            try (ToolConnection c = ToolConnection.open(settings); Live live = new Live(c, ROOTS)) {
                live.start();
                long seen = put(c, "/config/a/x", "1");
                await().atMost(Duration.ofSeconds(10)).until(() -> live.seen() >= seen);
                long last = 0;
                for (int i = 0; i < 5; i++) { // revisions the console does not watch, then compacted away
                    last = put(c, "/elsewhere/k", Integer.toString(i));
                }
                etcd.ctl().compact(last);
                live.watch("/config/", 2); // as after an interruption: from a revision etcd no longer has
                await().atMost(Duration.ofSeconds(10)).until(() -> live.failures() >= 1);
                long later = put(c, "/config/a/z", "2");
                await().atMost(Duration.ofSeconds(10)).until(() -> live.seen() >= later);
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> live.failures() == 1);
            }
        }
    }
    /**
     * Review of console3: a watch that failed before any event was re-watched from "now", so a change committed while
     * the console was cut off from etcd was never announced. The console reaches etcd through a proxy that is cut
     * (the watches fail), a change is committed directly meanwhile, then the proxy lets it through again.
     */
    @Test
    void aWatchFailingBeforeAnyEventResumesFromTheStartRevision() throws Throwable {
        try (EtcdCluster etcd = EtcdCluster.builder().start(); Proxy proxy = new Proxy(URI.create(etcd.endpoint(0)))) {
            Map<String, String> direct = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "5s");
            Map<String, String> proxied = Map.of(ToolConnection.ENDPOINTS, "http://127.0.0.1:" + proxy.port(),
                    ToolConnection.REQUEST_TIMEOUT, "5s");
            try (ToolConnection other = ToolConnection.open(direct); ToolConnection c = ToolConnection.open(proxied);
                 Live live = new Live(c, ROOTS)) {
                live.start();
                assertThat(live.seen()).as("no event yet").isLessThan(other.client().getKVClient().get(
                        ByteSequence.from("/", StandardCharsets.UTF_8)).get().getHeader().getRevision() + 1);
                proxy.cut();
                await().atMost(Duration.ofSeconds(30)).until(() -> live.failures() > 0);
                long rev = put(other, "/config/a/x", "1"); // committed while the console cannot watch
                proxy.resume();
                await().atMost(Duration.ofSeconds(30)).until(() -> live.seen() >= rev);
            }
            proxy.rethrow();
        }
    }

    /** A TCP proxy on a loopback port that can be cut (every connection closed, new ones refused) and resumed. */
    static final class Proxy implements AutoCloseable {
        private final URI target;
        private final int port;
        private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        private volatile ServerSocket listener;

        Proxy(URI target) throws IOException {
            this.target = target;
            this.listener = listen(0);
            this.port = listener.getLocalPort();
        }

        int port() {
            return port;
        }

        private ServerSocket listen(int at) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), at));
            Thread t = new Thread(() -> accept(s), "test-proxy-accept");
            t.setDaemon(true);
            t.start();
            return s;
        }

        private void accept(ServerSocket s) {
            while (!s.isClosed()) {
                try {
                    Socket in = s.accept();
                    Socket out = new Socket(target.getHost(), target.getPort());
                    open.add(in);
                    open.add(out);
                    pump(in, out);
                    pump(out, in);
                } catch (IOException e) {
                    if (!s.isClosed()) {
                        failure.compareAndSet(null, e);
                    }
                }
            }
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException expected) { // the other side or cut() closed it
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "test-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) { // closing
            }
        }

        void cut() throws IOException {
            listener.close();
            open.forEach(Proxy::closeQuietly);
            open.clear();
        }

        void resume() throws IOException {
            listener = listen(port);
        }

        void rethrow() throws Throwable {
            if (failure.get() != null) {
                throw failure.get();
            }
        }

        @Override
        public void close() throws IOException {
            cut();
        }
    }
}
