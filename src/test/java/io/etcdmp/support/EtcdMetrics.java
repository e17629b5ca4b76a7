package io.etcdmp.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads an etcd member's own Prometheus counters ({@code /metrics} on its client URL), to count what the
 * library asked of etcd: {@code grpc_server_started_total} per gRPC method (reads are {@code Range}, every
 * KV request is of service {@code etcdserverpb.KV}) and the {@code etcd_debugging_mvcc_watcher_total} gauge
 * (watchers open on the member). Names checked against etcd 3.4.23.
 */
public final class EtcdMetrics {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    /** {@code clientUrl}: a member's client URL such as {@code http://127.0.0.1:2379}. */
    public EtcdMetrics(String clientUrl) {
        this.uri = URI.create(clientUrl + "/metrics");
    }

    /** Requests of every method of the KV service (Range, Put, DeleteRange, Txn, Compact) the member has started. */
    public long kvRequests() {
        return sum("grpc_server_started_total{", "grpc_service=\"etcdserverpb.KV\"");
    }

    /** Reads (Range requests) the member has started. */
    public long ranges() {
        return sum("grpc_server_started_total{", "grpc_method=\"Range\"");
    }

    /** Watchers open on the member now (every open watch of every stream). */
    public long watchers() {
        return sum("etcd_debugging_mvcc_watcher_total", "");
    }

    private long sum(String metric, String label) {
        String text;
        try {
            text = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading " + uri, e);
        }
        long total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric) && line.contains(label)) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("No " + metric + " " + label + " in " + uri);
        }
        return total;
    }
}
