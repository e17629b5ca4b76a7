package io.etcdmp.internal.cli;

import io.etcdmp.internal.config.CliAccess;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How etcd keys and documents become MicroProfile Config property names: the config source's own code
 * ({@code KeyNames}, {@code ConfigDocument}), reached through {@link CliAccess}.
 */
public final class PropertyRules {
    /** Characters a property name must not hold: they break properties files, expressions or environment names. */
    private static final String FORBIDDEN = "=:#!${}\\";

    private PropertyRules() {
    }

    /** The property name of {@code key} under {@code prefix}; empty for a "folder" key, the prefix itself, or non-UTF-8. */
    public static Optional<String> propertyName(String prefix, byte[] key) {
        return Optional.ofNullable(CliAccess.propertyName(prefix, key));
    }

    /** True when {@code bytes} are valid UTF-8 (the source leaves other values out). */
    public static boolean isUtf8(byte[] bytes) {
        return CliAccess.isUtf8(bytes);
    }

    /** True when a key named so (below its prefix) is read as a document where it is listed in {@code etcd.config.documents}. */
    public static boolean isDocumentName(String name) {
        return CliAccess.isDocumentName(name);
    }

    /** {@code .properties}, {@code .yaml}, {@code .yml}, {@code .json}. */
    public static List<String> documentExtensions() {
        return CliAccess.documentExtensions();
    }

    /** A document's properties, or why it does not parse (with line and column where the parser gives them). */
    public record Parsed(Map<String, String> properties, Optional<String> error) {
        public boolean ok() {
            return error.isEmpty();
        }

        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Parsed that
                    && Objects.equals(properties, that.properties)
                    && Objects.equals(error, that.error);
        }

        @Override
        public int hashCode() {
            return Objects.hash(properties, error);
        }

        @Override
        public String toString() {
            return "Parsed[properties=" + properties + ", error=" + error + "]";
        }
    }

    /** Parses document {@code name} (its extension picks the parser) with the config source's own code. */
    public static Parsed parseDocument(String name, byte[] value) {
        try {
            return new Parsed(CliAccess.parseDocument(name, value), Optional.empty());
        } catch (IllegalArgumentException e) {
            return new Parsed(Map.of(), Optional.of(e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            return new Parsed(Map.of(), Optional.of("the parser failed: " + e));
        }
    }

    /**
     * Why {@code name} is not a usable MicroProfile Config property name, or empty when it is: it must not be
     * empty, hold white space or control characters, start or end with {@code .} or hold {@code ..} (an empty
     * part, as a key {@code a//b} gives), nor any of {@code = : # ! $ { } \}.
     */
    public static Optional<String> nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Optional.of("it holds white space or a control character at position " + (i + 1));
            }
            if (FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of("it holds '" + c + "', which breaks properties files or ${...} expressions");
            }
        }
        if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return Optional.of("it has an empty part (a leading or trailing '.', or '..': a key with '//' gives one)");
        }
        return Optional.empty();
    }
}
