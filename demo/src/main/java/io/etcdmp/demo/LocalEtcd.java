package io.etcdmp.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A throw-away single-member etcd on free loopback ports, for the demo when no etcd is configured. */
final class LocalEtcd implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final String endpoint;

    private LocalEtcd(Process process, Path dir, String endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
    }

    static LocalEtcd start() throws IOException, InterruptedException {
        Path binary = Path.of(System.getProperty("etcd.binary", "/usr/bin/etcd"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("No etcd configured and no etcd server at " + binary
                    + ": install it (apt-get install etcd-server) or set ETCD_ENDPOINTS");
        }
        Path dir = Files.createTempDirectory("etcd-demo-");
        int clientPort = freePort();
        int peerPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        Process process = new ProcessBuilder(List.of(binary.toString(), "--name", "demo", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "demo=" + peer, "--log-level", "error"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        LocalEtcd etcd = new LocalEtcd(process, dir, client);
        Runtime.getRuntime().addShutdownHook(new Thread(etcd::close, "demo-etcd-stop"));
        etcd.awaitPort(clientPort, Duration.ofSeconds(20));
        return etcd;
    }

    String endpoint() {
        return endpoint;
    }

    private void awaitPort(int port, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited at start; see " + dir.resolve("etcd.log"));
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("etcd did not open port " + port + " within " + limit);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
