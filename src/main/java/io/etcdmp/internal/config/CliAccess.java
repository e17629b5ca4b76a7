package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.client.PropertyLookup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The config source's own rules, opened for {@code io.etcdmp.internal.cli} (the seam of the {@code etcdmp}
 * tool) and nothing else: how a key becomes a property name, how a document becomes properties, how
 * prefixes and documents layer, where settings come from. Each method only delegates, so the tool and the
 * config source can never disagree.
 */
public final class CliAccess {
    private CliAccess() {
    }

    /** {@link KeyNames#propertyName}: {@code null} when the key gives no property. */
    public static String propertyName(String prefix, byte[] key) {
        return KeyNames.propertyName(ByteSequence.from(prefix, StandardCharsets.UTF_8), ByteSequence.from(key));
    }

    /** True when {@code bytes} are valid UTF-8, by the source's own strict test. */
    public static boolean isUtf8(byte[] bytes) {
        return KeyNames.isUtf8(bytes);
    }

    /** True when {@code name} has an extension the source reads as a document. */
    public static boolean isDocumentName(String name) {
        return ConfigDocument.readable(name);
    }

    /** The extensions the source reads as documents. */
    public static List<String> documentExtensions() {
        return ConfigDocument.EXTENSIONS;
    }

    /**
     * The properties of document {@code name} holding {@code value}, as the source reads it (UTF-8 first);
     * throws {@link IllegalArgumentException} with the parser's message (line and column where it gives them).
     */
    public static Map<String, String> parseDocument(String name, byte[] value) {
        try {
            if (!KeyNames.isUtf8(value)) {
                throw new ConfigDocument.SyntaxError("the value is not valid UTF-8");
            }
            return ConfigDocument.parse(name, KeyNames.decode(value));
        } catch (ConfigDocument.SyntaxError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * What a config source over {@code prefixes} (lowest precedence first) with documents {@code documents}
     * serves when prefix {@code i} holds {@code contents.get(i)} (every key under it at one revision): built by
     * the source's own snapshot. Documents that do not parse give nothing (the source would keep an older
     * version; the tool has none).
     */
    public static Map<String, String> properties(List<String> prefixes, List<String> documents, List<List<KeyValue>> contents) {
        List<ByteSequence> bytes = new ArrayList<>();
        prefixes.forEach(p -> bytes.add(ByteSequence.from(p, StandardCharsets.UTF_8)));
        ConfigSnapshot snapshot = new ConfigSnapshot(bytes, documents, (name, value) -> value);
        for (int i = 0; i < prefixes.size(); i++) {
            snapshot.reset(i, contents.get(i), false);
        }
        return snapshot.copy();
    }

    /**
     * The config source's settings (prefixes after {@code mp.app.name} and {@code etcd.config.prefixes},
     * documents) from {@code lookup}.
     */
    public static ConfigSourceSettings sourceSettings(PropertyLookup lookup) {
        return ConfigSourceSettings.from(lookup);
    }

    /** Where the config source reads its own settings: system properties, the environment (MP's mapping), files. */
    public static PropertyLookup bootstrap() {
        return BootstrapProperties.forClassLoader(CliAccess.class.getClassLoader());
    }
}
