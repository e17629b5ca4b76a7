package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-level helpers for etcd key ranges. */
public final class KeyRanges {
    private static final ByteSequence ZERO = ByteSequence.from(new byte[] {0});

    private KeyRanges() {
    }

    /** The smallest key greater than every key starting with {@code prefix} ({@code \0} = no upper bound). */
    public static ByteSequence prefixEnd(ByteSequence prefix) {
        byte[] bytes = prefix.getBytes();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return ByteSequence.from(end);
            }
        }
        return ZERO;
    }

    /** The key just after {@code key} in byte order. */
    public static ByteSequence successor(ByteSequence key) {
        return key.concat(ZERO);
    }

    /** A key for messages: UTF-8 when it decodes, otherwise with the bad bytes replaced. */
    public static String describe(ByteSequence key) {
        return new String(key.getBytes(), StandardCharsets.UTF_8);
    }
}
