package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys to property names and values to strings, strictly UTF-8. */
@Tag("unit")
class KeyNamesTest {
    private static final ByteSequence PREFIX = utf8("/config/orders/");

    @Test
    void slashesBecomeDotsAfterThePrefix() {
        assertThat(KeyNames.propertyName(PREFIX, utf8("/config/orders/db/pool.size"))).isEqualTo("db.pool.size");
        assertThat(KeyNames.propertyName(PREFIX, utf8("/config/orders/plain"))).isEqualTo("plain");
    }

    @Test
    void unicodeSpacesAndPercentAreKept() {
        assertThat(KeyNames.propertyName(PREFIX, utf8("/config/orders/grüße/a b%c"))).isEqualTo("grüße.a b%c");
    }

    @Test
    void folderKeysThePrefixItselfAndNonUtf8KeysCarryNoProperty() {
        assertThat(KeyNames.propertyName(PREFIX, utf8("/config/orders/db/"))).isNull();
        assertThat(KeyNames.propertyName(PREFIX, PREFIX)).isNull();
        byte[] bad = (PREFIX.toString(StandardCharsets.UTF_8) + "x").getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 1] = (byte) 0xC3; // a lead byte with no continuation
        assertThat(KeyNames.propertyName(PREFIX, ByteSequence.from(bad))).isNull();
    }

    @Test
    void valuesDecodeOnlyWhenValidUtf8() {
        assertThat(KeyNames.decode(utf8("naïve"))).isEqualTo("naïve");
        assertThat(KeyNames.decode(ByteSequence.from(new byte[] {(byte) 0xFF, 'a'}))).isNull();
        assertThat(KeyNames.isUtf8("ascii".getBytes(StandardCharsets.US_ASCII))).isTrue();
    }

    private static ByteSequence utf8(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
