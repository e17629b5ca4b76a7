package io.etcdmp.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP GETs to the server under test (loopback only), each bounded in time. */
public final class Http {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .proxy(HttpClient.Builder.NO_PROXY).build();

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
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, e.toString());
        }
    }
}
