package io.etcdmp.cli.core;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Writes keys and values in {@code java.util.Properties} syntax, one a line in the map's order, UTF-8 (no date
 * comment, unlike {@code Properties.store}, so that an export of unchanged keys is the same file). What it
 * writes, {@code Properties.load} (the config source's own {@code .properties} reader) reads back exactly.
 */
final class PropertiesText {
    private PropertiesText() {
    }

    /**
     * The entries of a {@value FolderLayout#PLAIN_FILE} file, read by {@code Properties.load} like a
     * {@code .properties} document, but without a document's limit of properties
     * ({@code etcd.config.document-max-properties}): the file holds a prefix's keys, not one key's value.
     *
     * @throws IllegalArgumentException when the bytes are not UTF-8 or the text is not properties syntax
     */
    static Map<String, String> read(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the file is not valid UTF-8");
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        properties.forEach((k, v) -> out.put((String) k, (String) v));
        return out;
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
