package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One etcd member for the benchmarks: {@code /usr/bin/etcd} (or {@code ETCD_BINARY}) on free
 * 127.0.0.1 ports with a data dir in a temp dir, deleted on {@link #close()}.
 */
final class LocalEtcd implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final String clientUrl;

    private LocalEtcd(Path dir, Process process, String clientUrl) {
        this.dir = dir;
        this.process = process;
        this.clientUrl = clientUrl;
    }

    static LocalEtcd start() throws Exception {
        String binary = System.getenv().getOrDefault("ETCD_BINARY", "/usr/bin/etcd");
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException(binary + " not found: install Debian's etcd-server (scripts/install-deps.sh)"
                    + " or set ETCD_BINARY");
        }
        Path dir = Files.createTempDirectory("etcdmp-bench-");
        int clientPort = freePort();
        int peerPort = freePort();
        String clientUrl = "http://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        Process process = new ProcessBuilder(List.of(binary,
                "--name", "bench",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "bench=" + peerUrl,
                "--log-level", "warn"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile())
                .start();
        LocalEtcd etcd = new LocalEtcd(dir, process, clientUrl);
        Runtime.getRuntime().addShutdownHook(new Thread(etcd::kill, "bench-etcd-reaper"));
        etcd.awaitServing();
        return etcd;
    }

    String clientUrl() {
        return clientUrl;
    }

    long pid() {
        return process.pid();
    }

    /** Freezes the server (SIGSTOP): it keeps its sockets but answers nothing. */
    void pause() throws Exception {
        signal("-STOP");
    }

    void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    private void awaitServing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Client client = Client.builder().endpoints(clientUrl).build()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("etcd exited: " + tail());
                }
                try {
                    client.getKVClient().get(ByteSequence.from("health", StandardCharsets.UTF_8)).get(1, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("etcd at " + clientUrl + " did not answer within 30 s: " + tail());
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("etcd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void kill() {
        if (process.isAlive()) {
            try {
                resume();
            } catch (Exception ignored) {
                // not paused, or already gone
            }
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws IOException {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
