package io.etcdmp.internal.config;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Tells at once that etcd is down when every endpoint refuses TCP connections, so that a source with a
 * cache file need not wait out a whole request timeout (jetcd's calls wait for a connection until then).
 * Only a refusal counts as down: anything else (accepted, timed out, a name that does not resolve, an
 * endpoint that is not a plain URL) leaves the decision to the etcd read itself.
 */
final class EndpointProbe {
    private EndpointProbe() {
    }

    /** True when every endpoint refused a TCP connection within {@code timeout}. */
    static boolean allRefuse(List<URI> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            return false;
        }
        for (URI endpoint : endpoints) {
            if (!refuses(endpoint, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())))) {
                return false;
            }
        }
        return true;
    }

    private static boolean refuses(URI endpoint, int timeoutMillis) {
        String host = endpoint.getHost();
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 2379;
        if (host == null) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException | RuntimeException other) {
            return false;
        }
    }
}
