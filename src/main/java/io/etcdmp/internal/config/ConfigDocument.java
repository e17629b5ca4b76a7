package io.etcdmp.internal.config;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

import java.io.IOException;
import java.io.StringReader;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A document held in one etcd key ({@code etcd.config.documents}), turned into properties by its
 * extension: {@code .properties} (java.util.Properties rules), {@code .yaml}/{@code .yml} (SnakeYAML
 * Engine, every scalar kept as written), {@code .json} (JSON-P). Nested maps become names joined with
 * {@code .}; a list of scalars becomes one MicroProfile Config list ({@code a,b\,c}: a comma or backslash
 * inside an element is escaped with a backslash); a list holding maps or lists becomes indexed names
 * ({@code servers[0].host}). Nulls and empty lists give no property.
 */
final class ConfigDocument {
    /** Extensions this class reads, lower case. */
    static final List<String> EXTENSIONS = List.of(".properties", ".yaml", ".yml", ".json");
    /** Far above any config document, far below what would exhaust memory. */
    private static final int YAML_CODE_POINT_LIMIT = 8 * 1024 * 1024;

    private ConfigDocument() {
    }

    /** A document that does not parse: the parser's message, with line and column where it gives them. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    /** True when {@code name} ends with an extension this class reads. */
    static boolean readable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    /** The properties of document {@code name} (its extension picks the parser) with content {@code text}. */
    static Map<String, String> parse(String name, String text) throws SyntaxError {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".properties")) {
            return properties(text);
        }
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return flatten(yaml(text));
        }
        if (lower.endsWith(".json")) {
            try {
                return flatten(JsonDocument.read(text));
            } catch (LinkageError e) {
                throw new SyntaxError("no JSON-P implementation (jakarta.json) is on the class path to read it");
            }
        }
        throw new SyntaxError("unknown extension; use one of " + EXTENSIONS);
    }

    private static Map<String, String> properties(String text) throws SyntaxError {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new SyntaxError(e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> out.put(key, properties.getProperty(key)));
        return out;
    }

    private static Object yaml(String text) throws SyntaxError {
        LoadSettings settings = LoadSettings.builder().setSchema(new FailsafeSchema())
                .setTagConstructors(Map.of(Tag.NULL, node -> null)) // "key:" with no value: no property.setAllowDuplicateKeys(false)
                .setCodePointLimit(YAML_CODE_POINT_LIMIT).setMaxAliasesForCollections(50).build();
        try {
            return new Load(settings).loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().or(e::getContextMark)
                    .map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
            throw new SyntaxError(where + (e.getProblem() != null ? e.getProblem() : e.getContext()));
        } catch (YamlEngineException e) {
            throw new SyntaxError(e.getMessage());
        }
    }

    /** The properties of a tree of maps, lists and scalars (a YAML or JSON document); its top must be a map. */
    static Map<String, String> flatten(Object tree) throws SyntaxError {
        Map<String, String> out = new LinkedHashMap<>();
        if (tree == null) {
            return out; // an empty document
        }
        if (!(tree instanceof Map<?, ?> top)) {
            throw new SyntaxError("the top level is " + kind(tree) + ", not a map of names to values");
        }
        top.forEach((key, value) -> add(out, String.valueOf(key), value));
        return out;
    }

    private static void add(Map<String, String> out, String name, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, inner) -> add(out, name + "." + key, inner));
        } else if (value instanceof Collection<?> list) {
            if (list.stream().allMatch(e -> e == null || !(e instanceof Map || e instanceof Collection))) {
                StringBuilder joined = new StringBuilder();
                for (Object element : list) {
                    if (element != null) {
                        joined.append(joined.length() > 0 ? "," : "").append(escape(element.toString()));
                    }
                }
                if (joined.length() > 0) {
                    out.put(name, joined.toString());
                }
            } else {
                int i = 0;
                for (Object element : list) {
                    add(out, name + "[" + i++ + "]", element);
                }
            }
        } else {
            out.put(name, value.toString());
        }
    }

    private static String escape(String element) {
        return element.replace("\\", "\\\\").replace(",", "\\,");
    }

    private static String kind(Object tree) {
        return tree instanceof Collection ? "a list" : "a single value";
    }
}
