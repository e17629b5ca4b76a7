package io.etcdmp.cli.core;

import io.etcdmp.internal.cli.PropertyRules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a document change does to properties: the properties the config source's document code reads from the
 * old and the new value, compared by name. Values are the parsed ones, unmasked: who shows them masks them.
 */
public final class DocumentDiff {
    private DocumentDiff() {
    }

    public enum Op { ADD, CHANGE, DELETE }

    /** A property the change adds, changes or removes; {@code before}/{@code after} null where there is none or it is unknown. */
    public record Property(Op op, String name, String before, String after) {
    }

    /** The properties that differ between {@code before} and {@code after} (null: no document), by name. */
    public static List<Property> of(String key, byte[] before, byte[] after) {
        Map<String, String> old = properties(key, before);
        Map<String, String> now = properties(key, after);
        TreeSet<String> names = new TreeSet<>(old.keySet());
        names.addAll(now.keySet());
        List<Property> out = new ArrayList<>();
        for (String n : names) {
            String b = old.get(n);
            String a = now.get(n);
            if (!Objects.equals(a, b)) {
                out.add(new Property(b == null ? Op.ADD : a == null ? Op.DELETE : Op.CHANGE, n, b, a));
            }
        }
        return out;
    }

    /** The properties of document {@code key}'s value (none when null). */
    public static Map<String, String> properties(String key, byte[] value) {
        return value == null ? Map.of() : PropertyRules.parseDocument(key.substring(key.lastIndexOf('/') + 1), value).properties();
    }
}
