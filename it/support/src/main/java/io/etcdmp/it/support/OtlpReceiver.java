package io.etcdmp.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A small OTLP/HTTP metrics receiver on 127.0.0.1 in the test JVM: {@code POST /v1/metrics} in the JSON encoding
 * ({@code application/json}) or the binary one ({@code application/x-protobuf}, which is all the Java exporters
 * send: OpenTelemetry Java's, SmallRye's in WildFly and Quarkus's speak {@code grpc} and {@code http/protobuf}, not
 * {@code http/json}), gzip or not. It keeps the last value of every series (name and attributes) of gauges and
 * sums, and the count of histograms; every other path ({@code /v1/traces}, {@code /v1/logs}) is answered and dropped.
 */
public final class OtlpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;
    private final Map<String, Map<Map<String, String>, Double>> latest = new ConcurrentHashMap<>();
    private final AtomicInteger exports = new AtomicInteger();
    private volatile String lastFailure;

    public OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the OTLP receiver", e);
        }
        threads = Executors.newFixedThreadPool(2, r -> new Thread(r, "otlp-receiver"));
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}: the OTLP endpoint (exporters append {@code /v1/metrics}). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Metric exports received so far. */
    public int exports() {
        return exports.get();
    }

    /** The last value received for the series {@code name} whose attributes include {@code attributes}. */
    public Optional<Double> value(String name, Map<String, String> attributes) {
        return series(name).entrySet().stream()
                .filter(e -> e.getKey().entrySet().containsAll(attributes.entrySet()))
                .map(Map.Entry::getValue).findFirst();
    }

    /** Every series of {@code name} received, attributes to last value. */
    public Map<Map<String, String>, Double> series(String name) {
        return Map.copyOf(latest.getOrDefault(name, Map.of()));
    }

    /** What was received, for assertion messages. */
    public String describe() {
        return exports.get() + " exports" + (lastFailure == null ? "" : ", last failure: " + lastFailure) + "; " + latest;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
            }
            int status = 200;
            if (exchange.getRequestURI().getPath().endsWith("/v1/metrics")) {
                try {
                    if (type.startsWith("application/json")) {
                        readJson(body);
                    } else {
                        readProtobuf(body);
                    }
                    exports.incrementAndGet();
                } catch (RuntimeException e) {
                    lastFailure = type + ": " + e;
                    status = 400;
                }
            }
            exchange.getResponseHeaders().add("Content-Type", type.startsWith("application/json") ? "application/json"
                    : "application/x-protobuf");
            byte[] answer = type.startsWith("application/json") ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    private void record(String name, Map<String, String> attributes, double value) {
        latest.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(Map.copyOf(attributes), value);
    }

    // ---- JSON: ExportMetricsServiceRequest in OTLP's JSON mapping (int64 values as strings) ----

    private void readJson(byte[] body) {
        JsonObject request = Json.createReader(new ByteArrayInputStream(body)).readObject();
        for (JsonValue rm : request.getJsonArray("resourceMetrics")) {
            for (JsonValue sm : rm.asJsonObject().getJsonArray("scopeMetrics")) {
                for (JsonValue m : sm.asJsonObject().getJsonArray("metrics")) {
                    JsonObject metric = m.asJsonObject();
                    for (String kind : new String[] {"gauge", "sum", "histogram"}) {
                        if (metric.containsKey(kind)) {
                            for (JsonValue p : metric.getJsonObject(kind).getJsonArray("dataPoints")) {
                                JsonObject point = p.asJsonObject();
                                record(metric.getString("name"), jsonAttributes(point), jsonValue(point));
                            }
                        }
                    }
                }
            }
        }
    }

    private static double jsonValue(JsonObject point) {
        for (String field : new String[] {"asInt", "asDouble", "count"}) {
            if (point.containsKey(field)) {
                JsonValue v = point.get(field);
                return v.getValueType() == JsonValue.ValueType.STRING ? Double.parseDouble(point.getString(field))
                        : point.getJsonNumber(field).doubleValue();
            }
        }
        return 0;
    }

    private static Map<String, String> jsonAttributes(JsonObject point) {
        Map<String, String> attributes = new TreeMap<>();
        if (point.containsKey("attributes")) {
            for (JsonValue a : point.getJsonArray("attributes")) {
                JsonObject value = a.asJsonObject().getJsonObject("value");
                String text = value.containsKey("stringValue") ? value.getString("stringValue") : value.values().iterator().next().toString();
                attributes.put(a.asJsonObject().getString("key"), text);
            }
        }
        return attributes;
    }

    // ---- protobuf: the few fields of opentelemetry-proto's metrics/v1 read here ----

    private void readProtobuf(byte[] body) {
        for (Protobuf rm : new Protobuf(body).messages(1)) { // ResourceMetrics
            for (Protobuf sm : rm.messages(2)) { // ScopeMetrics
                for (Protobuf metric : sm.messages(2)) { // Metric
                    String name = metric.string(1);
                    for (int kind : new int[] {5, 7}) { // Gauge, Sum: NumberDataPoint data_points = 1
                        for (Protobuf data : metric.messages(kind)) {
                            for (Protobuf point : data.messages(1)) {
                                record(name, protobufAttributes(point, 7), point.has(6) ? point.fixed64(6)
                                        : Double.longBitsToDouble(point.fixed64(4)));
                            }
                        }
                    }
                    for (Protobuf histogram : metric.messages(9)) { // HistogramDataPoint: attributes 9, count 4
                        for (Protobuf point : histogram.messages(1)) {
                            record(name, protobufAttributes(point, 9), point.fixed64(4));
                        }
                    }
                }
            }
        }
    }

    private static Map<String, String> protobufAttributes(Protobuf point, int field) {
        Map<String, String> attributes = new TreeMap<>();
        for (Protobuf kv : point.messages(field)) { // KeyValue: key 1, AnyValue value 2 (string_value 1)
            Protobuf value = kv.messages(2).stream().findFirst().orElseThrow();
            attributes.put(kv.string(1), value.has(1) ? value.string(1) : "?");
        }
        return attributes;
    }
}
