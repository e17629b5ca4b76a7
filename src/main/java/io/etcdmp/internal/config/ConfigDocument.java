package io.etcdmp.internal.config;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
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
 *
 * <p>Bounded, because a document comes from outside: at most {@link #MAX_DEPTH} levels of nesting, no alias
 * that refers to a node containing it, at most {@code etcd.config.document-max-properties} properties,
 * {@link #MAX_NODES} values visited and {@link #MAX_OUTPUT_CHARS} characters of names and values (YAML aliases
 * expand when flattened: a few hundred characters could otherwise make a million properties). Whatever a parser
 * throws becomes a {@link SyntaxError}: a document never gets an exception or an Error out of here.
 */
final class ConfigDocument {
    /** Extensions this class reads, lower case. */
    static final List<String> EXTENSIONS = List.of(".properties", ".yaml", ".yml", ".json");
    /** Levels of maps and lists, the top map included; config documents use a handful. */
    static final int MAX_DEPTH = 64;
    /** The default of {@code etcd.config.document-max-properties}. */
    static final int DEFAULT_MAX_PROPERTIES = 5000;
    /** Values visited while flattening (each alias counts as often as it is expanded). */
    static final int MAX_NODES = 1_000_000;
    /** Characters of property names and values one document may give. */
    static final long MAX_OUTPUT_CHARS = 16L * 1024 * 1024;
    /** Far above any config document, far below what would exhaust memory. */
    private static final int YAML_CODE_POINT_LIMIT = 8 * 1024 * 1024;
    private static final String MAX_PROPERTIES_SETTING = "etcd.config.document-max-properties";

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

    /** {@link #parse(String, String, int)} with the default limit of properties. */
    static Map<String, String> parse(String name, String text) throws SyntaxError {
        return parse(name, text, DEFAULT_MAX_PROPERTIES);
    }

    /**
     * The properties of document {@code name} (its extension picks the parser) with content {@code text};
     * a document that would give more than {@code maxProperties} properties does not parse.
     */
    static Map<String, String> parse(String name, String text, int maxProperties) throws SyntaxError {
        try {
            return parseBounded(name, text, maxProperties);
        } catch (StackOverflowError e) {
            throw new SyntaxError("it is nested too deeply for the parser");
        } catch (RuntimeException e) { // a parser's own failure that is not its syntax error type
            throw new SyntaxError(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static Map<String, String> parseBounded(String name, String text, int maxProperties) throws SyntaxError {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".properties")) {
            return properties(text, maxProperties);
        }
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return flatten(yaml(text), maxProperties);
        }
        if (lower.endsWith(".json")) {
            try {
                return flatten(JsonDocument.read(text), maxProperties);
            } catch (LinkageError e) {
                throw new SyntaxError("no JSON-P implementation (jakarta.json) is on the class path to read it");
            }
        }
        throw new SyntaxError("unknown extension; use one of " + EXTENSIONS);
    }

    private static Map<String, String> properties(String text, int maxProperties) throws SyntaxError {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new SyntaxError(e.getMessage());
        }
        if (properties.size() > maxProperties) {
            throw tooMany(maxProperties);
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
            checkYamlShape(new Parse(settings).parseString(text));
            return new Load(settings).loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().or(e::getContextMark)
                    .map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
            throw new SyntaxError(where + (e.getProblem() != null ? e.getProblem() : e.getContext()));
        } catch (YamlEngineException e) {
            throw new SyntaxError(e.getMessage());
        }
    }

    /**
     * Reads the events of a YAML text (no recursion: the parser keeps its own stack) before it is composed:
     * refuses nesting deeper than {@link #MAX_DEPTH} and an alias to a collection that is still open, one
     * that contains the alias (composing or flattening it would never end).
     */
    private static void checkYamlShape(Iterable<Event> events) throws SyntaxError {
        Deque<String> open = new ArrayDeque<>(); // per open collection, its anchor or ""
        Map<String, Integer> openAnchors = new HashMap<>(); // anchor -> depth of the open collection it names
        for (Event event : events) {
            if (event instanceof CollectionStartEvent start) {
                String anchor = start.getAnchor().map(Object::toString).orElse("");
                open.push(anchor);
                if (open.size() > MAX_DEPTH) {
                    throw new SyntaxError(at(event) + "it is nested deeper than " + MAX_DEPTH + " levels");
                }
                if (!anchor.isEmpty()) {
                    openAnchors.put(anchor, open.size());
                }
            } else if (event instanceof CollectionEndEvent) {
                String anchor = open.pop();
                if (!anchor.isEmpty() && openAnchors.getOrDefault(anchor, -1) == open.size() + 1) {
                    openAnchors.remove(anchor);
                }
            } else if (event instanceof AliasEvent alias) {
                String anchor = alias.getAlias().toString();
                if (openAnchors.containsKey(anchor)) {
                    throw new SyntaxError(at(event) + "alias *" + anchor + " refers to a node that contains it (a cycle)");
                }
            } else if (event instanceof NodeEvent node) { // a scalar: an anchor it defines names no open collection
                node.getAnchor().ifPresent(a -> openAnchors.remove(a.toString()));
            }
        }
    }

    private static String at(Event event) {
        return event.getStartMark().map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
    }

    /** {@link #flatten(Object, int)} with the default limit of properties. */
    static Map<String, String> flatten(Object tree) throws SyntaxError {
        return flatten(tree, DEFAULT_MAX_PROPERTIES);
    }

    /** The properties of a tree of maps, lists and scalars (a YAML or JSON document); its top must be a map. */
    static Map<String, String> flatten(Object tree, int maxProperties) throws SyntaxError {
        Map<String, String> out = new LinkedHashMap<>();
        if (tree == null) {
            return out; // an empty document
        }
        if (!(tree instanceof Map<?, ?> top)) {
            throw new SyntaxError("the top level is " + kind(tree) + ", not a map of names to values");
        }
        Budget budget = new Budget(maxProperties);
        for (Map.Entry<?, ?> entry : top.entrySet()) {
            add(out, String.valueOf(entry.getKey()), entry.getValue(), 2, budget);
        }
        return out;
    }

    /** What flattening one document may still spend; aliases expand, so the text's size does not bound it. */
    private static final class Budget {
        final int maxProperties;
        int nodes;
        long chars;

        Budget(int maxProperties) {
            this.maxProperties = maxProperties;
        }

        /** One value visited; {@code depth}: the level it is at when it is a map or list, else 0. */
        void visit(int depth) throws SyntaxError {
            if (depth > MAX_DEPTH) {
                throw new SyntaxError("it is nested deeper than " + MAX_DEPTH + " levels (aliases expanded)");
            }
            if (++nodes > MAX_NODES) {
                throw new SyntaxError("it expands to more than " + MAX_NODES + " nodes (aliases expanded)");
            }
        }

        void spend(long length) throws SyntaxError {
            chars += length;
            if (chars > MAX_OUTPUT_CHARS) {
                throw new SyntaxError("its properties would hold more than " + MAX_OUTPUT_CHARS + " characters (aliases expanded)");
            }
        }

        void put(Map<String, String> out, String name, String value) throws SyntaxError {
            spend(name.length() + (long) value.length());
            out.put(name, value);
            if (out.size() > maxProperties) {
                throw tooMany(maxProperties);
            }
        }
    }

    private static void add(Map<String, String> out, String name, Object value, int depth, Budget budget) throws SyntaxError {
        budget.visit(value instanceof Map || value instanceof Collection ? depth : 0);
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                add(out, name + "." + entry.getKey(), entry.getValue(), depth + 1, budget);
            }
        } else if (value instanceof Collection<?> list) {
            if (list.stream().allMatch(e -> e == null || !(e instanceof Map || e instanceof Collection))) {
                StringBuilder joined = new StringBuilder();
                for (Object element : list) {
                    budget.visit(0);
                    if (element != null) {
                        String text = escape(element.toString());
                        budget.spend(text.length() + 1L);
                        joined.append(joined.length() > 0 ? "," : "").append(text);
                    }
                }
                if (joined.length() > 0) {
                    budget.put(out, name, joined.toString());
                }
            } else {
                int i = 0;
                for (Object element : list) {
                    add(out, name + "[" + i++ + "]", element, depth + 1, budget);
                }
            }
        } else {
            budget.put(out, name, value.toString());
        }
    }

    private static SyntaxError tooMany(int maxProperties) {
        return new SyntaxError("it gives more than " + maxProperties + " properties (" + MAX_PROPERTIES_SETTING
                + "); split it or raise the setting");
    }

    private static String escape(String element) {
        return element.replace("\\", "\\\\").replace(",", "\\,");
    }

    private static String kind(Object tree) {
        return tree instanceof Collection ? "a list" : "a single value";
    }
}
