package io.etcdmp.internal.config;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document with JSON-P into maps, lists and strings for {@link ConfigDocument#flatten}.
 * Apart so that JSON-P, which the runtime provides, is linked only when a {@code .json} document is read.
 * Reads the parser's events with a stack of its own (no recursion), so that the depth is checked
 * ({@link ConfigDocument#MAX_DEPTH}) before any JSON-P implementation's own limit or the thread's stack.
 */
final class JsonDocument {
    private JsonDocument() {
    }

    static Object read(String text) throws ConfigDocument.SyntaxError {
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            return tree(parser);
        } catch (JsonParsingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNumber() + ", column " + at.getColumnNumber() + ": ";
            throw new ConfigDocument.SyntaxError(where + e.getMessage());
        } catch (JsonException | IllegalStateException e) {
            throw new ConfigDocument.SyntaxError(e.getMessage());
        }
    }

    private static Object tree(JsonParser parser) throws ConfigDocument.SyntaxError {
        Deque<Object> open = new ArrayDeque<>(); // maps and lists being filled
        String key = null;
        Object top = null;
        boolean done = false;
        while (parser.hasNext()) {
            JsonParser.Event event = parser.next();
            if (done) {
                throw new ConfigDocument.SyntaxError(where(parser) + "more than one value at the top level");
            }
            Object value;
            switch (event) {
                case KEY_NAME:
                    key = parser.getString();
                    continue;
                case END_OBJECT:
                case END_ARRAY:
                    value = open.pop();
                    if (!open.isEmpty()) {
                        continue;
                    }
                    top = value;
                    done = true;
                    continue;
                case START_OBJECT:
                case START_ARRAY:
                    Object made = event == JsonParser.Event.START_OBJECT ? new LinkedHashMap<String, Object>() : new ArrayList<>();
                    add(open, key, made);
                    open.push(made);
                    if (open.size() > ConfigDocument.MAX_DEPTH) {
                        throw new ConfigDocument.SyntaxError(where(parser) + "it is nested deeper than "
                                + ConfigDocument.MAX_DEPTH + " levels");
                    }
                    continue;
                case VALUE_STRING:
                    value = parser.getString();
                    break;
                case VALUE_NUMBER:
                    value = ((JsonNumber) parser.getValue()).toString();
                    break;
                case VALUE_TRUE:
                    value = "true";
                    break;
                case VALUE_FALSE:
                    value = "false";
                    break;
                default:
                    value = null;
            }
            if (open.isEmpty()) {
                top = value;
                done = true;
            } else {
                add(open, key, value);
            }
        }
        return top;
    }

    @SuppressWarnings("unchecked")
    private static void add(Deque<Object> open, String key, Object value) {
        Object into = open.peek();
        if (into instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).put(key, value);
        } else if (into != null) {
            ((List<Object>) into).add(value);
        }
    }

    private static String where(JsonParser parser) {
        JsonLocation at = parser.getLocation();
        return at == null ? "" : "line " + at.getLineNumber() + ", column " + at.getColumnNumber() + ": ";
    }
}
