package io.etcdmp.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Plain HTTP/1.1 GETs to the server under test (loopback only), each bounded in time and on its own
 * connection, closed after the answer: no pooled keep-alive connection holds server state (an idle
 * connection kept an undeployed application reachable in Open Liberty). Bodies are read by
 * Content-Length or chunks (Helidon leaves the connection open after the answer).
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
        return get(uri, TIMEOUT);
    }

    /** A GET whose answer may take up to {@code timeout} (e.g. a measurement the server runs before it answers). */
    public static Response get(URI uri, Duration timeout) {
        if (!uri.getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("The tests only call loopback: " + uri);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAccept: text/plain, application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String[] status = head.substring(0, head.indexOf("\r\n")).split(" ");
            String headers = head.toLowerCase(Locale.ROOT);
            byte[] body;
            if (headers.contains("\r\ntransfer-encoding: chunked")) {
                body = readChunks(in);
            } else if (headers.contains("\r\ncontent-length:")) {
                int from = headers.indexOf("\r\ncontent-length:") + 17;
                int length = Integer.parseInt(headers.substring(from, headers.indexOf("\r\n", from)).trim());
                body = in.readNBytes(length);
            } else {
                body = in.readAllBytes();
            }
            return new Response(Integer.parseInt(status[1]), new String(body, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return new Response(-1, e.toString());
        }
    }

    /** The status line and headers, up to the empty line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the headers: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A chunked body: "hex-size CRLF data CRLF" until size 0. */
    private static byte[] readChunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
