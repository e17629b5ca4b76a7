package io.etcdmp.internal.config;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document with JSON-P into maps, lists and strings for {@link ConfigDocument#flatten}.
 * Apart so that JSON-P, which the runtime provides, is linked only when a {@code .json} document is read.
 */
final class JsonDocument {
    private JsonDocument() {
    }

    static Object read(String text) throws ConfigDocument.SyntaxError {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return plain(reader.readValue());
        } catch (JsonParsingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNumber() + ", column " + at.getColumnNumber() + ": ";
            throw new ConfigDocument.SyntaxError(where + e.getMessage());
        } catch (JsonException e) {
            throw new ConfigDocument.SyntaxError(e.getMessage());
        }
    }

    private static Object plain(JsonValue value) {
        switch (value.getValueType()) {
            case OBJECT:
                Map<String, Object> map = new LinkedHashMap<>();
                ((JsonObject) value).forEach((k, v) -> map.put(k, plain(v)));
                return map;
            case ARRAY:
                List<Object> list = new ArrayList<>();
                ((JsonArray) value).forEach(v -> list.add(plain(v)));
                return list;
            case STRING:
                return ((JsonString) value).getString();
            case NUMBER:
                return ((JsonNumber) value).toString();
            case TRUE:
                return "true";
            case FALSE:
                return "false";
            default:
                return null;
        }
    }
}
