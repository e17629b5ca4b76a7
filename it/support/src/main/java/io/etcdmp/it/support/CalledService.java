package io.etcdmp.it.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service the application under test calls by name: the JDK's HTTP server on 127.0.0.1 in the test JVM,
 * answering every GET with {@code <name> <path>} and counting what it received.
 */
public final class CalledService implements AutoCloseable {
    private final String name;
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicInteger received = new AtomicInteger();
    private volatile long lastReceived = Long.MIN_VALUE / 2;

    public CalledService(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the called service " + name, e);
        }
        threads = Executors.newFixedThreadPool(2, r -> new Thread(r, "called-" + name));
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            received.incrementAndGet();
            lastReceived = System.nanoTime();
            byte[] body = (name + " " + exchange.getRequestURI().getRawPath()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests received so far. */
    public int received() {
        return received.get();
    }

    /** {@link System#nanoTime()} when the last request arrived; far in the past when none did. */
    public long lastReceivedNanos() {
        return lastReceived;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
