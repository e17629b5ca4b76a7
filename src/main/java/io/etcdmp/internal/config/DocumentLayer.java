package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;

import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The properties that the documents of one prefix give ({@code etcd.config.documents}): each document's
 * last good parse, merged so that a later document in the list wins. A document that does not parse keeps
 * its last good content, with a warning naming the key, the revision and the parser's message. Not
 * thread-safe: {@link ConfigSnapshot} calls it under its writer lock.
 */
final class DocumentLayer {
    private static final System.Logger LOG = System.getLogger(DocumentLayer.class.getName());

    private final String prefix;
    private final ByteSequence prefixBytes;
    private final List<String> documents;
    /** {@code etcd.config.document-max-properties}. */
    private final int maxProperties;
    /** Per document: its last good properties, and the raw text they came from (for the cache file). */
    private final Map<String, Map<String, String>> parsed = new HashMap<>();
    private final Map<String, byte[]> raw = new HashMap<>();
    /** Property name -> value bytes, every document merged; immutable, replaced on change. */
    private Map<String, Object> merged = Map.of();

    DocumentLayer(String prefix, List<String> documents) {
        this(prefix, documents, ConfigDocument.DEFAULT_MAX_PROPERTIES);
    }

    DocumentLayer(String prefix, List<String> documents, int maxProperties) {
        this.prefix = prefix;
        this.maxProperties = maxProperties;
        this.prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        this.documents = List.copyOf(documents);
    }

    /** True when the key named {@code relative} (below the prefix) is one of the documents. */
    boolean isDocument(String relative) {
        return documents.contains(relative);
    }

    /** The document name of {@code key}, or null when it is not one of this prefix's documents. */
    String documentOf(ByteSequence key) {
        if (key.size() <= prefixBytes.size() || !key.startsWith(prefixBytes)) {
            return null;
        }
        byte[] bytes = key.getBytes();
        String relative = new String(bytes, prefixBytes.size(), bytes.length - prefixBytes.size(), StandardCharsets.UTF_8);
        return isDocument(relative) ? relative : null;
    }

    /** Takes document texts kept in a cache file (no revisions known). */
    void restore(Map<String, String> texts) {
        Map<String, byte[]> present = new HashMap<>();
        texts.forEach((name, text) -> present.put(name, text.getBytes(StandardCharsets.UTF_8)));
        if (reset(present, Map.of())) {
            remerge();
        }
    }

    /** Takes the documents of a whole read of the prefix; returns the names whose document value changed. */
    Set<String> resetFrom(List<KeyValue> all) {
        Map<String, byte[]> present = new HashMap<>();
        Map<String, Long> revisions = new HashMap<>();
        for (KeyValue kv : all) {
            String document = documentOf(kv.getKey());
            if (document != null) {
                present.put(document, kv.getValue().getBytes());
                revisions.put(document, kv.getModRevision());
            }
        }
        return reset(present, revisions) ? remerge() : Set.of();
    }

    /**
     * Takes document {@code name}'s value at {@code revision} ({@code null}: deleted). Returns false when it
     * changes nothing (same text, or a text that does not parse).
     */
    boolean accept(String name, byte[] value, long revision) {
        if (value == null) {
            raw.remove(name);
            return parsed.remove(name) != null;
        }
        if (Arrays.equals(raw.get(name), value)) {
            return false;
        }
        String text = KeyNames.isUtf8(value) ? KeyNames.decode(value) : null;
        try {
            if (text == null) {
                throw new ConfigDocument.SyntaxError("the value is not valid UTF-8");
            }
            parsed.put(name, ConfigDocument.parse(name, text, maxProperties));
            raw.put(name, value);
            return true;
        } catch (ConfigDocument.SyntaxError e) {
            return doesNotParse(name, revision, e.getMessage());
        } catch (Throwable e) { // whatever a document does to a parser, the others and the plain keys still apply
            return doesNotParse(name, revision, e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private boolean doesNotParse(String name, long revision, String reason) {
        Metrics.count(Metric.DOCUMENT_ERRORS, "etcd.prefix", prefix);
        LOG.log(Level.WARNING, "Config document in etcd key ''{0}{1}'' at revision {2} does not parse: {3}; "
                + "its {4} properties of the last version that parsed stay", prefix, name, revision,
                reason, parsed.containsKey(name) ? parsed.get(name).size() : 0);
        return false;
    }

    /** Every document as read at one revision: documents not in {@code present} were deleted. */
    boolean reset(Map<String, byte[]> present, Map<String, Long> revisions) {
        boolean changed = false;
        for (String name : documents) {
            byte[] value = present.get(name);
            changed |= accept(name, value, revisions.getOrDefault(name, 0L));
        }
        return changed;
    }

    /** The merged properties now; immutable. */
    Map<String, Object> merged() {
        return merged;
    }

    /** Merges the documents again; returns the names whose value changed. */
    Set<String> remerge() {
        Map<String, Object> next = new LinkedHashMap<>();
        for (String name : documents) { // later documents win
            Map<String, String> properties = parsed.get(name);
            if (properties != null) {
                properties.forEach((k, v) -> next.put(k, v.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Set<String> touched = new HashSet<>();
        next.forEach((k, v) -> {
            if (!(merged.get(k) instanceof byte[] was) || !Arrays.equals(was, (byte[]) v)) {
                touched.add(k);
            }
        });
        merged.keySet().forEach(k -> {
            if (!next.containsKey(k)) {
                touched.add(k);
            }
        });
        merged = Map.copyOf(next);
        return touched;
    }

    /** The last good text of every document held, by document name (what the cache file keeps). */
    Map<String, byte[]> rawDocuments() {
        return Map.copyOf(raw);
    }
}
