package io.etcdmp.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP/1.0 GETs to the server under test (loopback only), each bounded in time and on its own
 * connection, closed after the answer: no pooled keep-alive connection holds server state (an idle
 * connection kept an undeployed application reachable in Open Liberty).
 */
public final class Http {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Http() {
    }

    /** The answer: status and body; status -1 when no answer came (connection refused, timeout). */
    public record Response(int status, String body) {
        public boolean ok() {
            return status == 200;
        }
    }

    public static Response get(URI uri) {
        if (!uri.getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("The tests only call loopback: " + uri);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + " HTTP/1.0\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAccept: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headersEnd = answer.indexOf("\r\n\r\n");
            String statusLine = answer.substring(0, Math.max(0, answer.indexOf("\r\n")));
            String[] parts = statusLine.split(" ");
            if (headersEnd < 0 || parts.length < 2) {
                return new Response(-1, "not an HTTP answer: " + answer);
            }
            return new Response(Integer.parseInt(parts[1]), answer.substring(headersEnd + 4));
        } catch (IOException | NumberFormatException e) {
            return new Response(-1, e.toString());
        }
    }
}
