package io.etcdmp.restclient;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A called service for the tests: the JDK's HTTP server on 127.0.0.1, answering every request with
 * {@code <name> <path>?<query>} (or the status set by {@link #failWith}) and remembering what it got.
 */
final class StubService implements AutoCloseable {
    final String name;
    private final HttpServer server;
    private final ExecutorService threads;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile int failWith;

    StubService(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads = Executors.newFixedThreadPool(4, r -> new Thread(r, "stub-" + name));
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            received.add(target);
            int status = failWith == 0 ? 200 : failWith;
            byte[] body = (name + " " + target).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Answers every request with {@code status} from now on (0: 200 again). */
    void failWith(int status) {
        this.failWith = status;
    }

    List<String> received() {
        return received;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
