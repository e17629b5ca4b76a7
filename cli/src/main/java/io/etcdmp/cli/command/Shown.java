package io.etcdmp.cli.command;

import io.etcdmp.internal.cli.Encryption;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.SecretNames;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** How values appear: encrypted ones as {@code (encrypted)}, masked where the name looks secret, escaped, shortened; never the bytes of a secret. */
final class Shown {
    private static final int MAX = 120;

    private Shown() {
    }

    /** {@code value} of key or property {@code name} for people (and for JSON output: the same masking). */
    static String value(SecretNames secrets, String name, byte[] value) {
        if (value == null) {
            return null;
        }
        if (!PropertyRules.isUtf8(value)) {
            return secrets.isSecret(name) ? SecretNames.MASK : "(" + value.length + " bytes, not UTF-8)";
        }
        return value(secrets, name, new String(value, StandardCharsets.UTF_8));
    }

    static String value(SecretNames secrets, String name, String value) {
        if (value == null) {
            return null;
        }
        if (Encryption.isEncrypted(value)) {
            return Encryption.MASK; // never decrypted to be shown
        }
        return secrets.isSecret(name) ? SecretNames.MASK : text(value);
    }

    /**
     * The value of key {@code name} as stored: a document (named like one) by its properties, each masked by its
     * own name, never its text (a password inside a document is no secret-looking key name).
     */
    static String stored(SecretNames secrets, String name, byte[] value) {
        if (value == null || !PropertyRules.isUtf8(value)) {
            return value(secrets, name, value);
        }
        return stored(secrets, name, new String(value, StandardCharsets.UTF_8));
    }

    static String stored(SecretNames secrets, String name, String value) {
        if (value == null || secrets.isSecret(name) || !PropertyRules.isDocumentName(name)) {
            return value(secrets, name, value);
        }
        PropertyRules.Parsed parsed = PropertyRules.parseDocument(name, value.getBytes(StandardCharsets.UTF_8));
        if (!parsed.ok()) {
            return "(document of " + value.length() + " characters that does not parse)";
        }
        List<String> shown = new java.util.ArrayList<>();
        new java.util.TreeMap<>(parsed.properties()).forEach((n, v) -> shown.add(n + "=" + (secrets.isSecret(n) ? SecretNames.MASK : v)));
        return "(document) " + text(String.join(", ", shown));
    }

    private static String text(String s) {
        String escaped = s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return escaped.length() <= MAX ? escaped : escaped.substring(0, MAX) + "... (" + s.length() + " characters)";
    }

    /** The part of {@code key} below the longest of {@code prefixes} it starts with (what names the property). */
    static String relative(String key, List<String> prefixes) {
        String best = "";
        for (String p : prefixes) {
            if (key.startsWith(p) && p.length() > best.length()) {
                best = p;
            }
        }
        return key.substring(best.length());
    }
}
