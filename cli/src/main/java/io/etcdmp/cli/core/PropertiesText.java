package io.etcdmp.cli.core;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** What a {@value FolderLayout#PLAIN_FILE} file defines, and the keys it defines more than once. */
    record Read(Map<String, String> entries, List<Repeated> repeated) {
    }

    /**
     * A key defined more than once in one file: {@code Properties.load} keeps the last silently.
     *
     * @param lines the line where each definition (a logical line) starts, 1-based; empty when they cannot be told
     */
    record Repeated(String key, List<Integer> lines) {
        String message() {
            String times = lines.size() == 2 || lines.isEmpty() ? "twice" : lines.size() + " times";
            String where = lines.isEmpty() ? "" : ", on lines " + String.join(", ", lines.subList(0, lines.size() - 1)
                    .stream().map(String::valueOf).toList()) + " and " + lines.get(lines.size() - 1);
            return "key '" + key + "' is defined " + times + where + ": only the last would count; keep one";
        }
    }

    /**
     * The entries of a {@value FolderLayout#PLAIN_FILE} file, read by {@code Properties.load} like a
     * {@code .properties} document, but without a document's limit of properties
     * ({@code etcd.config.document-max-properties}): the file holds a prefix's keys, not one key's value. Keys defined
     * more than once are told with their lines: {@code Properties.load} hands each logical line's key to
     * {@code put} in order, and {@link #logicalLineStarts} counts the same logical lines.
     *
     * @throws IllegalArgumentException when the bytes are not UTF-8 or the text is not properties syntax
     */
    static Read read(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the file is not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) { // a byte order mark (editors on Windows write one): no part of the first key
            text = text.substring(1);
        }
        InOrder properties = new InOrder();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        properties.forEach((k, v) -> out.put((String) k, (String) v));
        return new Read(out, repeated(properties.keys, text));
    }

    private static List<Repeated> repeated(List<String> keys, String text) {
        if (keys.size() == new HashSet<>(keys).size()) {
            return List.of();
        }
        List<Integer> starts = logicalLineStarts(text);
        boolean lines = starts.size() == keys.size(); // always, unless a corner of the format is read otherwise here
        Map<String, List<Integer>> at = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            at.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(lines ? starts.get(i) : 0);
        }
        List<Repeated> out = new ArrayList<>();
        at.forEach((key, where) -> {
            if (where.size() > 1) {
                out.add(new Repeated(key, lines ? List.copyOf(where) : List.of()));
            }
        });
        return out;
    }

    /** {@code Properties} that notes the keys {@code load} puts, in order, repeated ones too. */
    private static final class InOrder extends Properties {
        private final transient List<String> keys = new ArrayList<>();

        @Override
        public synchronized Object put(Object key, Object value) {
            keys.add((String) key);
            return super.put(key, value);
        }
    }

    /**
     * The line (1-based) where each logical line of a properties text starts, in order: as {@code Properties.load}
     * reads lines, with line ends {@code \n}, {@code \r\n} or {@code \r}, leading white space skipped, blank lines
     * and comment lines ({@code #}, {@code !} first) no lines, and a line ending in an odd number of backslashes
     * continued by the next (whose leading white space is skipped; a {@code #} there is no comment).
     */
    static List<Integer> logicalLineStarts(String text) {
        List<Integer> out = new ArrayList<>();
        int line = 1;
        int start = 0;
        int len = 0; // characters of the logical line so far, as Properties' line reader counts them
        boolean skipWhite = true;
        boolean continued = false;
        boolean backslash = false;
        boolean skipLf = false;
        boolean comment = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            int here = line;
            if (c == '\r' || c == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
                line++;
            }
            if (comment) { // up to and with the line end
                comment = c != '\r' && c != '\n';
                continue;
            }
            if (skipLf) {
                skipLf = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (skipWhite) {
                if (c == ' ' || c == '\t' || c == '\f' || !continued && (c == '\r' || c == '\n')) {
                    continue;
                }
                skipWhite = false;
                continued = false;
            }
            if (len == 0 && (c == '#' || c == '!')) {
                comment = true;
                skipWhite = true;
                continue;
            }
            if (c != '\n' && c != '\r') {
                if (len == 0) {
                    start = here;
                }
                len++;
                backslash = c == '\\' && !backslash;
            } else if (len == 0) {
                skipWhite = true;
            } else if (backslash && i < n - 1) { // continued on the next line (not past the end of the text)
                len--;
                skipWhite = true;
                continued = true;
                backslash = false;
                skipLf = c == '\r';
            } else {
                out.add(start);
                len = 0;
                skipWhite = true;
                backslash = false;
            }
        }
        if (len > 0) {
            out.add(start);
        }
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
