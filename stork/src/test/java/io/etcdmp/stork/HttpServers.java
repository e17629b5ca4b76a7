package io.etcdmp.stork;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Real HTTP servers on loopback counting the calls they got, and ports that refuse every connection. */
final class HttpServers implements AutoCloseable {
    private final Map<Integer, HttpServer> servers = new HashMap<>();
    private final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** Starts a server answering 200 "ok"; returns its port. */
    int start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger count = new AtomicInteger();
        server.createContext("/", exchange -> {
            count.incrementAndGet();
            byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        servers.put(port, server);
        calls.put(port, count);
        return port;
    }

    /** A loopback port nothing listens on (bound, then released): connecting to it is refused. */
    static int refusing() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int calls(int port) {
        return calls.get(port).get();
    }

    @Override
    public void close() {
        servers.values().forEach(s -> s.stop(0));
    }
}
