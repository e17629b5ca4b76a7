package io.etcdmp.internal.registry;

import io.etcdmp.registry.ServiceInstance;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue.ValueType;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static io.etcdmp.registry.ServiceInstance.STATUS;

/**
 * Registry records: we write etcd's gRPC naming shape, so Go gRPC resolvers read our instances directly,
 * <pre>{"Addr":"10.0.0.5:8080","Metadata":{"instanceId":"orders-1","scheme":"http","status":"UP",
 *   "metadata":{"version":"1.2"},"registeredAt":"2026-11-25T13:00:00Z"}}</pre>
 * and read every shape other tools write: that one from any writer (with the legacy {@code "Op"}),
 * the seed application's {@code JSON.stringify(metadata)} objects with a host and a port, plain
 * {@code host:port}, and URLs. The README's table "Record shapes" is the specification.
 */
public final class InstanceRecords {
    static final String ADDR = "Addr";
    static final String METADATA = "Metadata";
    private static final Set<String> OUR_FIELDS = Set.of("instanceId", "scheme", "metadata", "registeredAt", STATUS);
    private static final String[] ADDRESS_FIELDS = {"host", "hostname", "ip", "address"};
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    private InstanceRecords() {
    }

    /** Our record of {@code instance}; its metadata {@code status} (default {@code UP}) goes in {@code Metadata.status}. */
    static String toJson(ServiceInstance instance) {
        JsonObjectBuilder metadata = Provider.JSON.createObjectBuilder();
        instance.metadata().forEach((k, v) -> {
            if (!k.equals(STATUS)) {
                metadata.add(k, v);
            }
        });
        JsonObjectBuilder ours = Provider.JSON.createObjectBuilder()
                .add("instanceId", instance.instanceId())
                .add("scheme", instance.scheme())
                .add(STATUS, instance.status())
                .add("metadata", metadata);
        instance.registeredAt().ifPresent(at -> ours.add("registeredAt", at.toString()));
        return Provider.JSON.createObjectBuilder().add(ADDR, instance.address()).add(METADATA, ours).build().toString();
    }

    /**
     * Reads a record stored under {@code <prefix><service>/<keyId>}.
     *
     * @throws NotAnInstance when the record says it is not one (gRPC naming {@code "Op"} other than 0)
     * @throws IllegalArgumentException with the reason when the value has none of the shapes; never another
     *         exception, whatever the value holds (it comes from any writer)
     */
    static ServiceInstance parse(String service, String keyId, String value) {
        try {
            return parseShape(service, keyId, value);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // the parsers' message may quote the value, which may hold credentials: name the failure only
            throw new IllegalArgumentException("the value cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static ServiceInstance parseShape(String service, String keyId, String value) {
        String text = value.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the value is empty");
        }
        if (text.startsWith("{")) {
            JsonObject root = object(text);
            return root.containsKey(ADDR) ? grpcNaming(service, keyId, root) : addressObject(service, keyId, root);
        }
        if (text.contains("://")) {
            return url(service, keyId, text);
        }
        if (text.contains(":")) {
            HostPort at = HostPort.parse(text, "host:port");
            return instance(service, keyId, at.host(), at.port(), "http", Map.of(), Optional.empty());
        }
        throw new IllegalArgumentException("the value '" + HostPort.shorten(text)
                + "' is neither a JSON object, a URL nor host:port");
    }

    /** {@code {"Addr":"host:port","Metadata":...}}, optionally with {@code "Op"} (0 = add, 1 = delete). */
    private static ServiceInstance grpcNaming(String service, String keyId, JsonObject root) {
        JsonValue op = root.get("Op");
        if (op != null && !(op instanceof JsonNumber)) {
            throw new IllegalArgumentException("\"Op\" is " + kind(op) + ", not a number");
        }
        if (op != null && ((JsonNumber) op).bigDecimalValue().signum() != 0) {
            throw new NotAnInstance("\"Op\" is " + op + " (delete), not 0 (add)");
        }
        if (!(root.get(ADDR) instanceof JsonString addr)) {
            throw new IllegalArgumentException("\"Addr\" is " + kind(root.get(ADDR)) + ", not text");
        }
        HostPort at = HostPort.parse(addr.getString(), "\"Addr\"");
        JsonValue meta = root.getOrDefault(METADATA, JsonValue.NULL);
        Map<String, String> metadata = new HashMap<>();
        JsonObject fields = JsonValue.EMPTY_JSON_OBJECT;
        if (meta instanceof JsonObject object) {
            fields = object;
        } else if (meta instanceof JsonString string) {
            metadata.put("metadata", string.getString());
        } else if (meta.getValueType() != ValueType.NULL) {
            throw new IllegalArgumentException("\"Metadata\" is " + kind(meta) + ": expected an object, text or null");
        }
        if (fields.get("metadata") instanceof JsonObject nested) {
            nested.forEach((k, v) -> metadata.put(k, text(v)));
        } else if (fields.containsKey("metadata")) {
            metadata.put("metadata", text(fields.get("metadata")));
        }
        fields.forEach((k, v) -> {
            if (!OUR_FIELDS.contains(k)) {
                metadata.putIfAbsent(k, text(v));
            }
        });
        if (fields.containsKey(STATUS)) {
            metadata.put(STATUS, text(fields.get(STATUS)));
        }
        String id = string(fields, "instanceId").orElse(keyId);
        String scheme = fields.containsKey("scheme") ? scheme(fields.get("scheme"), "\"Metadata\".\"scheme\"") : "http";
        Optional<Instant> registeredAt = string(fields, "registeredAt").flatMap(InstanceRecords::instant);
        return instance(service, id, at.host(), at.port(), scheme, metadata, registeredAt);
    }

    /**
     * The seed application's shape, {@code JSON.stringify(metadata)} of an object with an address
     * ({@code host}, else {@code hostname}, {@code ip}, {@code address}) and a {@code port}; the scheme
     * from {@code scheme}, else {@code protocol}, else {@code secure: true} (https); every other field
     * is metadata.
     */
    private static ServiceInstance addressObject(String service, String keyId, JsonObject root) {
        String addressField = null;
        for (String field : ADDRESS_FIELDS) {
            if (root.containsKey(field)) {
                addressField = field;
                break;
            }
        }
        if (addressField == null) {
            throw new IllegalArgumentException("a JSON object with neither \"Addr\" nor an address (host, hostname, ip or address)");
        }
        String what = "\"" + addressField + "\"";
        if (!(root.get(addressField) instanceof JsonString address)) {
            throw new IllegalArgumentException(what + " is " + kind(root.get(addressField)) + ", not text");
        }
        String host = HostPort.host(address.getString(), what);
        if (!root.containsKey("port")) {
            throw new IllegalArgumentException("a JSON object with " + what + " but no \"port\"");
        }
        int port = HostPort.port(root.get("port"), "\"port\"");
        String schemeField;
        String scheme;
        if (root.containsKey("scheme") || root.containsKey("protocol")) {
            schemeField = root.containsKey("scheme") ? "scheme" : "protocol";
            scheme = scheme(root.get(schemeField), "\"" + schemeField + "\"");
        } else if (isBoolean(root.get("secure"))) {
            schemeField = "secure";
            scheme = root.get("secure").getValueType() == ValueType.TRUE ? "https" : "http";
        } else {
            schemeField = null;
            scheme = "http";
        }
        Map<String, String> metadata = new HashMap<>();
        for (Map.Entry<String, JsonValue> field : root.entrySet()) {
            String name = field.getKey();
            if (!name.equals(addressField) && !name.equals("port") && !name.equals(schemeField)) {
                metadata.put(name, text(field.getValue()));
            }
        }
        return instance(service, keyId, host, port, scheme, metadata, Optional.empty());
    }

    /** {@code scheme://host[:port][/path]}: the port defaults to 80 (http) or 443 (https), the path is metadata {@code path}. */
    private static ServiceInstance url(String service, String keyId, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            // the value may hold credentials: give the reason, not the text
            throw new IllegalArgumentException("not a valid URL: " + e.getReason() + " at index " + e.getIndex());
        }
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException("the value contains '://' but is no URL: it has no scheme");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("the URL has no host");
        }
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        HostPort at;
        boolean hasPort = authority.lastIndexOf(':') > authority.lastIndexOf(']');
        if (hasPort) {
            at = HostPort.parse(authority, "the URL's host:port");
        } else {
            int port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            if (port < 0) {
                throw new IllegalArgumentException("the URL has no port and scheme '" + scheme + "' has no default one");
            }
            at = new HostPort(HostPort.host(authority, "the URL's host"), port);
        }
        Map<String, String> metadata = new HashMap<>();
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            metadata.put("path", path);
        }
        return instance(service, keyId, at.host(), at.port(), scheme, metadata, Optional.empty());
    }

    private static ServiceInstance instance(String service, String id, String host, int port, String scheme,
                                            Map<String, String> metadata, Optional<Instant> registeredAt) {
        try {
            return new ServiceInstance(service, id, host, port, scheme, metadata, registeredAt);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** One JSON-P provider for every record: {@code Json.createReader} looks the provider up (a ServiceLoader scan) per call. */
    private static final class Provider {
        static final JsonProvider JSON = JsonProvider.provider();
    }

    private static JsonObject object(String text) {
        try (JsonReader reader = Provider.JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (RuntimeException e) { // JsonException, or what an implementation throws of its own (Parsson: too deep)
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage());
        }
    }

    private static String scheme(JsonValue value, String what) {
        if (!(value instanceof JsonString string)) {
            throw new IllegalArgumentException(what + " is " + kind(value) + ", not text");
        }
        String scheme = string.getString().strip().toLowerCase(Locale.ROOT);
        scheme = scheme.endsWith(":") ? scheme.substring(0, scheme.length() - 1) : scheme; // Node's url.protocol: "https:"
        if (!SCHEME.matcher(scheme).matches()) {
            throw new IllegalArgumentException(what + " '" + HostPort.shorten(string.getString()) + "' is not a URI scheme");
        }
        return scheme;
    }

    private static boolean isBoolean(JsonValue v) {
        return v != null && (v.getValueType() == ValueType.TRUE || v.getValueType() == ValueType.FALSE);
    }

    private static Optional<String> string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    /** A JSON value as metadata: text as it is, anything else as its JSON text. */
    static String text(JsonValue v) {
        return v instanceof JsonString s ? s.getString() : v.toString();
    }

    /** "a number", "an array", ... for reasons. */
    static String kind(JsonValue v) {
        if (v == null) {
            return "missing";
        }
        switch (v.getValueType()) {
            case OBJECT: return "an object";
            case ARRAY: return "an array";
            case STRING: return "text";
            case NUMBER: return "a number";
            case NULL: return "null";
            default: return "a boolean";
        }
    }

    private static Optional<Instant> instant(String s) {
        try {
            return Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A record that says it is not an instance: skipped without a warning. */
    static final class NotAnInstance extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotAnInstance(String reason) {
            super(reason);
        }
    }
}
