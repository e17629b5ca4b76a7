package io.etcdmp.internal.cli;

import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.CliAccess;
import io.etcdmp.internal.config.ConfigSourceSettings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an application sees from etcd: the prefixes and documents its config source would use (computed by
 * the source's own settings code from {@code mp.app.name}, {@code etcd.config.prefixes} and
 * {@code etcd.config.documents}) and the properties those give, layered by the source's own snapshot, each
 * with the layer it comes from and the layers it overrides.
 */
public final class Layering {
    private Layering() {
    }

    /** The config source's prefixes (lowest precedence first) and documents for these settings. */
    public record Sources(List<String> prefixes, List<String> documents) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Sources that
                    && Objects.equals(prefixes, that.prefixes)
                    && Objects.equals(documents, that.documents);
        }

        @Override
        public int hashCode() {
            return Objects.hash(prefixes, documents);
        }

        @Override
        public String toString() {
            return "Sources[prefixes=" + prefixes + ", documents=" + documents + "]";
        }
    }

    /**
     * One layer's value of a property: the prefix (plain keys) or the document key it comes from, and the etcd key
     * that holds it (a plain key's own name, such as {@code /config/orders/db/secret} for {@code db.secret}, or the
     * document key).
     */
    public record Layer(String source, String key, String value, long modRevision) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Layer that
                    && Objects.equals(source, that.source)
                    && Objects.equals(key, that.key)
                    && Objects.equals(value, that.value)
                    && modRevision == that.modRevision;
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, key, value, modRevision);
        }

        @Override
        public String toString() {
            return "Layer[source=" + source + ", key=" + key + ", modRevision=" + modRevision + "]";
        }
    }

    /** A property the application sees, where it comes from and what it overrides (lowest first). */
    public record Property(String name, String value, Layer from, List<Layer> overrides) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Property that
                    && Objects.equals(name, that.name)
                    && Objects.equals(value, that.value)
                    && Objects.equals(from, that.from)
                    && Objects.equals(overrides, that.overrides);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, value, from, overrides);
        }

        @Override
        public String toString() {
            return "Property[name=" + name
                    + ", value=" + value
                    + ", from=" + String.valueOf(from)
                    + ", overrides=" + overrides + "]";
        }
    }

    /** The properties, by name, and the documents that do not parse (document key -> the parser's message). */
    public record Result(List<Property> properties, Map<String, String> documentErrors) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Result that
                    && Objects.equals(properties, that.properties)
                    && Objects.equals(documentErrors, that.documentErrors);
        }

        @Override
        public int hashCode() {
            return Objects.hash(properties, documentErrors);
        }

        @Override
        public String toString() {
            return "Result[properties=" + properties + ", documentErrors=" + documentErrors + "]";
        }
    }

    /**
     * The sources a config source would use with {@code settings} (names as in the README: {@code mp.app.name},
     * {@code etcd.config.prefixes}, {@code etcd.config.documents}) over what the environment and system
     * properties say.
     */
    public static Sources sources(Map<String, String> settings) {
        ConfigSourceSettings s = CliAccess.sourceSettings(ToolConnection.lookup(settings));
        return new Sources(s.prefixes(), s.documents());
    }

    /** The setting names {@link #sources} reads. */
    public static final String APP_NAME = ConfigSourceSettings.APP_NAME;
    public static final String PREFIXES = ConfigSourceSettings.PREFIXES;
    public static final String DOCUMENTS = ConfigSourceSettings.DOCUMENTS;

    /**
     * The properties served when prefix {@code i} of {@code sources} holds {@code contents.get(i)} (every key
     * under it, read at one revision).
     */
    public static Result effective(Sources sources, List<List<KeyValue>> contents) {
        Map<String, String> served = CliAccess.properties(sources.prefixes(), sources.documents(), contents);
        Map<String, List<Layer>> layers = new HashMap<>();
        Map<String, String> errors = new TreeMap<>();
        for (int i = 0; i < sources.prefixes().size(); i++) {
            String prefix = sources.prefixes().get(i);
            Map<String, KeyValue> documentKeys = new HashMap<>();
            List<KeyValue> plain = new ArrayList<>();
            for (KeyValue kv : contents.get(i)) {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                String relative = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
                if (sources.documents().contains(relative)) {
                    documentKeys.put(relative, kv);
                } else {
                    plain.add(kv);
                }
            }
            for (String document : sources.documents()) { // a prefix's documents in list order, below its plain keys
                KeyValue kv = documentKeys.get(document);
                if (kv == null) {
                    continue;
                }
                PropertyRules.Parsed parsed = PropertyRules.parseDocument(document, kv.getValue().getBytes());
                parsed.error().ifPresent(e -> errors.put(prefix + document, e));
                Map<String, String> given = CliAccess.properties(List.of(prefix), List.of(document), List.of(List.of(kv)));
                given.forEach((name, value) -> layers.computeIfAbsent(name, n -> new ArrayList<>())
                        .add(new Layer(prefix + document, prefix + document, value, kv.getModRevision())));
            }
            Map<String, String> given = CliAccess.properties(List.of(prefix), List.of(), List.of(plain));
            Map<String, Long> revisions = new HashMap<>();
            Map<String, String> keys = new HashMap<>();
            for (KeyValue kv : plain) {
                Optional<String> name = PropertyRules.propertyName(prefix, kv.getKey().getBytes());
                name.ifPresent(n -> {
                    revisions.merge(n, kv.getModRevision(), Math::max);
                    // of two keys giving one name (db/secret, db.secret), the one whose value the source serves
                    if (!keys.containsKey(n) || kv.getValue().toString(StandardCharsets.UTF_8).equals(given.get(n))) {
                        keys.put(n, kv.getKey().toString(StandardCharsets.UTF_8));
                    }
                });
            }
            given.forEach((name, value) -> layers.computeIfAbsent(name, n -> new ArrayList<>())
                    .add(new Layer(prefix, keys.getOrDefault(name, prefix + name), value, revisions.getOrDefault(name, 0L))));
        }
        List<Property> out = new ArrayList<>();
        new TreeMap<>(served).forEach((name, value) -> {
            List<Layer> all = layers.getOrDefault(name, List.of());
            Layer from = all.isEmpty() ? new Layer("?", "?", value, 0) : all.get(all.size() - 1);
            out.add(new Property(name, value, from, all.isEmpty() ? List.of() : List.copyOf(all.subList(0, all.size() - 1))));
        });
        return new Result(out, errors);
    }
}
