package io.etcdmp.cli.core;

import java.util.Map;

/**
 * Writes keys and values in {@code java.util.Properties} syntax, one a line in the map's order, UTF-8 (no date
 * comment, unlike {@code Properties.store}, so that an export of unchanged keys is the same file). What it
 * writes, {@code Properties.load} (the config source's own {@code .properties} reader) reads back exactly.
 */
final class PropertiesText {
    private PropertiesText() {
    }

    static String write(Map<String, String> entries) {
        StringBuilder out = new StringBuilder();
        entries.forEach((k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        return out.toString();
    }

    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\f' -> b.append("\\f");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
