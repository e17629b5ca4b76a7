package io.etcdmp.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reading what {@code etcdctl -w json} prints: objects, the endpoint status array, base64 keys and values. */
final class EtcdctlJson {
    private EtcdctlJson() {
    }

    /** The JSON array etcdctl prints for {@code endpoint status/health -w json}, whatever the exit code. */
    static List<JsonObject> statusEntries(ProcessRunner.Result result) {
        List<JsonObject> entries = new ArrayList<>();
        JsonStructure json = tryParse(result.stdout());
        if (json instanceof JsonArray array) {
            for (JsonValue v : array) {
                if (v.getValueType() == JsonValue.ValueType.OBJECT) {
                    entries.add(v.asJsonObject());
                }
            }
        }
        return entries;
    }

    static JsonStructure tryParse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        try (JsonReader reader = Json.createReader(new StringReader(trimmed))) {
            return reader.read();
        } catch (JsonParsingException e) {
            return null;
        }
    }

    static JsonObject parseObject(String text) {
        JsonStructure json = tryParse(text);
        if (json instanceof JsonObject object) {
            return object;
        }
        throw new IllegalStateException("etcdctl did not print a JSON object: " + text);
    }

    static String decode(JsonObject kv, String field) {
        JsonString value = kv.getJsonString(field);
        if (value == null) {
            return ""; // protobuf JSON omits empty bytes
        }
        return new String(Base64.getDecoder().decode(value.getString()), StandardCharsets.UTF_8);
    }
}
