package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Maps etcd keys to property names and decodes values; both strictly UTF-8. */
final class KeyNames {
    private KeyNames() {
    }

    /**
     * The property name of {@code key} under {@code prefix}: the rest of the key with every {@code /}
     * turned into {@code .}; {@code null} when nothing is left, the key ends with {@code /} (a
     * "folder" key carries no property) or the key is not UTF-8.
     */
    static String propertyName(ByteSequence prefix, ByteSequence key) {
        byte[] bytes = key.getBytes();
        String rest = decode(bytes, prefix.size());
        if (rest == null || rest.endsWith("/")) {
            return null;
        }
        String name = rest.replace('/', '.');
        return name.isEmpty() ? null : name;
    }

    /** The key of a property under a prefix (the inverse of {@link #propertyName} for names without {@code /}). */
    static ByteSequence key(String prefix, String name) {
        return ByteSequence.from(prefix + name, StandardCharsets.UTF_8);
    }

    /** Strict UTF-8 decoding: {@code null} for bytes that are not valid UTF-8. */
    static String decode(ByteSequence bytes) {
        return decode(bytes.getBytes(), 0);
    }

    private static String decode(byte[] bytes, int from) {
        boolean ascii = true;
        for (int i = from; i < bytes.length && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) { // the common case, and a quick one
            return new String(bytes, from, bytes.length - from, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, bytes.length - from))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
