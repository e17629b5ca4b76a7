package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.watch.KeyRanges;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Maps etcd keys to property names and checks and decodes values; both strictly UTF-8. */
final class KeyNames {
    private static final System.Logger LOG = System.getLogger(ConfigSnapshot.class.getName());
    private KeyNames() {
    }

    /**
     * The property name of {@code key} under {@code prefix}: the rest of the key with every {@code /}
     * turned into {@code .}; {@code null} when nothing is left, the key ends with {@code /} (a
     * "folder" key carries no property) or the key is not UTF-8.
     */
    static String propertyName(ByteSequence prefix, ByteSequence key) {
        byte[] bytes = key.getBytes(); // a copy of our own: the separators are replaced in place
        int from = prefix.size();
        if (bytes.length <= from || bytes[bytes.length - 1] == '/') {
            return null;
        }
        boolean ascii = true;
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b < 0) {
                ascii = false;
            } else if (b == '/') {
                bytes[i] = '.';
            }
        }
        if (ascii) { // the common case, and a quick one: one copy into the name
            return new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1);
        }
        return strict(bytes, from, bytes.length - from); // '/' -> '.' keeps UTF-8 valid: both are single bytes
    }

    /** The key of a property under a prefix (the inverse of {@link #propertyName} for names without {@code /}). */
    static ByteSequence key(String prefix, String name) {
        return ByteSequence.from(prefix + name, StandardCharsets.UTF_8);
    }

    /** Strict UTF-8 decoding: {@code null} for bytes that are not valid UTF-8. */
    static String decode(ByteSequence bytes) {
        byte[] b = bytes.getBytes();
        return isUtf8(b) ? decode(b) : null;
    }

    /** Decodes bytes already known to be valid UTF-8 ({@link #isUtf8}). */
    static String decode(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** True when {@code bytes} are valid UTF-8; quick for ASCII. */
    static boolean isUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return strict(bytes, 0, bytes.length) != null;
            }
        }
        return true;
    }

    private static String strict(byte[] bytes, int from, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static void warnNoName(ByteSequence key, ByteSequence prefix) {
        LOG.log(System.Logger.Level.WARNING, "etcd key ''{0}'' gives no property name under prefix ''{1}'': ignored",
                KeyRanges.describe(key), KeyRanges.describe(prefix));
    }

    static void warnNotUtf8(ByteSequence key, String name) {
        LOG.log(System.Logger.Level.WARNING, "Value of etcd key ''{0}'' is not valid UTF-8: property {1} is left out",
                KeyRanges.describe(key), name);
    }
}
