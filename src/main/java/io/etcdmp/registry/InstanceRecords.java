package io.etcdmp.registry;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry record: etcd's gRPC naming shape, so Go gRPC resolvers read our instances directly.
 * <pre>{"Addr":"10.0.0.5:8080","Metadata":{"instanceId":"orders-1","scheme":"http",
 *   "metadata":{"version":"1.2"},"registeredAt":"2026-11-25T13:00:00Z"}}</pre>
 * A bare {@code {"Addr":"host:port"}} is a valid instance whose id is the last key segment.
 */
final class InstanceRecords {
    static final String ADDR = "Addr";
    static final String METADATA = "Metadata";
    private static final Set<String> OUR_FIELDS = Set.of("instanceId", "scheme", "metadata", "registeredAt");

    private InstanceRecords() {
    }

    static String toJson(ServiceInstance instance) {
        JsonObjectBuilder metadata = Json.createObjectBuilder();
        instance.metadata().forEach(metadata::add);
        JsonObjectBuilder ours = Json.createObjectBuilder()
                .add("instanceId", instance.instanceId())
                .add("scheme", instance.scheme())
                .add("metadata", metadata);
        instance.registeredAt().ifPresent(at -> ours.add("registeredAt", at.toString()));
        return Json.createObjectBuilder().add(ADDR, instance.address()).add(METADATA, ours).build().toString();
    }

    /**
     * Parses a record stored under {@code <prefix><service>/<keyId>}.
     *
     * @throws IllegalArgumentException with the reason when the record is not an instance
     */
    static ServiceInstance parse(String service, String keyId, String json) {
        JsonObject root;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            root = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!(root.get(ADDR) instanceof JsonString)) {
            throw new IllegalArgumentException("no \"Addr\" string");
        }
        String addr = root.getString(ADDR);
        int colon = addr.lastIndexOf(':');
        if (colon <= 0 || colon == addr.length() - 1) {
            throw new IllegalArgumentException("\"Addr\" '" + addr + "' is not host:port");
        }
        String host = addr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"Addr\" '" + addr + "' has no numeric port");
        }
        JsonValue meta = root.get(METADATA);
        JsonObject fields = meta instanceof JsonObject ? (JsonObject) meta : JsonValue.EMPTY_JSON_OBJECT;
        String id = text(fields, "instanceId").orElse(keyId);
        String scheme = text(fields, "scheme").orElse("http");
        Map<String, String> metadata = new HashMap<>();
        if (fields.get("metadata") instanceof JsonObject) {
            fields.getJsonObject("metadata").forEach((k, v) -> metadata.put(k, plain(v)));
        }
        fields.forEach((k, v) -> {
            if (!OUR_FIELDS.contains(k)) {
                metadata.putIfAbsent(k, plain(v));
            }
        });
        Optional<Instant> at = text(fields, "registeredAt").flatMap(InstanceRecords::instant);
        try {
            return new ServiceInstance(service, id, host, port, scheme, metadata, at);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static Optional<String> text(JsonObject o, String name) {
        return o.get(name) instanceof JsonString ? Optional.of(o.getString(name)) : Optional.empty();
    }

    private static String plain(JsonValue v) {
        return v instanceof JsonString ? ((JsonString) v).getString() : v.toString();
    }

    private static Optional<Instant> instant(String s) {
        try {
            return Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
