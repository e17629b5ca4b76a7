package io.etcdmp.cli.console;

import io.etcdmp.internal.cli.Encryption;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.SecretNames;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What of a stored value the browser may see, decided by the full key (its path below the longest configured root,
 * whatever prefix the page names) and, inside a document, by each property's own name: the value of a
 * secret-looking key is masked whole, a document shows its properties with the secret-looking ones masked.
 */
final class Masking {
    private Masking() {
    }

    /** The name {@code key}'s value is masked by: the key below the longest of the console's roots. */
    static String nameOf(Console console, String key) {
        Console.Options o = console.options();
        String best = "";
        for (String root : List.of(o.configRoot(), o.registryPrefix(), o.changesPrefix())) {
            if (key.startsWith(root) && root.length() > best.length()) {
                best = root;
            }
        }
        return key.substring(best.length());
    }

    /** True when the whole value of {@code key} is hidden. */
    static boolean secret(Exchange x, String key) {
        return x.secrets().isSecret(nameOf(x.console(), key));
    }

    /** {@code value} of {@code key} as shown: masked whole, a document with its secret properties masked, or as is. */
    static String shown(Exchange x, String key, String value) {
        if (value == null) {
            return null;
        }
        return secret(x, key) ? SecretNames.MASK : unlessInside(x, key, value);
    }

    /**
     * The value of effective property {@code name} as shown: masked whole by its name, or, a property named like a
     * document (a document key the application does not list in {@code etcd.config.documents}), with the
     * secret-looking properties inside masked as on the prefix page.
     */
    static String shownProperty(Exchange x, String name, String value) {
        if (value == null) {
            return null;
        }
        return x.secrets().isSecret(name) ? SecretNames.MASK : unlessInside(x, name, value);
    }

    /** {@code value} encrypted ({@code (encrypted)}), a document named {@code key} with its secrets masked, or as is. */
    private static String unlessInside(Exchange x, String key, String value) {
        if (Encryption.isEncrypted(value)) {
            return Encryption.MASK;
        }
        if (!PropertyRules.isDocumentName(key)) {
            return value;
        }
        PropertyRules.Parsed parsed = PropertyRules.parseDocument(key, value.getBytes(StandardCharsets.UTF_8));
        if (!parsed.ok()) {
            return "(document of " + value.length() + " characters that does not parse: its text is not shown)";
        }
        Map<String, String> properties = new TreeMap<>(parsed.properties());
        if (properties.entrySet().stream().noneMatch(p -> x.secrets().isSecret(p.getKey()) || Encryption.isEncrypted(p.getValue()))) {
            return value;
        }
        StringBuilder b = new StringBuilder("(document; secret-looking and encrypted properties masked)\n");
        properties.forEach((n, v) -> b.append(n).append('=')
                .append(x.secrets().isSecret(n) ? SecretNames.MASK : Encryption.isEncrypted(v) ? Encryption.MASK : v).append('\n'));
        return b.toString();
    }

    /** True when {@link #shown} hides part or all of {@code value} (an edit form then starts empty). */
    static boolean hides(Exchange x, String key, String value) {
        return value != null && !value.equals(shown(x, key, value));
    }
}
