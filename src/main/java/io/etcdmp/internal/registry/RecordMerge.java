package io.etcdmp.internal.registry;

import io.etcdmp.registry.ServiceInstance;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Map;

/**
 * Writes the instance's own fields into a record as an operator left it (the console's or etcdctl's change), every
 * other field as it is, in the record's own shape: ours and gRPC naming keep {@code status} in {@code Metadata} and
 * metadata in {@code Metadata.metadata}; an object with an address (the seed's shape) keeps both at the top level.
 * A shape with no room for them ({@code host:port}, a URL, a {@code Metadata} string) gives null: left as it is.
 */
final class RecordMerge {
    private RecordMerge() {
    }

    /** {@code record} saying {@code status}; null when its shape has no status field. */
    static String withStatus(String record, String status) {
        JsonObject root = object(record);
        if (root == null) {
            return null;
        }
        if (!root.containsKey(InstanceRecords.ADDR)) {
            return Provider.JSON.createObjectBuilder(root).add(ServiceInstance.STATUS, status).build().toString();
        }
        JsonObject fields = metadata(root);
        return fields == null ? null : Provider.JSON.createObjectBuilder(root).add(InstanceRecords.METADATA,
                Provider.JSON.createObjectBuilder(fields).add(ServiceInstance.STATUS, status)).build().toString();
    }

    /** {@code record} with {@code entries} among its metadata (a field each); null when its shape has no metadata object. */
    static String withMetadata(String record, Map<String, String> entries) {
        JsonObject root = object(record);
        if (root == null) {
            return null;
        }
        if (!root.containsKey(InstanceRecords.ADDR)) {
            JsonObjectBuilder merged = Provider.JSON.createObjectBuilder(root);
            entries.forEach(merged::add);
            return merged.build().toString();
        }
        JsonObject fields = metadata(root);
        JsonValue nested = fields == null ? JsonValue.NULL : fields.getOrDefault("metadata", JsonValue.NULL);
        if (fields == null || !(nested instanceof JsonObject || nested.getValueType() == JsonValue.ValueType.NULL)) {
            return null;
        }
        JsonObjectBuilder metadata = nested instanceof JsonObject object
                ? Provider.JSON.createObjectBuilder(object) : Provider.JSON.createObjectBuilder();
        entries.forEach(metadata::add);
        return Provider.JSON.createObjectBuilder(root).add(InstanceRecords.METADATA,
                Provider.JSON.createObjectBuilder(fields).add("metadata", metadata)).build().toString();
    }

    /** The {@code Metadata} object of a gRPC naming record, an empty one when it has none; null when it is not an object. */
    private static JsonObject metadata(JsonObject root) {
        JsonValue meta = root.getOrDefault(InstanceRecords.METADATA, JsonValue.NULL);
        if (meta instanceof JsonObject fields) {
            return fields;
        }
        return meta.getValueType() == JsonValue.ValueType.NULL ? JsonValue.EMPTY_JSON_OBJECT : null;
    }

    private static JsonObject object(String record) {
        String text = record.strip();
        if (!text.startsWith("{")) {
            return null;
        }
        try (JsonReader reader = Provider.JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (RuntimeException e) { // JsonException, or an implementation's own (too deep): not a record we can merge into
            return null;
        }
    }

    /** One JSON-P provider, looked up once (a lookup is a ServiceLoader scan). */
    private static final class Provider {
        static final JsonProvider JSON = JsonProvider.provider();
    }
}
